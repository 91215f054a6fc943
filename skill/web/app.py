"""The web edge: Flask receives Alexa's POST, checks it, and hands it to the ask-sdk skill.

create_app() is the only place settings, the request verifier and storage meet. Nothing
below the edge imports Flask.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Mapping

from ask_sdk_core.exceptions import AskSdkException
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope
from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from skill.version import __version__
from skill.config import Config
from skill.web.verification import RequestVerifier, VerificationError

log = logging.getLogger("skill.web.app")

SKILL_EXTENSION = "stretch_skill"


def _resolve_config(config: Config | Mapping[str, Any] | None) -> Config:
    if isinstance(config, Config):
        return config
    if config is None:
        return Config.from_env()
    return Config.from_mapping(config)


def _configure_logging(level: str) -> None:
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("skill").setLevel(level)


def _error(status: int, reason: str) -> Response:
    response = jsonify({"error": reason})
    response.status_code = status
    return response


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

    from skill.alexa.handlers import build_skill

    # With exactly one id, the SDK double-checks it too; with several, the verifier does it.
    sdk_skill_id = cfg.skill_ids[0] if len(cfg.skill_ids) == 1 else None
    alexa_skill = build_skill(persistence, skill_id=sdk_skill_id)
    serializer = DefaultSerializer()

    app = Flask("skill")
    app.config["MAX_CONTENT_LENGTH"] = cfg.max_body_bytes
    app.extensions[SKILL_EXTENSION] = alexa_skill
    app.extensions["stretch_config"] = cfg

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
        return jsonify(
            {"status": "ok", "version": __version__, "verification": verifier is not None,
             "storage": cfg.storage_backend}
        )

    @app.post("/alexa")
    def alexa() -> Response:
        body = request.get_data(cache=False)  # over MAX_CONTENT_LENGTH -> 413 via http_error
        if verifier is not None:
            try:
                verifier.verify(request.headers, body)
            except VerificationError as exc:
                log.warning("refused request: verification failed: %s", exc)
                return _error(400, f"verification failed: {exc}")
        try:
            payload = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            log.warning("refused request: body is not JSON")
            return _error(400, "body is not valid JSON")
        if not isinstance(payload, dict) or not isinstance(payload.get("request"), dict):
            log.warning("refused request: JSON is not an Alexa request envelope")
            return _error(400, "not an Alexa request envelope")
        try:
            envelope = serializer.deserialize(body.decode("utf-8"), RequestEnvelope)
        except Exception as exc:  # the SDK raises several types for shapes it cannot map
            log.warning("refused request: envelope not understood: %s", exc)
            return _error(400, "request envelope not understood")
        if envelope is None or envelope.request is None or envelope.context is None:
            log.warning("refused request: envelope lacks request or context")
            return _error(400, "request envelope not understood")
        try:
            response_envelope = alexa_skill.invoke(request_envelope=envelope, context=None)
        except AskSdkException as exc:
            # Raised before any handler runs, e.g. the SDK's own application id check.
            log.warning("refused request: %s", exc)
            return _error(400, "request not for this skill")
        return Response(
            json.dumps(serializer.serialize(response_envelope)),
            status=200,
            mimetype="application/json",
        )

    return app
