"""`python -m skill try`: talk to a running service without an Echo device.

Builds a realistic Alexa request, POSTs it to the service (which must run with
ALEXA_VERIFY_REQUESTS=off, since we cannot sign like Alexa), and prints what Alexa would
say, with pauses shown as [4 s]. Session attributes are carried in a small state file so
several calls make one conversation. Slots are resolved against the interaction model the
way Alexa's entity resolution does (ER_SUCCESS_MATCH with the id, or ER_SUCCESS_NO_MATCH),
so `try ExerciseIntent "exercise=the cat one"` sends what a real Echo would.
"""

from __future__ import annotations

import argparse
import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from skill.alexa.envelopes import intent_request, launch_request, resolved_slot, session_ended_request
from skill.core.ssml import transcript

DEFAULT_URL = "http://127.0.0.1:8000/alexa"
DEFAULT_MODEL = Path(__file__).resolve().parents[2] / "interaction_model" / "en-US.json"
STATE_FILE = Path("data") / ".try-session.json"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("try", help="send one request to a running service and print the reply")
    parser.add_argument(
        "request", help="LaunchRequest, SessionEndedRequest, or an intent name such as AMAZON.NextIntent"
    )
    parser.add_argument("slots", nargs="*", help="slot=value, e.g. exercise=wall angels")
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument(
        "--model",
        type=Path,
        default=DEFAULT_MODEL,
        help="interaction model whose slot values resolve the slots (as Alexa's entity resolution does)",
    )
    parser.set_defaults(func=run)


def _build(name: str, slots: list[str], session: dict[str, Any], model: dict[str, Any]) -> dict[str, Any]:
    kw: dict[str, Any] = {"new_session": not session, "session_attributes": session.get("attributes")}
    if session.get("id"):
        kw["session_id"] = session["id"]
    if name == "LaunchRequest":
        return launch_request(**{**kw, "new_session": True, "session_attributes": None})
    if name == "SessionEndedRequest":
        return session_ended_request(**kw)
    parsed = {}
    for item in slots:
        key, _, value = item.partition("=")
        parsed[key] = resolved_slot(model, name, key, value or None)
    return intent_request(name, parsed or None, **kw)


def run(args: argparse.Namespace) -> int:
    session = json.loads(STATE_FILE.read_text()) if STATE_FILE.exists() else {}
    if args.request == "LaunchRequest":
        session = {}
    try:
        model = json.loads(args.model.read_text(encoding="utf-8")) if args.slots else {}
        body = _build(args.request, args.slots, session, model)
    except (OSError, ValueError, KeyError) as exc:
        print(f"cannot build the request: {exc.args[0] if isinstance(exc, KeyError) else exc}")
        return 1
    req = urllib.request.Request(
        args.url, data=json.dumps(body).encode(), method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            status, reply = resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        print(f"HTTP {exc.code}: {exc.read().decode(errors='replace')}")
        return 1
    except urllib.error.URLError as exc:
        print(f"could not reach {args.url}: {exc.reason}")
        return 1
    response = reply.get("response") or {}
    speech = (response.get("outputSpeech") or {}).get("ssml")
    print(transcript(speech) if speech else f"(HTTP {status}, no speech)")
    reprompt = ((response.get("reprompt") or {}).get("outputSpeech") or {}).get("ssml")
    if reprompt:
        print(f"(reprompt) {transcript(reprompt)}")
    if response.get("shouldEndSession") or args.request == "SessionEndedRequest":
        print("(session ends)")
        STATE_FILE.unlink(missing_ok=True)
    else:
        STATE_FILE.parent.mkdir(parents=True, exist_ok=True)
        STATE_FILE.write_text(
            json.dumps(
                {"id": body["session"]["sessionId"], "attributes": reply.get("sessionAttributes") or {}}
            )
        )
    return 0
