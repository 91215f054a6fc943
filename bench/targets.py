"""The four WSGI apps figure 6 (`bench.compare`) puts side by side under gunicorn.

    gunicorn -c deploy/gunicorn.conf.py 'bench.targets:constant()'       # (a)
    gunicorn -c deploy/gunicorn.conf.py 'bench.targets:hello()'          # (b)
    gunicorn -c deploy/gunicorn.conf.py 'bench.targets:hello_verified()' # (c)
    gunicorn -c deploy/gunicorn.conf.py 'bench.targets:project()'        # (d)

(c) and (d) verify with the project's RequestVerifier trusting the bench CA whose root and
chain PEM files BENCH_ROOT_PEM and BENCH_CHAIN_PEM name (bench.signing writes them); the
chain is "downloaded" from that file once per worker and then cached by the verifier.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from flask import Flask, Response, request

_HEALTH = json.dumps({"status": "ok"})
# A well-formed Alexa reply, serialized once: what (a) answers to every POST.
_CONSTANT = json.dumps(
    {
        "version": "1.0",
        "response": {
            "outputSpeech": {"type": "SSML", "ssml": "<speak>Hello world</speak>"},
            "shouldEndSession": False,
        },
    }
)


def _flask(name: str) -> Flask:
    app = Flask(name)

    @app.get("/healthz")
    def healthz() -> Response:
        return Response(_HEALTH, mimetype="application/json")

    return app


def _verifier() -> Any:
    from bench.signing import load_verifier
    from skill.alexa.envelopes import SKILL_ID

    return load_verifier(Path(os.environ["BENCH_ROOT_PEM"]), Path(os.environ["BENCH_CHAIN_PEM"]), (SKILL_ID,))


def constant() -> Flask:
    """(a) Flask returning a constant: the floor of gunicorn + Flask + wrk on this machine."""
    app = _flask("constant")

    @app.post("/alexa")
    def alexa() -> Response:
        request.get_data()
        return Response(_CONSTANT, mimetype="application/json")

    return app


def _hello_skill() -> Any:
    from ask_sdk_core.dispatch_components import AbstractRequestHandler
    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_core.skill_builder import SkillBuilder
    from ask_sdk_core.utils import is_request_type
    from ask_sdk_model import Response as AlexaResponse

    from skill.alexa.envelopes import SKILL_ID

    class LaunchRequestHandler(AbstractRequestHandler):
        def can_handle(self, handler_input: HandlerInput) -> bool:
            return bool(is_request_type("LaunchRequest")(handler_input))

        def handle(self, handler_input: HandlerInput) -> AlexaResponse:
            return handler_input.response_builder.speak("Hello world").ask("Say hello again?").response

    builder = SkillBuilder()
    # The SDK also checks the application id, as the project does (typeshed-less: declared None).
    builder.skill_id = SKILL_ID  # type: ignore[assignment]
    builder.add_request_handler(LaunchRequestHandler())
    return builder.create()


def hello(verify: bool = False) -> Flask:
    """(b) an ask-sdk-core hello world behind a minimal Flask view; (c) with verify=True."""
    from ask_sdk_model import RequestEnvelope

    from skill.web.verification import VerificationError

    skill = _hello_skill()
    verifier = _verifier() if verify else None
    app = _flask("hello_verified" if verify else "hello")

    @app.post("/alexa")
    def alexa() -> Response:
        body = request.get_data()
        if verifier is not None:
            try:
                verifier.verify(request.headers, body)
            except VerificationError as exc:
                return Response(json.dumps({"error": str(exc)}), status=400, mimetype="application/json")
        envelope = skill.serializer.deserialize(body.decode("utf-8"), RequestEnvelope)
        reply = skill.invoke(request_envelope=envelope, context=None)
        return Response(json.dumps(skill.serializer.serialize(reply)), mimetype="application/json")

    return app


def hello_verified() -> Flask:
    """(c) the hello world + signature verification, chain cached."""
    return hello(verify=True)


def project() -> Flask:
    """(d) this project: verification on (bench CA), SQLite at SQLITE_PATH."""
    from skill import create_app
    from skill.alexa.envelopes import SKILL_ID

    config = {
        "ALEXA_VERIFY_REQUESTS": "on",
        "ALEXA_SKILL_IDS": SKILL_ID,
        "STORAGE_BACKEND": "sqlite",
        "SQLITE_PATH": os.environ["SQLITE_PATH"],
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
    }
    return create_app(config, verifier=_verifier())
