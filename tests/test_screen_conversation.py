"""The Echo Show screen through HTTP: an APL-capable envelope (an Echo Show 8's viewport)
gets a RenderDocument with every reply; a device without APL, or with an older runtime, gets
exactly the voice-only response. Touch buttons go through the coach's own events."""

from __future__ import annotations

import json

import pytest

from skill.core.content import default
from tests.conversation import Conversation, Said
from tests.test_apl_devices import DEVICES, ScreenConversation, directives, payload


@pytest.fixture
def show(client) -> ScreenConversation:
    return ScreenConversation(client)


def _start(conv: Conversation):
    conv.launch()  # first use: the note, then "ready?"
    return conv.intent("AMAZON.YesIntent")


def _name(said: Said, index: int) -> str:
    """The name of the routine's stretch at `index`, in the order this session holds."""
    return default().exercise(said.state["order"][index]).name


def test_a_stretch_on_an_echo_show_8_carries_the_screen(show: ScreenConversation) -> None:
    said = _start(show)
    (directive,) = directives(said)
    assert directive["token"] == show.token and directive["document"]["type"] == "APL"
    data = payload(said)
    assert data["screen"] == "stretch" and data["title"] == _name(said, 0)
    assert data["progress"]["label"] == "Stretch 1 of 5"
    assert [d["state"] for d in data["progress"]["dots"]] == ["current", "todo", "todo", "todo", "todo"]
    assert [b["action"] for b in data["buttons"]] == ["next", "pause"]
    # the pacer plays the cues the voice says, in order
    spoken = said.speech
    for cue in data["pacer"]["cues"]:
        assert cue["text"].split(".")[0].lower() in spoken.lower()
    assert len(json.dumps(said.body)) < 120 * 1024  # Alexa's response size limit


def test_without_apl_the_response_is_exactly_todays(client) -> None:
    plain = Conversation(client, user_id="amzn1.ask.account.PLAINDEVICE")
    old = ScreenConversation(client, max_version="1.9", user_id="amzn1.ask.account.OLDRUNTIME")
    for conv in (plain, old):
        said = _start(conv)
        assert "directives" not in said.response or not said.response["directives"], said.response
        assert "screen" not in said.body.get("sessionAttributes", {})
    assert _start(ScreenConversation(client, user_id="amzn1.ask.account.NEWSHOW")).ssml


def test_next_pause_resume_by_touch(show: ScreenConversation) -> None:
    _start(show)
    said = show.touch("next")
    second = _name(said, 1)
    assert payload(said)["title"] == second
    assert payload(said)["progress"]["label"] == "Stretch 2 of 5"
    assert [d["state"] for d in payload(said)["progress"]["dots"]][:2] == ["done", "current"]
    said = show.touch("pause")  # the in-session wait
    assert said.state["mode"] == "waiting"
    data = payload(said)
    assert data["screen"] == "paused" and 55 <= data["countdown"] <= 70
    assert [b["action"] for b in data["buttons"]] == ["resume", "next"]
    said = show.touch("resume")  # voice and screen restart the stretch from its start
    data = payload(said)
    assert data["screen"] == "stretch" and data["title"] == second
    assert said.state["mode"] == "routine" and said.state["current"] == said.state["order"][1]


def test_touch_and_voice_do_the_same(client) -> None:
    by_voice, by_touch = (ScreenConversation(client, user_id=f"amzn1.ask.account.SAME{n}") for n in "AB")
    _start(by_voice), _start(by_touch)
    voice, touch = by_voice.intent("AMAZON.NextIntent"), by_touch.touch("next")
    assert voice.state == touch.state and voice.speech == touch.speech
    voice, touch = by_voice.intent("AMAZON.PauseIntent"), by_touch.touch("pause")
    assert voice.state == touch.state and voice.speech == touch.speech


@pytest.mark.parametrize(
    "forged",
    [
        {"token": "backstretch-0000000000000000"},  # a stale or made-up token
        {"token": 12},  # not a string
        {"token": "x" * 5000},  # absurdly long
        {"arguments": ["launch_rockets"]},  # an action no button sends
        {"arguments": [{"next": True}]},  # wrong type
        {"arguments": []},
        {"arguments": "next"},  # not a list
        {"arguments": ["next"] * 50},  # too many
        {"arguments": ["resume"]},  # a button this screen does not show
    ],
)
def test_a_forged_or_stale_touch_is_ignored(show: ScreenConversation, forged: dict) -> None:
    said = _start(show)
    before = said.body["sessionAttributes"]
    args = forged.get("arguments", ["next"])
    ignored = show.touch_ignored(
        *([] if not isinstance(args, list) else args), request_changes={k: v for k, v in forged.items()}
    )
    assert ignored.body.get("sessionAttributes", before) == before
    # the session goes on: the real button still works
    moved = show.touch("next")
    assert payload(moved)["title"] == _name(moved, 1)


def test_a_touch_from_an_earlier_document_is_stale(show: ScreenConversation) -> None:
    _start(show)
    old_token = show.token
    show.intent("AMAZON.NextIntent")
    show.touch_ignored("next", token=old_token)


def test_a_touch_after_the_session_ended_is_ignored(show: ScreenConversation) -> None:
    _start(show)
    token = show.token
    show.end()
    show.touch_ignored("next", token=token)  # a new session has no document of ours


def test_questions_help_and_the_end_get_text_and_week_screens(show: ScreenConversation) -> None:
    _start(show)
    said = show.intent("AMAZON.HelpIntent")
    assert payload(said)["screen"] == "text" and payload(said)["lines"]
    for _ in range(5):
        said = show.intent("AMAZON.NextIntent")
    assert said.state["mode"] == "reminder"  # issue 12: the reminder offer keeps it open
    data = payload(said)  # the routine is done: this week's strip, today done
    assert data["screen"] == "week" and data["week"]["days"][-1] == {**data["week"]["days"][-1], "done": True}
    show.launch()
    said = show.intent("FrequencyIntent")
    assert payload(said)["screen"] == "week" and payload(said)["week"]["days"][-1]["done"]


@pytest.mark.parametrize("device", sorted(DEVICES))
def test_every_viewport_gets_the_same_document(client, device: str) -> None:
    conv = ScreenConversation(
        client, device=DEVICES[device], user_id="amzn1.ask.account.VIEWPORT" + str(len(device))
    )
    said = _start(conv)
    assert payload(said)["screen"] == "stretch"
    assert conv.touch("pause").state["mode"] == "waiting"
