"""`python -m skill chat`: type what you would say to Alexa, read (or hear) what she answers.

    .venv/bin/python -m skill chat                      an interactive prompt (Ctrl-D or /quit ends)
    .venv/bin/python -m skill chat --script my.chat     one utterance a line (# comments), no prompt
    .venv/bin/python -m skill chat --speak              also play each answer through espeak-ng

What happens to a typed line, as on a device:
- Words are resolved against interaction_model/en-US.json the way Alexa's samples work:
  "open|start|launch|... my back stretches" is a LaunchRequest; "ask|tell my back stretches
  (to|for|about|...) <words>" is that request in a new session; anything else goes to the
  open session. The words are matched against every intent's sample utterances with their
  slots (skill.commands._model_source.match: a custom slot matches only its type's values
  and synonyms), then against the common utterances Amazon documents for the built-in
  intents the model declares (BUILT_IN_UTTERANCES). Slots go out with entity resolution
  (skill.alexa.envelopes.resolved_slot: ER_SUCCESS_MATCH and the value's id). Nothing
  matched: AMAZON.FallbackIntent, as Alexa does for an out-of-domain utterance.
- The session is kept: its id and the attributes of each answer go into the next request.
  When an answer ends the session, the next line starts a new one, like a device.
  `/away` is her walking away (SessionEndedRequest EXCEEDED_MAX_REPROMPTS).
- Every request goes through the real HTTP stack with verification on: the service
  (create_app, SQLite in a temporary folder unless --db) listens on a loopback port with a
  RequestVerifier that trusts only a certificate authority this command makes for itself
  (skill/commands/_local_ca.py); each request is signed with it like Alexa signs hers.
  Alexa's APIs (her time zone) point at a refusing loopback port: nothing calls Amazon.
- The answer is printed with pauses as `[4 s]` (skill.core.ssml.transcript).
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from skill.alexa.envelopes import (
    SKILL_ID,
    USER_ID,
    intent_request,
    launch_request,
    resolved_slot,
    session_ended_request,
)
from skill.commands._model_source import language_model, match
from skill.core.ssml import transcript

DEFAULT_MODEL = Path(__file__).resolve().parents[2] / "interaction_model" / "en-US.json"
# Alexa's APIs for her time zone: nothing listens on port 1 of loopback, so the call is
# refused at once and the skill falls back to UTC. Never Amazon's real endpoint.
NO_ALEXA_API = "https://127.0.0.1:1"
FALLBACK = "AMAZON.FallbackIntent"
# How a user opens a skill, and joins a request to it ("Understand how users invoke custom
# skills", D:custom-skills/understanding-how-users-invoke-custom-skills.html).
LAUNCH_WORDS = ("open", "start", "launch", "begin", "load", "run", "talk to", "use", "play")
ASK_WORDS = ("ask", "tell")
CONNECTING_WORDS = ("to", "for", "about", "if", "whether", "that", "and")
# A subset of the common utterances of the standard built-in intents ("Standard Built-in
# Intents", D:custom-skills/standard-built-in-intents.html). Alexa knows these without
# samples, so the model does not list them; only the intents the model declares are used.
BUILT_IN_UTTERANCES: Mapping[str, tuple[str, ...]] = {
    "AMAZON.YesIntent": ("yes", "yeah", "yep", "sure", "yes please"),
    "AMAZON.NoIntent": ("no", "nope", "no thanks"),
    "AMAZON.StopIntent": ("stop", "off", "shut up"),
    "AMAZON.CancelIntent": ("cancel", "never mind", "forget it"),
    "AMAZON.HelpIntent": ("help", "help me", "can you help me"),
    "AMAZON.PauseIntent": ("pause", "pause that"),
    "AMAZON.ResumeIntent": ("resume", "continue", "keep going"),
    "AMAZON.RepeatIntent": ("repeat", "say that again", "repeat that"),
    "AMAZON.StartOverIntent": ("start over", "restart", "start again"),
    "AMAZON.NextIntent": ("next", "next one"),
    "AMAZON.PreviousIntent": ("previous", "go back", "back up"),
    "AMAZON.NavigateHomeIntent": ("go home", "home"),
}
AWAY, QUIT = "/away", "/quit"
PROMPT = "you> "


def words_of(text: str) -> str:
    """Typed text as Alexa would hear it: lower case, no punctuation but apostrophes."""
    text = text.lower().replace("\u2019", "'")
    text = re.sub(r"^\s*alexa\b[,!.]?", "", text)  # "Alexa, next" while she is talking
    return " ".join(re.sub(r"[^a-z0-9' ]", " ", text).split())


@dataclass(frozen=True)
class Heard:
    """What Alexa would send for one utterance."""

    kind: str  # "LaunchRequest", "IntentRequest" or "SessionEndedRequest"
    intent: str | None = None
    slots: dict[str, dict[str, Any]] = field(default_factory=dict)
    new_session: bool = False  # a launch or a one-shot ("ask ... to ...") opens a new session

    def describe(self) -> str:
        """One line for the transcript: what the words became."""
        if self.intent is None:
            return self.kind
        parts = [self.intent]
        for name, slot in self.slots.items():
            if "value" not in slot:
                continue
            resolution = (slot.get("resolutions") or {}).get("resolutionsPerAuthority") or [{}]
            if resolution[0].get("status", {}).get("code") == "ER_SUCCESS_MATCH":
                parts.append(f'{name}: "{slot["value"]}" = {resolution[0]["values"][0]["value"]["id"]}')
            else:
                parts.append(f'{name}: "{slot["value"]}"')
        return ", ".join(parts)


class Resolver:
    """Typed words -> the request Alexa would send, from the interaction model alone."""

    def __init__(self, model: Mapping[str, Any]) -> None:
        self.model = model
        lm = language_model(model)
        self.invocation = words_of(lm["invocationName"])
        declared = {intent["name"] for intent in lm["intents"]}
        self.built_ins = {
            phrase: name
            for name, phrases in BUILT_IN_UTTERANCES.items()
            if name in declared
            for phrase in phrases
        }
        self.builtin_slot_types = {
            intent["name"]: {s["name"] for s in intent.get("slots", []) if s["type"].startswith("AMAZON.")}
            for intent in lm["intents"]
        }
        self.declared_slots = {
            intent["name"]: [s["name"] for s in intent.get("slots", [])] for intent in lm["intents"]
        }

    def hear(self, text: str) -> Heard:
        said = words_of(text)
        inv = re.escape(self.invocation)
        launch = "|".join(map(re.escape, LAUNCH_WORDS))
        if re.fullmatch(rf"(?:(?:{launch}) )?{inv}", said):
            return Heard("LaunchRequest", new_session=True)
        ask = "|".join(ASK_WORDS + LAUNCH_WORDS)
        joined = "|".join(CONNECTING_WORDS)
        one_shot = re.fullmatch(rf"(?:{ask}) {inv}(?: (?:{joined}))? (.+)", said)
        if one_shot:
            return self.intent(one_shot[1], new_session=True)
        return self.intent(said)

    def intent(self, said: str, *, new_session: bool = False) -> Heard:
        found = match(self.model, said)
        if found:
            # Several samples may fit; prefer the one that left the least to free-form slots.
            name, words = min(found, key=lambda hit: len(self.builtin_slot_types[hit[0]] & hit[1].keys()))
        elif said in self.built_ins:
            name, words = self.built_ins[said], {}
        else:
            name, words = FALLBACK, {}
        slots = {
            slot: resolved_slot(self.model, name, slot, words.get(slot))
            for slot in self.declared_slots.get(name, [])
        }
        return Heard("IntentRequest", name, slots, new_session)


# --- the service on loopback, verification on ---------------------------------------


Post = Callable[[dict[str, Any]], tuple[int, dict[str, Any]]]


@contextmanager
def local_service(database: Path) -> Iterator[Post]:
    """create_app() on a loopback port, verifying with a local CA; yields post(envelope)."""
    from werkzeug.serving import make_server

    from skill.commands._local_ca import LocalAlexaCA
    from skill.web.app import create_app

    ca = LocalAlexaCA()
    settings = {
        "STORAGE_BACKEND": "sqlite",
        "SQLITE_PATH": str(database),
        "ALEXA_SKILL_IDS": SKILL_ID,
        "ALEXA_VERIFY_REQUESTS": "on",
        "LOG_LEVEL": "ERROR",
    }
    app = create_app(settings, verifier=ca.verifier([SKILL_ID]))
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log between the turns
    server = make_server("127.0.0.1", 0, app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/alexa"

    def post(envelope: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        body = json.dumps(envelope).encode()
        headers = {"Content-Type": "application/json", **ca.sign(body)}
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as reply:
                return reply.status, json.loads(reply.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"{}")

    try:
        yield post
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


# --- the conversation ----------------------------------------------------------------


class Chat:
    """Keeps the session between lines and prints each turn to `out`."""

    def __init__(
        self,
        post: Post,
        resolver: Resolver,
        out: TextIO,
        *,
        speak: Callable[[str], None] | None = None,
        user_id: str = USER_ID,
    ) -> None:
        self.post, self.resolver, self.out, self.speak, self.user_id = post, resolver, out, speak, user_id
        self.session_id: str | None = None
        self.attributes: dict[str, Any] = {}

    def say(self, line: str) -> bool:
        """One typed line; False once the chat should end."""
        text = line.strip()
        if not text or text.startswith("#"):
            return True
        if text == QUIT:
            return False
        if text == AWAY:
            if self.session_id is None:
                self._print("  (no session is open)")
                return True
            heard = Heard("SessionEndedRequest")
            envelope = session_ended_request("EXCEEDED_MAX_REPROMPTS", **self._session(False))
        else:
            heard = self.resolver.hear(text)
            envelope = self._envelope(heard)
        self._print(f"  ({'new session: ' if envelope['session']['new'] else ''}{heard.describe()})")
        status, reply = self.post(envelope)
        if status != 200:
            self._print(f"  (HTTP {status}: {reply.get('error', reply)})")
            return True
        self._answer(reply, ended=heard.kind == "SessionEndedRequest")
        return True

    def _session(self, new: bool) -> dict[str, Any]:
        if new or self.session_id is None:
            self.session_id, self.attributes = f"amzn1.echo-api.session.{uuid.uuid4()}", {}
            new = True
        return {
            "new_session": new,
            "session_id": self.session_id,
            "session_attributes": self.attributes,
            "user_id": self.user_id,
            "api_endpoint": NO_ALEXA_API,
        }

    def _envelope(self, heard: Heard) -> dict[str, Any]:
        session = self._session(heard.new_session)
        if heard.kind == "LaunchRequest":
            return launch_request(**session)
        return intent_request(heard.intent or FALLBACK, heard.slots or None, **session)

    def _answer(self, reply: dict[str, Any], *, ended: bool) -> None:
        response = reply.get("response") or {}
        ssml = (response.get("outputSpeech") or {}).get("ssml")
        if ssml:
            self._print(f"alexa> {transcript(ssml)}")
            if self.speak is not None:
                self.speak(ssml)
        if ended or response.get("shouldEndSession"):
            if not ended:
                self._print("  (session ends)")
            self.session_id, self.attributes = None, {}
        else:
            self.attributes = reply.get("sessionAttributes") or {}

    def _print(self, text: str) -> None:
        print(text, file=self.out, flush=True)


def espeak_player() -> Callable[[str], None] | None:
    """Plays SSML through espeak-ng, timed like Alexa (skill/commands/_audio.py); None if absent."""
    from skill.commands._audio import ESPEAK, ESPEAK_WPM, espeak_markup

    exe = shutil.which(ESPEAK)
    if exe is None:
        return None

    def play(ssml: str) -> None:
        markup, _ = espeak_markup(ssml)
        subprocess.run(
            [exe, "-m", "-s", str(ESPEAK_WPM), "--stdin"],
            input=markup.encode(),
            capture_output=True,
            check=False,
        )

    return play


def lines_of(source: TextIO, *, prompt: bool, out: TextIO) -> Iterable[str]:
    while True:
        if prompt:
            print(PROMPT, end="", file=out, flush=True)
        line = source.readline()
        if not line:
            return
        if not prompt and line.strip() and not line.lstrip().startswith("#"):
            print(f"{PROMPT}{line.strip()}", file=out, flush=True)  # the script's lines, echoed
        yield line


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "chat",
        help="type what you would say; see what Alexa would answer (signed requests, a local service)",
        description=__doc__.splitlines()[0],
    )
    parser.add_argument("--script", type=Path, default=None, help="read utterances from FILE, one a line")
    parser.add_argument("--speak", action="store_true", help="also play each answer through espeak-ng")
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        help="SQLite file to keep progress between chats (default: a temporary one)",
    )
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL, help="interaction model JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, *, stdin: TextIO | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    try:
        resolver = Resolver(json.loads(args.model.read_text(encoding="utf-8")))
        source = args.script.open(encoding="utf-8") if args.script else (stdin or sys.stdin)
    except (OSError, ValueError, KeyError) as exc:
        print(f"chat: {exc}", file=sys.stderr)
        return 1
    speak = None
    if args.speak:
        speak = espeak_player()
        if speak is None:
            print("chat: --speak needs espeak-ng (apt-get install espeak-ng); printing only", file=sys.stderr)
    interactive = args.script is None and source.isatty()
    if interactive:
        print(
            "Say something to my back stretches, e.g. 'start my back stretches'. "
            f"{AWAY} walks away, {QUIT} or Ctrl-D ends.",
            file=out,
        )
    with tempfile.TemporaryDirectory(prefix="skill-chat-") as scratch, source:
        database = args.db or Path(scratch) / "chat.sqlite3"
        with local_service(database) as post:
            chat = Chat(post, resolver, out, speak=speak)
            for line in lines_of(source, prompt=interactive, out=out):
                if not chat.say(line):
                    break
    if interactive:
        print(file=out)
    return 0
