"""The conversation through HTTP: every intent in every state, resume across sessions,
weekly history, safety stops, bad session state, storage trouble and crashing handlers."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timezone

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from skill.core import coach
from skill import create_app
from skill.core.content import CONTENT
from skill.storage import MemoryAdapter
from tests.conversation import MODEL, Conversation, Said, check_response
from tests.envelopes import USER_ID, intent_request, launch_request, skill_disabled_event

MODEL_INTENTS = sorted(
    i["name"] for i in json.loads(MODEL.read_text())["interactionModel"]["languageModel"]["intents"]
)
NAMES = [e.name for e in CONTENT.exercises]
T0 = datetime(2026, 11, 2, 8, 0, tzinfo=timezone.utc)


def stored(storage, user_id: str = USER_ID) -> dict:
    """What the storage holds for her, read the way the skill reads it."""
    env = DefaultSerializer().deserialize(json.dumps(launch_request(user_id=user_id)), RequestEnvelope)
    return storage.get_attributes(env)


# --- states to test every intent in -----------------------------------------------------

def _fresh(talk: Conversation) -> None:
    talk.intent("AMAZON.HelpIntent")  # a one-shot question: a session, no routine


def _at(index: int):
    def setup(talk: Conversation) -> None:
        talk.launch()
        for _ in range(index):
            talk.intent("AMAZON.NextIntent")
        assert talk.history[-1][1].state["index"] == index
    setup.__name__ = f"at_stretch_{index + 1}"
    return setup


def _after_last(talk: Conversation) -> None:
    _at(4)(talk)


def _resume_offer(talk: Conversation) -> None:
    _at(2)(talk)
    talk.intent("AMAZON.PauseIntent")
    talk.launch()


def _single(talk: Conversation) -> None:
    talk.intent("ExerciseIntent", exercise="wall angels")


def _asking_delete(talk: Conversation) -> None:
    _at(1)(talk)
    talk.intent("DeleteDataIntent")


STATES = [_fresh, *[_at(i) for i in range(5)], _resume_offer, _single, _asking_delete]


@pytest.mark.parametrize("intent", MODEL_INTENTS)
@pytest.mark.parametrize("setup", STATES, ids=lambda s: s.__name__.strip("_"))
def test_every_intent_in_every_state_gives_a_valid_answer(talk: Conversation, setup, intent: str) -> None:
    setup(talk)
    slots = {"exercise": "child's pose"} if intent == "ExerciseIntent" else {}
    said = talk.intent(intent, **slots)  # check_response runs inside: SSML, limits, reprompt
    if intent in ("AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.NavigateHomeIntent",
                  "AMAZON.PauseIntent", "SymptomIntent"):
        assert said.ends_session
    if intent == "SymptomIntent":
        said.says("healthcare provider", "emergency services")
    if said.ends_session is False:
        assert said.state["v"] == 1


# --- the routine ---------------------------------------------------------------------------

def test_each_stretch_is_one_paced_response_in_order(talk: Conversation) -> None:
    said = talk.launch()
    for number, name in enumerate(NAMES, 1):
        said.says(f"Stretch {number} of 5: {name}")
        assert "[" in said.speech  # paced: the transcript shows pauses
        said = talk.intent("AMAZON.NextIntent")
    said.says("Well done")
    assert said.ends_session
    assert said.state == {} or said.state.get("index") is None


def test_finishing_records_the_date_and_clears_the_place(talk: Conversation, storage) -> None:
    talk.launch()
    for _ in range(5):
        talk.intent("AMAZON.NextIntent")
    doc = stored(storage)
    assert doc["position"] is None
    assert len(doc["completed"]) == 1
    assert doc["disclaimer_heard"] is True
    assert set(doc) == {"v", "position", "settings", "completed", "disclaimer_heard", "last_seen"}


def test_summary_states_time_spent(talk: Conversation) -> None:
    talk.launch()
    for _ in range(4):
        talk.intent("AMAZON.NextIntent")
    spent = talk.history[-1][1].state["spent_s"]
    said = talk.intent("AMAZON.NextIntent")
    said.says(coach.minutes_phrase(spent))


def test_repeat_replays_the_whole_current_stretch(talk: Conversation) -> None:
    talk.launch()
    first = talk.intent("AMAZON.NextIntent")
    again = talk.intent("AMAZON.RepeatIntent")
    assert again.speech == first.speech
    assert again.state["index"] == 1


def test_previous_skip_and_start_over(talk: Conversation) -> None:
    talk.launch()
    talk.intent("AMAZON.NextIntent")
    talk.intent("AMAZON.PreviousIntent").says("Stretch 1 of 5")
    talk.intent("AMAZON.PreviousIntent").says("first stretch", "Stretch 1 of 5")
    talk.intent("SkipIntent").says("Stretch 2 of 5")
    skipped = talk.intent("SkipIntent").says("Stretch 3 of 5")
    assert skipped.state["done"] == ["cat_cow"]  # skipped squeezes are not counted as done
    talk.intent("AMAZON.NextIntent")
    assert talk.history[-1][1].state["done"] == ["cat_cow", "wall_angels"]
    talk.intent("AMAZON.StartOverIntent").says("Stretch 1 of 5")
    assert talk.history[-1][1].state["done"] == []


def test_skip_on_the_last_stretch_finishes(talk: Conversation) -> None:
    _at(4)(talk)
    talk.intent("SkipIntent").says("Well done")


def test_jump_to_a_stretch_mid_routine_and_continue_from_there(talk: Conversation) -> None:
    talk.launch()
    talk.intent("ExerciseIntent", exercise="childs pose").says("Stretch 4 of 5: child's pose")
    talk.intent("AMAZON.NextIntent").says("Stretch 5 of 5")


@pytest.mark.parametrize("heard", ["cat and cow", "scapular squeezes", "snow angels on the wall",
                                   "child pose", "open my chest"])
def test_synonyms_reach_the_right_stretch(talk: Conversation, heard: str) -> None:
    said = talk.intent("ExerciseIntent", exercise=heard)
    assert said.state["mode"] == "single"
    said.says(f"Let's do {CONTENT.exercises[said.state['index']].name}")


@pytest.mark.parametrize("heard", ["yoga", None])
def test_unknown_or_missing_stretch_asks_which_and_keeps_the_session(talk: Conversation, heard) -> None:
    said = talk.intent("ExerciseIntent", exercise=heard)
    said.says("Which stretch", *NAMES)
    assert not said.ends_session


def test_exercise_intent_without_slots_at_all(client) -> None:
    body = intent_request("ExerciseIntent", None, new_session=True)
    raw = client.post("/alexa", data=json.dumps(body))
    assert "Which stretch" in raw.get_json()["response"]["outputSpeech"]["ssml"]


def test_no_mid_routine_does_not_lose_her_place(talk: Conversation) -> None:
    talk.launch()
    said = talk.intent("AMAZON.NoIntent").says("No rush")
    assert said.state["index"] == 0 and not said.ends_session


@pytest.mark.parametrize("intent", ["AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.NavigateHomeIntent"])
def test_stop_cancel_and_home_keep_her_place(talk: Conversation, storage, intent: str) -> None:
    talk.launch()
    talk.intent("AMAZON.NextIntent")
    said = talk.intent(intent)
    assert said.ends_session
    said.says("shoulder blade squeezes")
    assert stored(storage)["position"]["index"] == 1
    talk.launch().says("You were on shoulder blade squeezes")


def test_help_depends_on_where_she_is(talk: Conversation) -> None:
    talk.intent("AMAZON.HelpIntent").says("Say start")
    talk.launch()
    talk.intent("AMAZON.HelpIntent").says("You're on cat-cow", "next")


def test_fallback_keeps_her_place(talk: Conversation) -> None:
    talk.launch()
    talk.intent("AMAZON.NextIntent")
    said = talk.intent("AMAZON.FallbackIntent").says("didn't catch", "shoulder blade squeezes")
    assert said.state["index"] == 1 and not said.ends_session


def test_unknown_intent_is_answered_like_fallback(talk: Conversation) -> None:
    talk.launch()
    said = talk.intent("SomethingNewIntent").says("didn't catch")
    assert said.state["index"] == 0


# --- persistence across sessions ------------------------------------------------------------

def test_session_timeout_after_a_stretch_resumes_at_the_next_one(talk: Conversation, storage) -> None:
    talk.launch()
    talk.intent("AMAZON.NextIntent")
    talk.end("EXCEEDED_MAX_REPROMPTS")
    assert stored(storage)["position"]["index"] == 2
    talk.launch().says("You were on wall angels, stretch 3 of 5")


def test_session_closed_by_user_keeps_the_current_stretch(talk: Conversation, storage) -> None:
    talk.launch()
    talk.end("USER_INITIATED")
    assert stored(storage)["position"]["index"] == 0


def test_timeout_after_the_last_stretch_counts_as_finished(talk: Conversation, storage) -> None:
    _at(4)(talk)
    talk.end("EXCEEDED_MAX_REPROMPTS")
    doc = stored(storage)
    assert doc["position"] is None and len(doc["completed"]) == 1


def test_resume_offer_no_then_yes_starts_fresh(talk: Conversation) -> None:
    _resume_offer(talk)
    talk.intent("AMAZON.NoIntent").says("start again from the first stretch")
    talk.intent("AMAZON.YesIntent").says("Stretch 1 of 5")


def test_an_old_unfinished_routine_is_mentioned_not_offered(client) -> None:
    talk = Conversation(client, start=T0)
    _at(2)(talk)
    talk.intent("AMAZON.PauseIntent")
    talk.wait(hours=30)
    said = talk.launch()
    said.says("got as far as wall angels", "Stretch 1 of 5").does_not_say("You were on")


def test_settings_persist_between_sessions(talk: Conversation, storage) -> None:
    talk.launch()
    talk.intent("FasterIntent")
    talk.intent("ShorterIntent")
    talk.intent("AMAZON.StopIntent")
    assert stored(storage)["settings"] == {"pace": "faster", "dose": "short"}
    talk.launch()
    said = talk.intent("AMAZON.ResumeIntent")
    assert (said.state["pace"], said.state["dose"]) == ("faster", "short")


def test_weekly_count_across_sessions(client) -> None:
    talk = Conversation(client, start=T0)
    talk.intent("FrequencyIntent").says("three to four times a week", "haven't finished")
    for day in range(3):
        talk.launch()
        for _ in range(5):
            talk.intent("AMAZON.NextIntent")
        talk.wait(days=1)
    talk.intent("FrequencyIntent").says("3 times in the last seven days")
    talk.wait(days=4.5)  # the first of the three is now more than a week old
    talk.intent("FrequencyIntent").says("2 times in the last seven days")
    talk.wait(days=10)
    talk.intent("FrequencyIntent").says("haven't finished")


def test_first_use_note_is_spoken_once_per_user(client) -> None:
    first = Conversation(client)
    first.launch().says("general information")
    first.launch().does_not_say("general information")
    other = Conversation(client, user_id=USER_ID.replace("AEXAMPLE", "BEXAMPLE"))
    other.intent("ExerciseIntent", exercise="wall angels").says("general information")


def test_one_shot_start_in_a_new_session(client) -> None:
    talk = Conversation(client)
    talk.intent("StartRoutineIntent").says("Stretch 1 of 5")


# --- privacy ------------------------------------------------------------------------------

def test_delete_my_data_after_confirmation(talk: Conversation, storage) -> None:
    talk.launch()
    talk.intent("AMAZON.PauseIntent")
    assert stored(storage)
    talk.launch()
    talk.intent("DeleteDataIntent").says("delete", "yes")
    talk.intent("AMAZON.NoIntent").says("kept")
    assert stored(storage)["position"] is not None
    talk.intent("DeleteDataIntent")
    said = talk.intent("AMAZON.YesIntent").says("deleted")
    assert said.ends_session
    assert stored(storage) == {}


def test_skill_disabled_event_deletes_her_row(client, storage) -> None:
    talk = Conversation(client)
    talk.launch()
    talk.intent("AMAZON.PauseIntent")
    assert stored(storage)
    raw = client.post("/alexa", data=json.dumps(skill_disabled_event()))
    check_response(Said(raw.status_code, raw.get_json()), "AlexaSkillEvent.SkillDisabled")
    assert stored(storage) == {}


def test_logs_never_carry_the_user_id(talk: Conversation, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    talk.launch()
    talk.end("ERROR")
    talk.intent("SymptomIntent")
    assert USER_ID not in caplog.text


# --- robustness ---------------------------------------------------------------------------

GARBLED = [
    {"coach": "nonsense"},
    {"coach": {"v": 0}},
    {"coach": {"v": 1, "mode": "routine", "order": ["cat_cow"], "index": 0, "pace": "normal",
               "dose": "standard", "done": [], "spent_s": 0, "replay": None}},
    {"coach": {"v": 1, "mode": "routine", "order": [e.id for e in CONTENT.exercises], "index": 9,
               "pace": "normal", "dose": "standard", "done": [], "spent_s": 0, "replay": None}},
    {"coach": {"v": 1, "mode": "routine", "order": [e.id for e in CONTENT.exercises], "index": "2",
               "pace": "warp", "dose": "standard", "done": ["yoga"], "spent_s": -1, "replay": ["x"]}},
    {"coach": {"v": 1, "mode": "dancing", "order": [e.id for e in CONTENT.exercises], "index": 1,
               "pace": "normal", "dose": "standard", "done": [], "spent_s": 0, "replay": None}},
]


@pytest.mark.parametrize("attributes", GARBLED)
@pytest.mark.parametrize("intent, heard", [
    ("AMAZON.NextIntent", "Stretch 1 of 5: cat-cow"),
    ("AMAZON.RepeatIntent", "Say start when you're ready"),
    ("ProgressIntent", "not in the middle of a routine"),
])
def test_garbled_session_state_starts_fresh_and_is_logged(client, caplog, attributes, intent, heard) -> None:
    caplog.set_level(logging.WARNING)
    body = intent_request(intent, session_attributes=attributes)
    raw = client.post("/alexa", data=json.dumps(body))
    said = Said(raw.status_code, raw.get_json())
    check_response(said, "IntentRequest")
    said.says(heard)
    assert said.state["v"] == 1
    assert "session state discarded" in caplog.text


def test_a_crashing_handler_apologises_and_keeps_her_place(talk: Conversation, monkeypatch, caplog) -> None:
    talk.launch()
    talk.intent("AMAZON.NextIntent")

    def boom(ctx):
        raise RuntimeError("forced failure")

    from skill.alexa.handlers import navigation

    monkeypatch.setattr(navigation.NextIntentHandler, "decide", lambda self, ctx, hi: boom(ctx))
    said = talk.intent("AMAZON.NextIntent")
    said.says("Sorry, something went wrong", "shoulder blade squeezes")
    assert not said.ends_session and said.reprompt
    assert said.state["index"] == 1
    assert "forced failure" in caplog.text
    monkeypatch.undo()
    talk.intent("AMAZON.NextIntent").says("Stretch 3 of 5")


class BrokenStorage(MemoryAdapter):
    def __init__(self) -> None:
        super().__init__()
        self.fail_get = self.fail_save = False

    def get_attributes(self, request_envelope):
        if self.fail_get:
            raise RuntimeError("disk on fire")
        return super().get_attributes(request_envelope)

    def save_attributes(self, request_envelope, attributes):
        if self.fail_save:
            raise RuntimeError("disk full")
        return super().save_attributes(request_envelope, attributes)


def test_storage_failures_never_cost_her_the_stretch_or_her_progress(caplog) -> None:
    storage = BrokenStorage()
    app = create_app({"ALEXA_VERIFY_REQUESTS": "off", "STORAGE_BACKEND": "memory"}, persistence=storage)
    talk = Conversation(app.test_client())
    talk.launch()
    talk.intent("AMAZON.NextIntent")
    talk.intent("AMAZON.PauseIntent")
    before = stored(storage)
    assert before["position"]["index"] == 1

    storage.fail_get = True
    talk.launch().says("Stretch 1 of 5")  # she still hears a stretch
    talk.intent("AMAZON.NextIntent").says("Stretch 2 of 5")
    assert "could not load stored progress" in caplog.text
    storage.fail_get = False
    assert stored(storage) == before  # nothing overwritten while it could not be read

    storage.fail_save = True
    talk.launch()
    talk.intent("AMAZON.ResumeIntent").says("Stretch 2 of 5")
    assert "could not store progress" in caplog.text


def test_invalid_ssml_is_never_sent(talk: Conversation, monkeypatch, caplog) -> None:
    from skill.alexa.handlers import turn

    talk.launch()
    monkeypatch.setattr(turn, "render", lambda parts: '<break time="30s"/>')
    said = talk.intent("AMAZON.NextIntent")  # check_response validates what was sent
    said.says("Sorry, something went wrong")
    assert "break" in caplog.text


def test_a_delete_question_never_costs_her_place(talk: Conversation, storage) -> None:
    # Mid-routine: asked, then she says "next" instead of yes or no.
    talk.launch()
    talk.intent("AMAZON.NextIntent")
    talk.intent("DeleteDataIntent").says("delete", "say yes")
    talk.intent("AMAZON.FallbackIntent").says("yes or no")
    talk.intent("AMAZON.NextIntent").says("Stretch 3 of 5: wall angels")
    talk.intent("AMAZON.YesIntent").says("Stretch 4 of 5")  # yes now means next, not delete
    assert stored(storage)["position"]["index"] == 3
    # At the resume offer: asked, answered no, and the offered stretch is still the one to do.
    talk.intent("AMAZON.PauseIntent")
    talk.launch().says("You were on child's pose")
    talk.intent("DeleteDataIntent")
    talk.intent("AMAZON.NoIntent").says("kept", "Say continue for child's pose")
    talk.intent("AMAZON.ResumeIntent").says("Stretch 4 of 5: child's pose")
