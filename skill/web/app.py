"""The web edge: the Flask app and its routes; POST /alexa itself is skill/web/endpoint.py.

create_app() is the only place settings, the request verifier and storage meet. Nothing
below the edge imports Flask.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from skill.config import Config
from skill.version import __version__
from skill.web import privacy as privacy_notice
from skill.web.endpoint import AlexaEndpoint, error_response
from skill.web.health import StorageProbe
from skill.web.logs import JsonFormatter, with_request_id
from skill.web.metrics import Metrics, may_read_metrics
from skill.web.verification import RequestVerifier

log = logging.getLogger("skill.web.app")

SKILL_EXTENSION = "stretch_skill"
__all__ = ["SKILL_EXTENSION", "create_app"]


def _resolve_config(config: Config | Mapping[str, Any] | None) -> Config:
    if isinstance(config, Config):
        return config
    if config is None:
        return Config.from_env()
    return Config.from_mapping(config)


def _configure_logging(level: str) -> None:
    root = logging.getLogger()
    if not root.handlers:  # gunicorn and the CLI: one JSON object per line on stderr
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        root.addHandler(handler)
    logging.getLogger("skill").setLevel(level)


def create_app(
    config: Config | Mapping[str, Any] | None = None,
    *,
    verifier: Any = None,
    persistence: Any = None,
) -> Flask:
    """Build the service. With no arguments: settings from the environment, verification on,
    SQLite storage under ./data. Tests pass a mapping of the same setting names, their own
    verifier (a RequestVerifier over a test CA) and a persistence adapter."""
    cfg = _resolve_config(config)
    _configure_logging(cfg.log_level)

    if verifier is None and cfg.verify_requests:
        verifier = RequestVerifier(cfg.skill_ids)
    if verifier is None:
        log.warning(
            "REQUEST VERIFICATION IS OFF (ALEXA_VERIFY_REQUESTS=off): anyone who can reach this "
            "service can drive the skill. Use this only for local tries, never in production."
        )
    elif not cfg.skill_ids and not getattr(verifier, "skill_ids", None):
        log.warning(
            "ALEXA_SKILL_IDS is not set: any Alexa skill could call this service "
            "(signatures are still checked). Set it to your skill's id."
        )

    if persistence is None:
        from skill.storage import build_persistence

        persistence = build_persistence(cfg)

    from skill.alexa.assembly import configured_skill
    from skill.core.content import load as load_content

    # Content is read and checked once, here: a broken content file stops start-up, not a stretch.
    # It holds every locale's words; each request gets its own locale's (skill/alexa/turn.py).
    content = load_content()
    alexa_skill = configured_skill(cfg, persistence, content)
    from skill.alexa.intents import INTENT_EVENTS  # the model's intent names (tests/test_layers.py)

    metrics = Metrics(INTENT_EVENTS)
    probe = StorageProbe(persistence, on_error=metrics.storage_errors.labels("probe").inc)

    app = Flask("skill")
    app.config["MAX_CONTENT_LENGTH"] = cfg.max_body_bytes
    app.extensions[SKILL_EXTENSION] = alexa_skill
    app.extensions["stretch_metrics"] = metrics

    app.wsgi_app = with_request_id(app.wsgi_app)  # type: ignore[method-assign,assignment]

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        reason = {
            404: "not found",
            405: "method not allowed",
            413: f"request body larger than {cfg.max_body_bytes} bytes",
        }.get(exc.code or 500, (exc.name or "error").lower())
        if exc.code == 413:
            log.warning("refused request: %s", reason)
        return error_response(exc.code or 500, reason)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:
        # The skill's own catch-all answers inside invoke(); this only guards the edge itself.
        log.exception("unexpected error at the web edge")
        return error_response(500, "internal error")

    @app.get("/healthz")
    def healthz() -> Response:
        writable = probe.writable()  # a write and a read of a reserved row, cached a few seconds
        response = jsonify(
            {
                "status": "ok" if writable else "storage not writable",
                "version": __version__,
                "verification": verifier is not None,
                "storage": cfg.storage_backend,
                "storage_writable": writable,
            }
        )
        response.status_code = 200 if writable else 503
        return response

    @app.get("/privacy")
    def privacy_page() -> Response:
        # The notice the store page links to (skill/web/privacy.py); ?locale=en-GB or Accept-Language.
        locale = privacy_notice.notice_locale(content, request.args.get("locale"), request.accept_languages)
        html = privacy_notice.render_notice(
            content, locale, retention_days=cfg.retention_days, contact=cfg.privacy_contact
        )
        response = Response(html, status=200, content_type="text/html; charset=utf-8")
        response.headers["Content-Language"] = locale
        response.headers["Cache-Control"] = "public, max-age=3600"
        response.vary.add("Accept-Language")
        return response

    @app.get("/metrics")
    def metrics_page() -> Response:
        if not may_read_metrics(request.headers, request.remote_addr, cfg.metrics_token):
            return error_response(403, "metrics are served to loopback or with the bearer token")
        body, content_type = metrics.render()
        return Response(body, status=200, content_type=content_type)

    # The one route Alexa calls: skill/web/endpoint.py.
    app.add_url_rule("/alexa", "alexa", AlexaEndpoint(cfg, verifier, alexa_skill, metrics), methods=["POST"])

    return app
