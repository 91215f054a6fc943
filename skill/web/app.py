"""The web edge: Flask receives Alexa's POST, checks it, and hands it to the ask-sdk skill.

create_app() is the only place settings, the request verifier and storage meet. Nothing
below the edge imports Flask.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from ask_sdk_core.exceptions import AskSdkException
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope
from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from skill.alexa import guard
from skill.config import Config
from skill.version import __version__
from skill.web.body import BodyError, parse_envelope
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


class Refused(Exception):
    """The request gets HTTP 400 with this short reason; it never reaches a handler.

    `detail` is for the log only and is never taken from the body (e.g. an exception type).
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.detail = detail


def _iso_stamp(raw: object) -> datetime | None:
    if not isinstance(raw, str):
        return None
    try:
        stamp = datetime.fromisoformat(raw)
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def parsed_deserializer(serializer: DefaultSerializer) -> Callable[[dict[str, Any]], RequestEnvelope]:
    """Map an already-parsed envelope to ask-sdk-model objects with the skill's own serializer.

    DefaultSerializer.deserialize() only takes a JSON string and decodes it again; the
    mapping step it then runs is the name-mangled _DefaultSerializer__deserialize (private,
    but the SDK's own code path, and stable since ask-sdk-core 1.0). Should a release rename
    it, this falls back to the public method at the cost of one more decode, and
    tests/test_app.py fails so that the change is noticed.

    The SDK parses request.timestamp with dateutil (about 80 us, the largest single step of
    the mapping); an ISO 8601 stamp - what Alexa sends - is parsed with the standard library
    instead and set on the mapped request. Anything else is left to the SDK, which refuses it.
    """
    mapped = getattr(serializer, "_DefaultSerializer__deserialize", None)
    if mapped is None:
        return lambda data: serializer.deserialize(json.dumps(data), RequestEnvelope)

    def to_envelope(data: dict[str, Any]) -> RequestEnvelope:
        request = data["request"]
        stamp = _iso_stamp(request.get("timestamp"))
        if stamp is None:
            return mapped(data, RequestEnvelope)
        rest = {key: value for key, value in request.items() if key != "timestamp"}
        envelope = mapped({**data, "request": rest}, RequestEnvelope)
        envelope.request.timestamp = stamp
        return envelope

    return to_envelope


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
    alexa_skill = build_skill(persistence, skill_id=sdk_skill_id, content=load_content())
    serializer = alexa_skill.serializer
    to_envelope = parsed_deserializer(serializer)

    def envelope_of(body: bytes) -> RequestEnvelope:
        """Read once, verify once, parse once, guard, map once; or Refused(reason)."""
        try:
            data = verifier.verify(request.headers, body) if verifier is not None else None
            if data is None:  # verification off, or a verifier that returns nothing
                data = parse_envelope(body)
        except VerificationError as exc:
            raise Refused(f"verification failed: {exc}") from exc
        except BodyError as exc:
            raise Refused(str(exc)) from exc
        reason = guard.refusal(data, cfg.skill_ids)
        if reason:
            raise Refused(reason)
        try:
            envelope = to_envelope(data)
        except Exception as exc:  # the SDK raises several types for shapes it cannot map
            # Only the type: the SDK's messages quote the payload.
            raise Refused("request envelope not understood", type(exc).__name__) from exc
        if envelope is None or envelope.request is None or envelope.context is None:
            raise Refused("request envelope not understood")
        return envelope

    app = Flask("skill")
    app.config["MAX_CONTENT_LENGTH"] = cfg.max_body_bytes
    app.extensions[SKILL_EXTENSION] = alexa_skill

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
            {
                "status": "ok",
                "version": __version__,
                "verification": verifier is not None,
                "storage": cfg.storage_backend,
            }
        )

    @app.post("/alexa")
    def alexa() -> Response:
        body = request.get_data(cache=False)  # over MAX_CONTENT_LENGTH -> 413 via http_error
        try:
            envelope = envelope_of(body)
        except Refused as exc:
            # Never the body: our own reason, and for the SDK's errors only their type.
            log.warning("refused request: %s%s", exc, f" ({exc.detail})" if exc.detail else "")
            return _error(400, str(exc))
        try:
            response_envelope = alexa_skill.invoke(request_envelope=envelope, context=None)
        except AskSdkException:
            # Raised before any handler runs, e.g. the SDK's own application id check.
            log.warning("refused request: request not for this skill")
            return _error(400, "request not for this skill")
        return Response(
            # allow_nan=False: never emit JSON that Alexa (or any strict parser) cannot read.
            json.dumps(serializer.serialize(response_envelope), allow_nan=False, separators=(",", ":")),
            status=200,
            mimetype="application/json",
        )

    return app
