"""The web edge: Flask receives Alexa's POST, checks it, and hands it to the ask-sdk skill.

create_app() is the only place settings, the request verifier and storage meet. Nothing
below the edge imports Flask.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping
from typing import Any

from ask_sdk_core.exceptions import AskSdkException
from ask_sdk_model import RequestEnvelope
from flask import Flask, Response, g, jsonify, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from skill.alexa import guard
from skill.alexa.mapping import parsed_deserializer
from skill.alexa.observe import Observed
from skill.config import Config
from skill.version import __version__
from skill.web import privacy as privacy_notice
from skill.web.body import BodyError, parse_envelope
from skill.web.health import StorageProbe
from skill.web.logs import JsonFormatter, new_request_id
from skill.web.metrics import Metrics, may_read_metrics, verification_reason
from skill.web.verification import RequestVerifier, VerificationError

log = logging.getLogger("skill.web.app")

SKILL_EXTENSION = "stretch_skill"
__all__ = ["SKILL_EXTENSION", "Refused", "create_app"]


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


def _error(status: int, reason: str) -> Response:
    response = jsonify({"error": reason})
    response.status_code = status
    return response


class Refused(Exception):
    """The request gets HTTP 400 with this short reason; it never reaches a handler.

    `detail` is for the log only and is never taken from the body (e.g. an exception type);
    `kind` is the bounded label /metrics counts it under (skill.web.metrics.REFUSALS).
    """

    def __init__(self, reason: str, detail: str = "", kind: str = "guard") -> None:
        super().__init__(reason)
        self.detail = detail
        self.kind = kind


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

    from skill.storage import privacy

    privacy.configure(cfg.log_hash_salt)  # log refs keyed by the operator's secret, whatever the storage
    if persistence is None:
        from skill.storage import build_persistence

        persistence = build_persistence(cfg)

    from skill.alexa.handlers import build_skill
    from skill.core.content import load as load_content

    # With exactly one id, the SDK double-checks it too; with several, the verifier does it.
    sdk_skill_id = cfg.skill_ids[0] if len(cfg.skill_ids) == 1 else None
    # Content is read and checked once, here: a broken content file stops start-up, not a stretch.
    # It holds every locale's words; each request gets its own locale's (skill/alexa/turn.py).
    content = load_content()
    alexa_skill = build_skill(persistence, skill_id=sdk_skill_id, content=content)
    serializer = alexa_skill.serializer
    to_envelope = parsed_deserializer(serializer)
    from skill.alexa.intents import INTENT_EVENTS  # the model's intent names (tests/test_layers.py)

    metrics = Metrics(INTENT_EVENTS)
    probe = StorageProbe(persistence, on_error=metrics.storage_errors.labels("probe").inc)

    def envelope_of(body: bytes, seen: Observed) -> RequestEnvelope:
        """Read once, verify once, parse once, guard, map once; or Refused(reason)."""
        try:
            data = verifier.verify(request.headers, body) if verifier is not None else None
            if data is None:  # verification off, or a verifier that returns nothing
                data = parse_envelope(body)
        except VerificationError as exc:
            metrics.verification_failures.labels(verification_reason(str(exc))).inc()
            raise Refused(f"verification failed: {exc}", kind="verification") from exc
        except BodyError as exc:
            raise Refused(str(exc)) from exc
        # Both paths above parse with body.parse_envelope, which has already checked the shape.
        reason = guard.refusal(data, cfg.skill_ids, shape_checked=True)
        if reason:
            raise Refused(reason)
        seen.request_type = metrics.request_type(data["request"].get("type"))
        try:
            envelope = to_envelope(data)
        except Exception as exc:  # the SDK raises several types for shapes it cannot map
            # Only the type: the SDK's messages quote the payload.
            raise Refused("request envelope not understood", type(exc).__name__, "not_understood") from exc
        if envelope is None or envelope.request is None or envelope.context is None:
            raise Refused("request envelope not understood", kind="not_understood")
        metrics.requests.labels(seen.request_type, metrics.intent(data["request"])).inc()
        return envelope

    app = Flask("skill")
    app.config["MAX_CONTENT_LENGTH"] = cfg.max_body_bytes
    app.extensions[SKILL_EXTENSION] = alexa_skill
    app.extensions["stretch_metrics"] = metrics

    @app.before_request
    def start() -> None:
        g.request_id = new_request_id()

    @app.after_request
    def finish(response: Response) -> Response:
        response.headers["X-Request-Id"] = g.get("request_id", "-")
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        reason = {
            404: "not found",
            405: "method not allowed",
            413: f"request body larger than {cfg.max_body_bytes} bytes",
        }.get(exc.code or 500, (exc.name or "error").lower())
        if exc.code == 413:
            log.warning("refused request: %s", reason)
        return _error(exc.code or 500, reason)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:
        # The skill's own catch-all answers inside invoke(); this only guards the edge itself.
        log.exception("unexpected error at the web edge")
        return _error(500, "internal error")

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
            return _error(403, "metrics are served to loopback or with the bearer token")
        body, content_type = metrics.render()
        return Response(body, status=200, content_type=content_type)

    @app.post("/alexa")
    def alexa() -> Response:
        started = time.perf_counter()
        seen = Observed()  # what the turn did, for /metrics; the SDK hands it to every handler
        try:
            return answer(seen)
        except RequestEntityTooLarge:  # over MAX_CONTENT_LENGTH: 413 via http_error
            seen.outcome = ("refused", "too_large")
            raise
        finally:
            # One place counts every POST /alexa, whichever way it ended (an exception: "error").
            metrics.replies.labels(*seen.outcome).inc()
            metrics.latency.labels(seen.request_type).observe(time.perf_counter() - started)
            if seen.storage_errors:
                metrics.storage_errors.labels("turn").inc(seen.storage_errors)
            if seen.safety_reply:
                metrics.safety_replies.inc()

    def answer(seen: Observed) -> Response:
        body = request.get_data(cache=False)
        try:
            envelope = envelope_of(body, seen)
        except Refused as exc:
            # Never the body: our own reason, and for the SDK's errors only their type.
            log.warning("refused request: %s%s", exc, f" ({exc.detail})" if exc.detail else "")
            seen.outcome = ("refused", exc.kind)
            return _error(400, str(exc))
        try:
            response_envelope = alexa_skill.invoke(request_envelope=envelope, context=seen)
        except AskSdkException:
            # Raised before any handler runs, e.g. the SDK's own application id check.
            log.warning("refused request: request not for this skill")
            seen.outcome = ("refused", "wrong_skill")
            return _error(400, "request not for this skill")
        reply = Response(
            # allow_nan=False: never emit JSON that Alexa (or any strict parser) cannot read.
            json.dumps(serializer.serialize(response_envelope), allow_nan=False, separators=(",", ":")),
            status=200,
            mimetype="application/json",
        )
        seen.outcome = ("error", "") if seen.error else ("ok", "")
        return reply

    return app
