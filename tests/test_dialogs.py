"""Dialog files: one turn per line, both the design document and the test input.

> LaunchRequest                      a request ("> IntentName slot=value", "> wait hours=30",
> ExerciseIntent exercise=child pose   "> SessionEndedRequest REASON"; "exercise=" is an
< says: Stretch 1 of 5                 empty slot; slots resolve against the model)
< not says: Welcome back             assertions on the last response
< reprompts: Ready to move on
< open | ends
< state: mode=routine current=cat_cow  session attributes under "coach" (None for null)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conversation import Conversation, Said

DIALOGS = sorted((Path(__file__).parent / "dialogs").glob("*.dialog"))


def _request(talk: Conversation, line: str) -> Said | None:
    words = line.split(" ", 1)
    name, rest = words[0], (words[1] if len(words) > 1 else "")
    if name == "LaunchRequest":
        return talk.launch()
    if name == "SessionEndedRequest":
        return talk.end(rest or "USER_INITIATED")
    if name == "wait":
        key, value = rest.split("=")
        talk.wait(**{key: float(value)})
        return None
    slots = {}
    if rest:
        key, value = rest.split("=", 1)
        slots[key] = value or None
    return talk.intent(name, **slots)


def _check(said: Said, line: str) -> None:
    kind, _, arg = line.partition(":")
    kind, arg = kind.strip(), arg.strip()
    if kind == "says":
        said.says(arg)
    elif kind == "not says":
        said.does_not_say(arg)
    elif kind == "reprompts":
        said.reprompts(arg)
    elif kind == "open":
        assert not said.ends_session, said.speech
    elif kind == "ends":
        assert said.ends_session, said.speech
    elif kind == "state":
        for pair in arg.split():
            key, value = pair.split("=")
            assert str(said.state.get(key)) == value, f"{key}: {said.state}"
    else:
        raise ValueError(f"unknown assertion {line!r}")


@pytest.mark.parametrize("path", DIALOGS, ids=[p.stem for p in DIALOGS])
def test_dialog(path: Path, talk: Conversation) -> None:
    said: Said | None = None
    for number, raw in enumerate(path.read_text().splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            if line.startswith(">"):
                said = _request(talk, line[1:].strip()) or said
            elif line.startswith("<"):
                assert said is not None, "assertion before any request"
                _check(said, line[1:].strip())
            else:
                raise ValueError("lines start with >, < or #")
        except AssertionError as exc:
            raise AssertionError(f"{path.name}:{number}: {line}\n{exc}\n\n{talk.transcript()}") from None


def test_there_are_dialogs() -> None:
    assert len(DIALOGS) >= 8
