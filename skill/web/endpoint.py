"""POST /alexa: read once, verify once, parse once, guard, map once, invoke, serialize.

Every request gets exactly one count of its outcome and latency in /metrics, whichever way it
ends; a refusal gets HTTP 400 with a short reason and never reaches a handler.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from ask_sdk_core.exceptions import AskSdkException
from ask_sdk_core.skill import CustomSkill
from ask_sdk_model import RequestEnvelope
from flask import Response, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

from skill.alexa import guard
from skill.alexa.mapping import parsed_deserializer
from skill.alexa.observe import Observed
from skill.config import Config
from skill.web.body import BodyError, parse_envelope
from skill.web.metrics import Metrics, verification_reason
from skill.web.verification import RequestVerifier, VerificationError

__all__ = ["AlexaEndpoint", "Refused", "error_response"]

log = logging.getLogger("skill.web.endpoint")


def error_response(status: int, reason: str) -> Response:
    """Every error the service answers: JSON with one short reason, never a stack trace."""
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


class AlexaEndpoint:
    """The view function of POST /alexa (a callable, registered by create_app)."""

    def __init__(
        self,
        cfg: Config,
        verifier: Any,
        skill: CustomSkill,
        metrics: Metrics,
    ) -> None:
        self.skill_ids = cfg.skill_ids
        self.verifier = verifier
        # RequestVerifier.verify and the path without one parse with body.parse_envelope,
        # which checks the shape; anything else that hands back a dict gets the full walk.
        self.shape_checked = verifier is None or isinstance(verifier, RequestVerifier)
        self.skill = skill
        self.to_envelope = parsed_deserializer(skill.serializer)
        self.metrics = metrics

    def __call__(self) -> Response:
        started = time.perf_counter()
        seen = Observed()  # what the turn did, for /metrics; the SDK hands it to every handler
        try:
            return self.answer(seen)
        except RequestEntityTooLarge:  # over MAX_CONTENT_LENGTH: 413 via http_error
            seen.outcome = ("refused", "too_large")
            raise
        finally:
            # One place counts every POST /alexa, whichever way it ended (an exception: "error").
            m = self.metrics
            m.child(m.replies, *seen.outcome).inc()
            m.child(m.latency, seen.request_type).observe(time.perf_counter() - started)
            if seen.storage_errors:
                self.metrics.storage_errors.labels("turn").inc(seen.storage_errors)
            if seen.safety_reply:
                self.metrics.safety_replies.inc()

    def answer(self, seen: Observed) -> Response:
        body = request.get_data(cache=False)
        try:
            envelope = self.envelope_of(body, seen)
        except Refused as exc:
            # Never the body: our own reason, and for the SDK's errors only their type.
            log.warning("refused request: %s%s", exc, f" ({exc.detail})" if exc.detail else "")
            seen.outcome = ("refused", exc.kind)
            return error_response(400, str(exc))
        try:
            response_envelope = self.skill.invoke(request_envelope=envelope, context=seen)
        except AskSdkException:
            # Raised before any handler runs, e.g. the SDK's own application id check.
            log.warning("refused request: request not for this skill")
            seen.outcome = ("refused", "wrong_skill")
            return error_response(400, "request not for this skill")
        reply = Response(
            # allow_nan=False: never emit JSON that Alexa (or any strict parser) cannot read.
            json.dumps(
                self.skill.serializer.serialize(response_envelope), allow_nan=False, separators=(",", ":")
            ),
            status=200,
            mimetype="application/json",
        )
        seen.outcome = ("error", "") if seen.error else ("ok", "")
        return reply

    def envelope_of(self, body: bytes, seen: Observed) -> RequestEnvelope:
        """Read once, verify once, parse once, guard, map once; or Refused(reason)."""
        try:
            data = self.verifier.verify(request.headers, body) if self.verifier is not None else None
            if data is None:  # verification off, or a verifier that returns nothing
                data = parse_envelope(body)
        except VerificationError as exc:
            self.metrics.verification_failures.labels(verification_reason(str(exc))).inc()
            raise Refused(f"verification failed: {exc}", kind="verification") from exc
        except BodyError as exc:
            raise Refused(str(exc)) from exc
        reason = guard.refusal(data, self.skill_ids, shape_checked=self.shape_checked)
        if reason:
            raise Refused(reason)
        seen.request_type = self.metrics.request_type(data["request"].get("type"))
        try:
            envelope = self.to_envelope(data)
        except Exception as exc:  # the SDK raises several types for shapes it cannot map
            # Only the type: the SDK's messages quote the payload.
            raise Refused("request envelope not understood", type(exc).__name__, "not_understood") from exc
        if envelope is None or envelope.request is None or envelope.context is None:
            raise Refused("request envelope not understood", kind="not_understood")
        m = self.metrics
        m.child(m.requests, seen.request_type, m.intent(data["request"])).inc()
        return envelope
