"""AWS Lambda entry point: `skill.lambda_function.lambda_handler` (the ASK convention).

The same skill as the web edge, behind another door: configured_skill() with the same handlers,
content and persistence choice, and the same settings (STORAGE_BACKEND, DYNAMODB_TABLE,
DYNAMODB_ENDPOINT_URL, DYNAMODB_CREATE_TABLE, ALEXA_SKILL_IDS, ...). Imports neither Flask
nor gunicorn: the Lambda package is the project without them (requirements-lambda.txt).

Differences from the web edge, and why:
- No signature check. On Lambda, Amazon does not ask for one: "You do not need to verify that
  requests are coming from the Alexa service yourself. Access to execute your function is
  controlled by permissions within AWS instead." (D:custom-skills/host-a-custom-skill-as-an-
  aws-lambda-function.html). `ask deploy` adds that permission with the skill id as its
  EventSourceToken. The skill-id check stays on in the code too: with ALEXA_SKILL_IDS set,
  an event for any other skill is refused here, and with exactly one id the SDK checks again.
- STORAGE_BACKEND defaults to dynamodb, here only (lambda_config): a Lambda's disk is
  read-only but for an ephemeral /tmp, so SQLite would lose her place. The web edge keeps
  its sqlite default.
- Bad input. The same guards as the web edge (skill.alexa.guard.refusal: nesting, numbers,
  strings, context, user ids) run before the SDK sees the event. A refused event gets a
  WARNING log line with the short reason (never the event) and REFUSAL back. Why a valid,
  empty response rather than an exception: an exception is a Lambda function error, which
  puts a stack trace (quoting the payload) in the log and the invoker's output, counts in
  the Errors metric, and makes Alexa say "There was a problem with the requested skill's
  response"; only principals AWS lets invoke the function can send an event at all, so there
  is no attacker to answer with an error code. `{"version": "1.0", "response": {}}` is the
  smallest response the Request and Response JSON Reference allows, and what the SDK itself
  returns for a SessionEndedRequest (no speech, card or directives may answer one). An
  operator counts refusals with a CloudWatch metric filter on "refused event".

Built on the first invocation, not at import: importing never needs AWS settings (the
import-guard test imports this module bare), and a wrong setting fails that invocation
loudly (a Lambda error with the ConfigError's message) instead of the whole init.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable, Mapping
from typing import Any

from skill.alexa import guard
from skill.alexa.assembly import configured_skill
from skill.alexa.logsafe import clean
from skill.alexa.mapping import parsed_deserializer
from skill.config import Config
from skill.core import content as core_content
from skill.storage import build_persistence

__all__ = ["REFUSAL", "lambda_config", "lambda_handler", "make_handler"]

log = logging.getLogger("skill.lambda")

# What a refused event gets back (see the module docstring for why this, not an exception).
REFUSAL: dict[str, Any] = {"version": "1.0", "response": {}}
LAMBDA_STORAGE_DEFAULT = "dynamodb"

Handler = Callable[[Any, Any], dict[str, Any]]


def lambda_config(env: Mapping[str, str]) -> Config:
    """The settings of the web edge, from `env`, with STORAGE_BACKEND defaulting to dynamodb."""
    if not str(env.get("STORAGE_BACKEND") or "").strip():
        env = {**env, "STORAGE_BACKEND": LAMBDA_STORAGE_DEFAULT}
    return Config.from_mapping(env)


def _configure_logging(level: str) -> None:
    if not logging.getLogger().handlers:  # on Lambda the runtime has installed its handler
        logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("skill").setLevel(level)


def make_handler(
    config: Config | Mapping[str, str] | None = None, *, persistence: Any = None, api_client: Any = None
) -> Handler:
    """A Lambda handler over the shared skill. With no arguments: lambda_config(os.environ)
    and the configured storage; tests pass a mapping, an adapter or an API client."""
    cfg = config if isinstance(config, Config) else lambda_config(os.environ if config is None else config)
    _configure_logging(cfg.log_level)
    if os.environ.get("AWS_LAMBDA_FUNCTION_NAME") and cfg.storage_backend != "dynamodb":
        log.warning(
            "STORAGE_BACKEND=%s on Lambda: progress is lost with each execution environment",
            cfg.storage_backend,
        )
    if not cfg.skill_ids:
        log.warning(
            "ALEXA_SKILL_IDS is not set: only the function's Alexa Skills Kit trigger (its skill-id "
            "condition) keeps other skills out. Set it to your skill's id."
        )
    if persistence is None:
        persistence = build_persistence(cfg)
    # Every locale's words, read and checked once per execution environment.
    skill = configured_skill(cfg, persistence, core_content.load(), api_client=api_client)
    # What the SDK's SkillBuilder.lambda_handler() does, minus its two costs on every call:
    # it builds a new CustomSkill from the builder's configuration, and it re-encodes the
    # event to JSON for DefaultSerializer.deserialize to decode again (timestamp by dateutil).
    to_envelope = parsed_deserializer(skill.serializer)
    skill_ids = frozenset(cfg.skill_ids)

    def handler(event: Any, context: Any) -> dict[str, Any]:
        # The runtime decoded the event with plain json: numbers and strings unchecked, so
        # the guard walks every value here (the web edge's strict parser does it there).
        reason = guard.refusal(event, cfg.skill_ids)
        if reason is None and skill_ids and guard.application_id(event) not in skill_ids:
            reason = "request not for this skill"
        if reason is not None:
            return _refused(reason)
        try:
            envelope = to_envelope(event)
            if envelope is None or envelope.request is None or envelope.context is None:
                return _refused("request envelope not understood")
            reply = skill.serializer.serialize(skill.invoke(request_envelope=envelope, context=context))
            if not isinstance(reply, dict):  # a ResponseEnvelope always serializes to an object
                raise TypeError(type(reply).__name__)
            json.dumps(reply, allow_nan=False)  # never hand Alexa JSON it cannot read
        except Exception as exc:  # the SDK's mapping and skill-id errors, and anything else at this edge
            # Only the type: the SDK's messages quote the payload.
            return _refused("request envelope not understood", type(exc).__name__)
        return reply

    return handler


def _refused(reason: str, detail: str = "") -> dict[str, Any]:
    log.warning("refused event: %s%s", reason, f" ({clean(detail)})" if detail else "")
    return {**REFUSAL, "response": {}}


_handler: Handler | None = None
_build_lock = threading.Lock()


def lambda_handler(event: Any, context: Any) -> dict[str, Any]:
    """The function's handler: `skill.lambda_function.lambda_handler`."""
    global _handler
    if _handler is None:
        with _build_lock:
            if _handler is None:
                _handler = make_handler()
    return _handler(event, context)
