"""`python -m skill chat`: typed words -> the request Alexa would send, through the real HTTP
stack with verification on (a local CA), session kept, answers printed with pauses.

tests/chat/*.chat are scripts; each has a .expected transcript next to it.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest

from skill.__main__ import main
from skill.commands import chat as chat_command
from skill.commands._local_ca import LocalAlexaCA, other_rsa_key
from skill.commands._local_service import local_service
from skill.commands._resolver import FALLBACK, Heard, Resolver, words_of
from skill.commands.chat import Chat

CHATS = Path(__file__).resolve().parent / "chat"
MODEL = chat_command.DEFAULT_MODEL
PAUSE = re.compile(r"\[\d+(?:\.\d+)? s\]")


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    import json

    return Resolver(json.loads(MODEL.read_text(encoding="utf-8")))


def fits(expected: str, actual: str) -> bool:
    """An expected line: exact, except that " … " in an alexa> line stands for any words."""
    if not expected.startswith("alexa> "):
        return expected == actual
    if not actual.startswith("alexa> "):
        return False
    pattern = expected[len("alexa> ") :]
    text = actual[len("alexa> ") :]
    parts = [p.strip() for p in pattern.split("…")]
    regex = ".*".join(re.escape(p) for p in parts)
    return re.fullmatch(regex, text, flags=re.DOTALL) is not None


def run_chat(capsys: pytest.CaptureFixture[str], *args: str) -> list[str]:
    assert main(["chat", *args]) == 0
    return capsys.readouterr().out.splitlines()


@pytest.mark.parametrize("script", sorted(CHATS.glob("*.chat")), ids=lambda p: p.stem)
def test_a_scripted_conversation_prints_the_expected_transcript(
    script: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = run_chat(capsys, "--script", str(script))
    expected = [
        line
        for line in script.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    assert len(lines) == len(expected), "\n".join(lines)
    for want, got in zip(expected, lines, strict=True):
        assert fits(want, got), f"expected {want!r}\n     got {got[:300]!r}"
    stretches = [line for line in lines if line.startswith("alexa> Stretch")]
    assert stretches and all(PAUSE.search(line) for line in stretches)  # breaths as [4 s]


# --- what the words become ------------------------------------------------------------


def test_an_unknown_phrase_falls_back(resolver: Resolver) -> None:
    for said in ("play some jazz", "what's the weather like", "blue elephant"):
        heard = resolver.hear(said)
        assert (heard.kind, heard.intent, heard.slots) == ("IntentRequest", FALLBACK, {})


def test_an_unknown_phrase_in_a_session_gets_the_skills_fallback_answer(tmp_path: Path) -> None:
    out = io.StringIO()
    with local_service(tmp_path / "c.db") as post:
        chat = Chat(post, Resolver(_model()), out)
        chat.say("open my back stretches")
        chat.say("play some jazz")
    lines = out.getvalue().splitlines()
    assert f"  ({FALLBACK})" in lines
    answer = lines[lines.index(f"  ({FALLBACK})") + 1]
    assert answer.startswith("alexa> ") and answer.endswith("?")  # still in the session, asked again
    assert "(session ends)" not in lines


@pytest.mark.parametrize(
    "said, intent, slot, value, slot_id",
    [
        ("what is child pose", "DescribeExerciseIntent", "exercise", "child pose", "childs_pose"),
        ("do the cat one", "ExerciseIntent", "exercise", "the cat one", "cat_cow"),
        ("snow angels", "ExerciseIntent", "exercise", "snow angels", "wall_angels"),
        ("it pulls", "SymptomIntent", "symptom", "it pulls", "discomfort"),
    ],
)
def test_a_slot_synonym_resolves_to_its_id(
    resolver: Resolver, said: str, intent: str, slot: str, value: str, slot_id: str
) -> None:
    heard = resolver.hear(said)
    assert heard.intent == intent
    sent = heard.slots[slot]
    assert sent["value"] == value
    authority = sent["resolutions"]["resolutionsPerAuthority"][0]
    assert authority["status"]["code"] == "ER_SUCCESS_MATCH"
    assert authority["values"][0]["value"]["id"] == slot_id


@pytest.mark.parametrize(
    "said, kind, intent, new",
    [
        ("start my back stretches", "LaunchRequest", None, True),
        ("Alexa, open my back stretches!", "LaunchRequest", None, True),
        ("my back stretches", "LaunchRequest", None, True),
        ("ask my back stretches how often should I do these", "IntentRequest", "FrequencyIntent", True),
        ("tell my back stretches to do the wall angels", "IntentRequest", "ExerciseIntent", True),
        ("Yes.", "IntentRequest", "AMAZON.YesIntent", False),
        ("Alexa, next", "IntentRequest", "AMAZON.NextIntent", False),
        ("skip", "IntentRequest", "SkipIntent", False),  # the model's sample wins over the built-in
        ("I’m ready", "IntentRequest", "AMAZON.ResumeIntent", False),
    ],
)
def test_invocations_one_shots_and_built_ins(
    resolver: Resolver, said: str, kind: str, intent: str | None, new: bool
) -> None:
    heard = resolver.hear(said)
    assert (heard.kind, heard.intent, heard.new_session) == (kind, intent, new)


def test_declared_slots_go_out_empty_when_not_said(resolver: Resolver) -> None:
    heard = resolver.hear("what is the wall angels")
    assert set(heard.slots) == {"exercise"}
    assert words_of("What’s   Child's pose?") == "what's child's pose"


# --- the session and the HTTP stack ----------------------------------------------------


def test_a_session_end_restarts_the_session_like_a_device(tmp_path: Path) -> None:
    out = io.StringIO()
    with local_service(tmp_path / "c.db") as post:
        chat = Chat(post, Resolver(_model()), out)
        for line in (
            "start my back stretches",
            "yes",
            "next",
            "stop",
            "start my back stretches",
            "/away",
            "/away",
        ):
            chat.say(line)
    text = out.getvalue()
    assert text.count("(new session: LaunchRequest)") == 2
    assert "  (session ends)" in text
    assert "You were on" in text  # the second launch offers her place back: stored in SQLite
    assert "(SessionEndedRequest)" in text and "(no session is open)" in text


def test_requests_are_verified_a_bad_signature_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = LocalAlexaCA.signature
    monkeypatch.setattr(
        LocalAlexaCA, "signature", lambda self, body, **kw: real(self, body, key=other_rsa_key())
    )
    out = io.StringIO()
    with local_service(tmp_path / "c.db") as post:
        Chat(post, Resolver(_model()), out).say("start my back stretches")
    assert "(HTTP 400: verification failed" in out.getvalue()


def test_speak_gets_each_answers_ssml(tmp_path: Path) -> None:
    played: list[str] = []
    with local_service(tmp_path / "c.db") as post:
        Chat(post, Resolver(_model()), io.StringIO(), speak=played.append).say("start my back stretches")
    assert len(played) == 1 and played[0].startswith("<speak>")


def test_speak_without_espeak_says_so_and_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("shutil.which", lambda name: None)
    script = tmp_path / "s.chat"
    script.write_text("start my back stretches\n")
    assert main(["chat", "--speak", "--script", str(script)]) == 0
    captured = capsys.readouterr()
    assert "needs espeak-ng" in captured.err and "alexa> Welcome" in captured.out


def test_progress_can_be_kept_between_chats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "s.chat"
    script.write_text("start my back stretches\nyes\nstop\n")
    run_chat(capsys, "--script", str(script), "--db", str(tmp_path / "keep.db"))
    script.write_text("start my back stretches\n")
    lines = run_chat(capsys, "--script", str(script), "--db", str(tmp_path / "keep.db"))
    assert "You were on" in lines[2]


def _model() -> Any:
    import json

    return json.loads(MODEL.read_text(encoding="utf-8"))


def test_heard_describes_unresolved_slots_without_an_id() -> None:
    slot = {
        "name": "exercise",
        "value": "yoga",
        "resolutions": {"resolutionsPerAuthority": [{"status": {"code": "ER_SUCCESS_NO_MATCH"}}]},
    }
    assert (
        Heard("IntentRequest", "ExerciseIntent", {"exercise": slot}).describe()
        == 'ExerciseIntent, exercise: "yoga"'
    )
