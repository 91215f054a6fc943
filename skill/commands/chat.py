"""`python -m skill chat`: type what you would say to Alexa, read (or hear) what she answers.

    .venv/bin/python -m skill chat                      an interactive prompt (Ctrl-D or /quit ends)
    .venv/bin/python -m skill chat --script my.chat     one utterance a line (# comments), no prompt
    .venv/bin/python -m skill chat --speak              also play each answer through espeak-ng

What happens to a typed line, as on a device:
- The words become the request Alexa would send (skill/commands/_resolver.py: launch words,
  one-shots, sample utterances with their slots, built-in intents, else the fallback intent).
- The session is kept: its id and the attributes of each answer go into the next request.
  When an answer ends the session, the next line starts a new one, like a device.
  `/away` is her walking away (SessionEndedRequest EXCEEDED_MAX_REPROMPTS).
- Every request goes signed through the real HTTP stack with verification on
  (skill/commands/_local_service.py: create_app on a loopback port, SQLite in a temporary
  folder unless --db, a certificate authority this command makes for itself).
  Alexa's APIs (her time zone) point at a refusing loopback port: nothing calls Amazon.
- The answer is printed with pauses as `[4 s]` (skill.core.ssml.transcript).

This module holds the session loop and its printing; the two modules named above hold the
resolution and the service.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TextIO

from skill.alexa.envelopes import USER_ID, intent_request, launch_request, session_ended_request
from skill.commands._local_service import Post, local_service
from skill.commands._resolver import FALLBACK, Heard, Resolver
from skill.core.ssml import transcript

DEFAULT_MODEL = Path(__file__).resolve().parents[2] / "interaction_model" / "en-US.json"
# Alexa's APIs for her time zone: nothing listens on port 1 of loopback, so the call is
# refused at once and the skill falls back to UTC. Never Amazon's real endpoint.
NO_ALEXA_API = "https://127.0.0.1:1"
AWAY, QUIT = "/away", "/quit"
PROMPT = "you> "


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
