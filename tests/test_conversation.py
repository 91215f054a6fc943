"""The conversation through HTTP: every intent in every mode, the routine, resume across
sessions, weekly history, privacy, bad session state, storage trouble and crashing handlers.

Issue 10's ten points have their own file (test_conversation_issue10.py); the state x event
table has test_conversation_table.py. Every response here passes tests.conversation's
check_response: SSML, Alexa's limits, a reprompt and a closing question when open.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

import pytest

from skill import create_app
from skill.core.coach.reply import minutes_phrase
from skill.core.content import default
from skill.storage import MemoryAdapter, StorageError
from tests.conversation import MODEL, Conversation, Said, check_response, stored
from tests.documents import PROFILE_FIELDS
from tests.envelopes import USER_ID, intent_request, skill_disabled_event
from tests.ssml_checks import assert_alexa_ssml

CONTENT = default()
IDS = list(CONTENT.routine("standard").stretches)  # the standard routine, in order
NAMES = [CONTENT.exercise(i).name for i in IDS]
Q = CONTENT.say  # questions by key: the words may change, the question may not
MODEL_INTENTS = sorted(
    i["name"] for i in json.loads(MODEL.read_text())["interactionModel"]["languageModel"]["intents"]
)
T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
ENDS_AT_ONCE = ("AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.NavigateHomeIntent")


def last(talk: Conversation) -> Said:
    return talk.history[-1][1]


# --- setups: one per Mode reachable through HTTP ----------------------------------------


def idle(talk: Conversation) -> None:
    talk.intent("AMAZON.HelpIntent")  # a one-shot question from a new user: nothing running


def ready(talk: Conversation) -> None:
    talk.launch()  # first launch ever: first-use note, then "ready?"


def at(index: int):
    def setup(talk: Conversation) -> None:
        if talk.launch().state["mode"] != "routine":
            talk.intent("AMAZON.YesIntent")  # "ready?" on first use
        for _ in range(index):
            talk.intent("AMAZON.NextIntent")
        assert last(talk).state["mode"] == "routine" and last(talk).state["current"] == IDS[index]

    setup.__name__ = f"routine_at_{index + 1}"
    return setup


def resume(talk: Conversation) -> None:
    at(2)(talk)
    talk.intent("AMAZON.StopIntent")
    talk.launch()
    assert last(talk).state["mode"] == "resume"


def fresh(talk: Conversation) -> None:
    resume(talk)
    talk.intent("AMAZON.NoIntent")


def again(talk: Conversation) -> None:
    at(0)(talk)
    for _ in range(5):
        talk.intent("AMAZON.NextIntent")
    talk.launch()


def single(talk: Conversation) -> None:
    talk.intent("ExerciseIntent", exercise="shoulder blade squeezes")


def described(talk: Conversation) -> None:
    talk.intent("DescribeExerciseIntent", exercise="wall angels")


def on_stretch_2_then(mode: str, intent: str, **slots: str):
    """A setup: stretch 2 of the routine, then one intent, which leaves the coach in `mode`."""

    def setup(talk: Conversation) -> None:
        at(1)(talk)
        talk.intent(intent, **slots)

    setup.__name__ = mode
    return setup


waiting = on_stretch_2_then("waiting", "AMAZON.PauseIntent")
check = on_stretch_2_then("check", "SymptomIntent", symptom="ouch")
gentler = on_stretch_2_then("gentler", "SymptomIntent", symptom="it pulls")
pain = on_stretch_2_then("pain", "SymptomIntent", symptom="it hurts")
delete = on_stretch_2_then("delete", "DeleteDataIntent")

# Each setup is named after the mode it leaves the coach in; the test checks it got there.
SETUPS = [
    *[pytest.param(s, s.__name__) for s in (idle, ready, resume, fresh, again)],
    *[pytest.param(at(i), "routine") for i in range(5)],
    *[pytest.param(s, s.__name__) for s in (single, described, waiting, check, gentler, pain, delete)],
]
SLOTS = {
    "ExerciseIntent": {"exercise": "wall angels"},
    "DescribeExerciseIntent": {"exercise": "cat"},
    "SymptomIntent": {"symptom": "bleeding"},
}


@pytest.mark.parametrize("intent", MODEL_INTENTS)
@pytest.mark.parametrize("setup, mode", SETUPS, ids=lambda s: getattr(s, "__name__", ""))
def test_every_intent_in_every_mode_gives_a_valid_answer(
    talk: Conversation, setup, mode: str, intent: str
) -> None:
    setup(talk)
    assert last(talk).state["mode"] == mode
    said = talk.intent(intent, **SLOTS.get(intent, {}))  # check_response runs inside
    if intent in ENDS_AT_ONCE or intent == "SymptomIntent":
        assert said.ends_session
    if intent == "SymptomIntent":  # bleeding: a warning sign
        said.says("doctor or midwife", "emergency number", "can't call anyone")
    if not said.ends_session:
        assert said.state["v"] == 4 and said.state["mode"]
    assert "Sorry, something went wrong" not in said.speech


# --- the routine ---------------------------------------------------------------------------


def test_each_stretch_is_one_paced_response_in_order(talk: Conversation) -> None:
    talk.launch()
    said = talk.intent("AMAZON.YesIntent")
    for number, name in enumerate(NAMES, 1):
        said.says(f"Stretch {number} of 5: {name}")
        assert "[" in said.speech  # paced: the transcript shows pauses
        assert said.state["current"] == IDS[number - 1] and said.state["mode"] == "routine"
        assert said.state["done"] == IDS[: number - 1]
        said = talk.intent("AMAZON.NextIntent")
    said.says("Well done", "finished all five")
    assert said.state["mode"] == "reminder"  # issue 12: the reminder offer, first time only


def test_finishing_records_the_date_and_clears_the_place(talk: Conversation, storage) -> None:
    at(0)(talk)
    for _ in range(5):
        talk.intent("AMAZON.NextIntent")
    doc = stored(storage)
    assert doc["position"] is None
    assert len(doc["completed"]) == 1
    assert doc["disclaimer_heard"] is True and doc["check_in"] is False
    assert set(doc) == PROFILE_FIELDS


def test_summary_states_time_spent(talk: Conversation) -> None:
    at(4)(talk)
    spent = last(talk).state["spent_s"]
    talk.intent("AMAZON.NextIntent").says(minutes_phrase(spent))


def test_repeat_replays_the_whole_current_stretch(talk: Conversation) -> None:
    at(1)(talk)
    first = last(talk)
    again_ = talk.intent("AMAZON.RepeatIntent")
    assert again_.speech == first.speech
    assert again_.state["current"] == IDS[1] and again_.state["done"] == IDS[:1]


def test_previous_skip_and_start_over(talk: Conversation) -> None:
    at(1)(talk)
    talk.intent("AMAZON.PreviousIntent").says("Stretch 1 of 5")
    talk.intent("AMAZON.PreviousIntent").says("first stretch", "Stretch 1 of 5")
    talk.intent("SkipIntent").says("Stretch 2 of 5")
    skipped = talk.intent("SkipIntent").says("Stretch 3 of 5")
    assert skipped.state["done"] == ["cat_cow"]  # skipped squeezes are not counted as done
    assert talk.intent("AMAZON.NextIntent").state["done"] == ["cat_cow", "shoulder_squeezes"]
    said = talk.intent("AMAZON.StartOverIntent").says("Stretch 1 of 5")
    assert said.state["done"] == [] and said.state["current"] == "cat_cow"


def test_skip_on_the_last_stretch_ends_honestly(talk: Conversation) -> None:
    at(4)(talk)  # cat-cow to wall angels done with "next"
    said = talk.intent("SkipIntent").says("You did four of the five").does_not_say("finished all five")
    assert said.ends_session


def test_a_stretch_by_name_mid_routine_comes_now_and_skips_nothing(talk: Conversation) -> None:
    at(0)(talk)  # on cat-cow, which counts as done like with next
    said = talk.intent("ExerciseIntent", exercise="wall angels")
    said.says("Okay, wall angels now. After that, child's pose.", "Stretch 2 of 5: wall angels")
    # From the floor to the wall: the line for that move, though no routine makes it itself.
    said.says("Now come up slowly to standing, using your hands, and find a clear bit of wall.")
    assert said.state["mode"] == "routine" and said.state["done"] == ["cat_cow"]
    assert said.state["order"] == [
        "cat_cow",
        "wall_angels",
        "childs_pose",
        "shoulder_squeezes",
        "chest_opener",
    ]
    talk.intent("AMAZON.NextIntent").says("Stretch 3 of 5: child's pose")
    talk.intent("AMAZON.NextIntent").says("Stretch 4 of 5: shoulder blade squeezes")
    talk.intent("AMAZON.NextIntent").says("Stretch 5 of 5: chest opener")
    talk.intent("AMAZON.NextIntent").says("You've finished all five stretches")


def test_a_stretch_by_name_at_the_resume_offer_comes_first_then_her_place(talk: Conversation) -> None:
    at(2)(talk)  # on shoulder blade squeezes; cat-cow and child's pose done
    talk.intent("AMAZON.StopIntent")
    talk.launch().says("You were on shoulder blade squeezes")
    said = talk.intent("ExerciseIntent", exercise="chest opener")
    # Not started, so not counted: her place comes straight after.
    said.says(
        "Okay, the chest opener now. After that, shoulder blade squeezes.", "Stretch 3 of 5: chest opener"
    )
    assert said.state["done"] == ["cat_cow", "childs_pose"]
    talk.intent("AMAZON.NextIntent").says("Stretch 4 of 5: shoulder blade squeezes")


def test_one_already_done_by_name_is_done_again_without_a_number_taken(talk: Conversation) -> None:
    at(1)(talk)  # on child's pose, the second stretch; cat-cow done
    said = talk.intent("ExerciseIntent", exercise="cat cow")
    said.says("Okay, cat-cow again. After that, shoulder blade squeezes.", "Come onto your hands and knees")
    assert "Stretch" not in said.speech  # "Stretch 1 of 5" and "Stretch 2 of 5" are both taken
    assert said.state["current"] == "cat_cow" and said.state["done"] == ["cat_cow", "childs_pose"]
    talk.intent("AMAZON.NextIntent").says("Stretch 3 of 5: shoulder blade squeezes")


def test_the_last_stretch_left_by_name_has_nothing_after_it(talk: Conversation) -> None:
    at(3)(talk)  # on wall angels, the chest opener still to come
    said = talk.intent("ExerciseIntent", exercise="chest opener")
    said.says("Stretch 5 of 5: chest opener")
    assert "After that" not in said.speech


@pytest.mark.parametrize(
    "heard, exercise_id",
    [
        ("cat and cow", "cat_cow"),
        ("scapular squeezes", "shoulder_squeezes"),
        ("snow angels on the wall", "wall_angels"),
        ("child pose", "childs_pose"),
        ("open my chest", "chest_opener"),
    ],
)
def test_synonyms_reach_the_right_stretch(talk: Conversation, heard: str, exercise_id: str) -> None:
    said = talk.intent("ExerciseIntent", exercise=heard)
    assert said.state["mode"] == "single" and said.state["current"] == exercise_id
    said.says(f"Let's do {CONTENT.exercise(exercise_id).in_sentence}")


@pytest.mark.parametrize("heard", ["yoga", None])
def test_unknown_or_missing_stretch_asks_which_and_keeps_the_session(talk: Conversation, heard) -> None:
    said = talk.intent("ExerciseIntent", exercise=heard)
    said.says(*NAMES)
    assert not said.ends_session and said.state["mode"] == "idle"


def test_exercise_intent_without_slots_at_all(client) -> None:
    body = intent_request("ExerciseIntent", None, new_session=True)
    said = Said(*(lambda r: (r.status_code, r.get_json()))(client.post("/alexa", data=json.dumps(body))))
    check_response(said, "IntentRequest")
    said.says(*NAMES)


def test_no_mid_routine_does_not_lose_her_place(talk: Conversation) -> None:
    at(0)(talk)
    said = talk.intent("AMAZON.NoIntent").says("No rush")
    assert said.state["current"] == "cat_cow" and said.state["mode"] == "routine" and not said.ends_session


@pytest.mark.parametrize("intent", ENDS_AT_ONCE)
def test_stop_cancel_and_home_keep_her_place(talk: Conversation, storage, intent: str) -> None:
    at(1)(talk)
    said = talk.intent(intent)
    assert said.ends_session
    said.says("saved your place at child's pose")
    assert stored(storage)["position"]["current"] == "childs_pose"
    talk.launch().says("You were on child's pose")


def test_help_depends_on_where_she_is(talk: Conversation) -> None:
    talk.intent("AMAZON.HelpIntent").says("I'll guide you through five gentle stretches")
    at(0)(talk)
    talk.intent("AMAZON.HelpIntent").says("You're on cat-cow", "next")


def test_fallback_keeps_her_place(talk: Conversation) -> None:
    at(1)(talk)
    said = talk.intent("AMAZON.FallbackIntent").says(
        "didn't catch", Q("ask_next", next_name="shoulder blade squeezes")
    )
    assert said.state["current"] == "childs_pose" and not said.ends_session


def test_unknown_intent_is_answered_like_fallback(talk: Conversation) -> None:
    at(0)(talk)
    body = intent_request("SomethingNewIntent", **talk._session())
    raw = talk.client.post("/alexa", data=json.dumps(body))
    said = Said(raw.status_code, raw.get_json())
    check_response(said, "IntentRequest")
    said.says("didn't catch")
    assert said.state["current"] == "cat_cow"


# --- persistence across sessions ------------------------------------------------------------


def test_session_timeout_after_a_stretch_resumes_at_the_next_one(talk: Conversation, storage) -> None:
    at(1)(talk)
    talk.end("EXCEEDED_MAX_REPROMPTS")  # spoken to its end; nobody said next: it was done
    pos = stored(storage)["position"]
    assert pos["current"] == "shoulder_squeezes" and pos["done"] == ["cat_cow", "childs_pose"]
    talk.launch().says("You were on shoulder blade squeezes, stretch 3 of 5")


def test_session_closed_by_user_keeps_the_current_stretch(talk: Conversation, storage) -> None:
    at(0)(talk)
    talk.end("USER_INITIATED")
    assert stored(storage)["position"]["current"] == "cat_cow"
    assert stored(storage)["position"]["done"] == []


def test_timeout_after_the_last_stretch_counts_as_finished(talk: Conversation, storage) -> None:
    at(4)(talk)
    talk.end("EXCEEDED_MAX_REPROMPTS")
    doc = stored(storage)
    assert doc["position"] is None and len(doc["completed"]) == 1


def test_timeout_after_the_last_stretch_of_a_skipped_routine_is_not_counted(
    talk: Conversation, storage
) -> None:
    at(0)(talk)
    for _ in range(4):
        talk.intent("SkipIntent")
    talk.end("EXCEEDED_MAX_REPROMPTS")
    doc = stored(storage)
    assert doc["position"] is None and doc["completed"] == []


def test_resume_offer_no_then_yes_starts_fresh(talk: Conversation) -> None:
    resume(talk)
    talk.intent("AMAZON.NoIntent").says("start again from the first stretch")
    said = talk.intent("AMAZON.YesIntent").says("Stretch 1 of 5")
    assert said.state["done"] == []


def test_resume_offer_yes_picks_up_where_she_was(talk: Conversation) -> None:
    resume(talk)
    said = talk.intent("AMAZON.YesIntent").says("Stretch 3 of 5: shoulder blade squeezes")
    assert said.state["done"] == IDS[:2]


def test_an_old_unfinished_routine_is_mentioned_not_offered(client, storage) -> None:
    talk = Conversation(client, start=T0)
    at(2)(talk)
    talk.intent("AMAZON.StopIntent")
    talk.wait(hours=30)
    said = talk.launch()
    said.says("got as far as shoulder blade squeezes", "Stretch 1 of 5").does_not_say("You were on")
    assert stored(storage)["position"]["current"] == "cat_cow"  # the new routine's place


def test_settings_persist_between_sessions(talk: Conversation, storage) -> None:
    at(0)(talk)
    talk.intent("FasterIntent")
    talk.intent("ShorterIntent")
    talk.intent("AMAZON.StopIntent")
    assert stored(storage)["settings"] == {"pace": "faster", "dose": "short"}
    talk.launch()
    said = talk.intent("AMAZON.YesIntent")
    assert (said.state["pace"], said.state["dose"]) == ("faster", "short")


def finish_routine(talk: Conversation) -> None:
    if talk.launch().state["mode"] != "routine":
        talk.intent("AMAZON.YesIntent")  # "ready?" (first launch) or "again?" (done today)
    for _ in range(5):
        talk.intent("AMAZON.NextIntent")


def test_weekly_count_across_sessions(client) -> None:
    talk = Conversation(client, start=T0)
    talk.intent("FrequencyIntent").says("three to four times a week", "haven't finished")
    for _ in range(3):
        finish_routine(talk)
        last(talk).says("finished all five")
        talk.wait(days=1)
    talk.intent("FrequencyIntent").says("3 times in the last seven days")
    talk.wait(days=4.5)  # the first of the three is now more than a week old
    talk.intent("FrequencyIntent").says("2 times in the last seven days")
    talk.wait(days=10)
    talk.intent("FrequencyIntent").says("haven't finished")


def test_the_week_count_after_the_last_of_them_says_once(client) -> None:
    talk = Conversation(client, start=T0)
    finish_routine(talk)
    last(talk).says("once in the last seven days")


def test_first_use_note_is_spoken_once_per_user(client) -> None:
    first = Conversation(client)
    first.launch().says("general information")
    first.intent("AMAZON.YesIntent").does_not_say("general information")
    first.launch().does_not_say("general information")
    other = Conversation(client, user_id=USER_ID.replace("AEXAMPLE", "BEXAMPLE"))
    other.intent("ExerciseIntent", exercise="shoulder blade squeezes").says(
        "general information", "Let's do shoulder blade squeezes"
    )


def test_one_shot_start_in_a_new_session(client) -> None:
    talk = Conversation(client)
    talk.intent("StartRoutineIntent").says("general information", "Stretch 1 of 5")


# --- privacy ------------------------------------------------------------------------------


def test_delete_my_data_after_confirmation(talk: Conversation, storage) -> None:
    at(0)(talk)
    talk.intent("AMAZON.StopIntent")
    assert stored(storage)["position"]
    talk.launch()
    talk.intent("DeleteDataIntent").says(Q("ask_delete"))
    talk.intent("AMAZON.NoIntent").says("kept", Q("ask_resume", name="cat-cow"))
    assert stored(storage)["position"] is not None
    talk.intent("DeleteDataIntent")
    said = talk.intent("AMAZON.YesIntent").says("deleted")
    assert said.ends_session
    assert stored(storage) == {}


def test_skill_disabled_event_deletes_her_row(client, storage) -> None:
    talk = Conversation(client)
    at(0)(talk)
    talk.intent("AMAZON.StopIntent")
    assert stored(storage)
    raw = client.post("/alexa", data=json.dumps(skill_disabled_event()))
    check_response(Said(raw.status_code, raw.get_json()), "AlexaSkillEvent.SkillDisabled")
    assert stored(storage) == {}


def test_logs_never_carry_the_user_id(talk: Conversation, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    talk.launch()
    talk.end("ERROR")
    talk.intent("SymptomIntent", symptom="bleeding")
    assert USER_ID not in caplog.text


# --- bad session state ----------------------------------------------------------------------


def v1(mode: str = "routine", index: int | None = 2, **changes) -> dict:
    """Session attributes as the previous version wrote them."""
    coach = {
        "v": 1,
        "mode": mode,
        "order": IDS,
        "index": index,
        "pace": "normal",
        "dose": "standard",
        "done": IDS[:index] if isinstance(index, int) else [],
        "spent_s": 240.0,
        "replay": None,
        "asking": None,
    }
    coach.update(changes)
    return {"coach": coach}


def post(client, intent: str, attributes: dict, **slots) -> Said:
    body = intent_request(intent, slots or None, session_attributes=attributes)
    raw = client.post("/alexa", data=json.dumps(body))
    said = Said(raw.status_code, raw.get_json())
    check_response(said, "IntentRequest")
    return said


def test_v1_routine_attributes_are_upgraded(client, caplog) -> None:
    caplog.set_level(logging.WARNING)
    said = post(client, "AMAZON.NextIntent", v1()).says("Stretch 4 of 5: wall angels")
    assert said.state["v"] == 4 and said.state["current"] == "wall_angels"
    assert said.state["done"] == IDS[:3] and said.state["spent_s"] > 240
    assert "discarded" not in caplog.text


def test_v1_resume_offer_is_upgraded(client) -> None:
    said = post(client, "AMAZON.ResumeIntent", v1("resume_offer")).says(
        "Stretch 3 of 5: shoulder blade squeezes"
    )
    assert said.state["mode"] == "routine"


def test_v1_delete_question_is_upgraded(client) -> None:
    said = post(client, "AMAZON.NoIntent", v1(asking="delete")).says("kept")
    assert said.state["mode"] == "routine" and said.state["current"] == "shoulder_squeezes"


def test_v1_answer_is_repeated(client) -> None:
    said = post(client, "AMAZON.RepeatIntent", v1("idle", None, replay=["answer", "FrequencyIntent"]))
    said.says("three to four times a week")


GARBLED = [
    pytest.param({"coach": "nonsense"}, None, id="not-an-object"),
    pytest.param({"coach": {"v": 0}}, None, id="version-0"),
    pytest.param(
        {"coach": {"v": 3, "mode": "routine", "current": "shoulder_squeezes"}},
        "shoulder_squeezes",
        id="unknown-version-salvaged",
    ),
    pytest.param(
        {"coach": {"v": 2, "mode": "dancing", "current": "wall_angels", "order": IDS}},
        "wall_angels",
        id="unknown-mode-salvaged",
    ),
    pytest.param(v1(index=9), None, id="v1-index-out-of-range"),
    pytest.param(v1(index=1, pace="warp"), "childs_pose", id="v1-bad-pace-salvaged"),
    pytest.param(v1(index="2", done=["yoga"], spent_s=-1), None, id="v1-garbage"),
    pytest.param(v1(mode="dancing", index=3), "wall_angels", id="v1-unknown-mode-salvaged"),
    pytest.param(
        {"coach": {"v": 2, "mode": "routine", "order": IDS, "current": "yoga", "done": []}},
        None,
        id="v2-unknown-stretch",
    ),
]


@pytest.mark.parametrize("attributes, salvaged", GARBLED)
@pytest.mark.parametrize("intent", ["AMAZON.NextIntent", "AMAZON.RepeatIntent", "ProgressIntent"])
def test_unreadable_session_state_apologises_and_restarts_her_stretch(
    client, caplog, attributes, salvaged, intent
) -> None:
    caplog.set_level(logging.WARNING)
    said = post(client, intent, attributes).says("Sorry, I lost track of where we were")
    assert said.state["v"] == 4 and not said.ends_session
    if salvaged is None:
        said.says(Q("ask_idle"))
        assert said.state["mode"] == "idle"
    else:
        number = IDS.index(salvaged) + 1
        said.says(f"Stretch {number} of 5: {CONTENT.exercise(salvaged).name}")
        assert said.state["mode"] == "routine" and said.state["current"] == salvaged
    assert "session state" in caplog.text  # logged for the operator


@pytest.mark.parametrize(
    "intent, slots, heard",
    [
        ("SymptomIntent", {"symptom": "bleeding"}, "contact your doctor or midwife"),
        ("AMAZON.StopIntent", {}, "Take care"),
    ],
)
def test_unreadable_session_state_never_overrides_safety_or_stop(client, intent, slots, heard) -> None:
    from tests.conversation import resolved

    body = intent_request(
        intent,
        {k: resolved(intent, k, v) for k, v in slots.items()} or None,
        session_attributes=v1(mode="dancing", index=3),
    )
    raw = client.post("/alexa", data=json.dumps(body))
    said = Said(raw.status_code, raw.get_json())
    said.says(heard)
    assert said.ends_session


# --- robustness ---------------------------------------------------------------------------


def raw_intent(talk: Conversation, name: str) -> Said:
    """One request in her session, checked for Alexa's rules but not for a closing question
    (the apology is checked for that on its own below)."""
    raw = talk.client.post("/alexa", data=json.dumps(intent_request(name, **talk._session())))
    said = Said(raw.status_code, raw.get_json())
    assert said.status == 200
    assert_alexa_ssml(said.ssml)
    assert_alexa_ssml(said.response["reprompt"]["outputSpeech"]["ssml"], reprompt=True)
    talk.attributes = said.body.get("sessionAttributes") or {}
    return said


def crash_the_coach(monkeypatch) -> None:
    def boom(ctx, event):
        raise RuntimeError("forced failure")

    monkeypatch.setattr("skill.core.coach.step", boom)


def test_a_crashing_handler_apologises_and_keeps_her_place(talk: Conversation, monkeypatch, caplog) -> None:
    at(1)(talk)
    crash_the_coach(monkeypatch)
    said = raw_intent(talk, "AMAZON.NextIntent")
    said.says("Sorry, something went wrong", "child's pose")
    assert not said.ends_session and said.reprompt
    assert said.state["current"] == "childs_pose"
    assert "forced failure" in caplog.text
    monkeypatch.undo()
    talk.intent("AMAZON.NextIntent").says("Stretch 3 of 5")


def test_the_apology_ends_on_a_question(talk: Conversation, monkeypatch) -> None:
    at(1)(talk)
    crash_the_coach(monkeypatch)
    said = raw_intent(talk, "AMAZON.NextIntent")
    check_response(said, "IntentRequest")


class BrokenStorage(MemoryAdapter):
    def __init__(self) -> None:
        super().__init__()
        self.fail_get = self.fail_save = False

    def get_attributes(self, request_envelope):
        if self.fail_get:
            raise StorageError("disk on fire")
        return super().get_attributes(request_envelope)

    def save_attributes(self, request_envelope, attributes):
        if self.fail_save:
            raise StorageError("disk full")
        return super().save_attributes(request_envelope, attributes)


def test_storage_failures_never_cost_her_the_stretch_or_her_progress(caplog) -> None:
    storage = BrokenStorage()
    app = create_app({"ALEXA_VERIFY_REQUESTS": "off", "STORAGE_BACKEND": "memory"}, persistence=storage)
    talk = Conversation(app.test_client())
    at(1)(talk)
    talk.intent("AMAZON.StopIntent")
    before = stored(storage)
    assert before["position"]["current"] == "childs_pose"

    storage.fail_get = True
    talk.launch().says(Q("ask_ready", name="cat-cow"))  # read as a new user: she still gets to stretch
    talk.intent("AMAZON.YesIntent").says("Stretch 1 of 5")
    talk.intent("AMAZON.NextIntent").says("Stretch 2 of 5")
    assert "could not load stored progress" in caplog.text
    storage.fail_get = False
    assert stored(storage) == before  # nothing overwritten while it could not be read

    storage.fail_save = True
    talk.launch()
    talk.intent("AMAZON.YesIntent").says("Stretch 2 of 5")
    talk.intent("AMAZON.NextIntent").says("Stretch 3 of 5")
    assert "could not store progress" in caplog.text


def test_invalid_ssml_is_never_sent(talk: Conversation, monkeypatch, caplog) -> None:
    at(0)(talk)
    monkeypatch.setattr("skill.alexa.turn.render", lambda parts: '<break time="30s"/>')
    said = raw_intent(talk, "AMAZON.NextIntent")  # Alexa's rules checked on what was sent
    said.says("Sorry, something went wrong")
    assert "break" in caplog.text


def test_a_delete_question_never_costs_her_place(talk: Conversation, storage) -> None:
    # Mid-routine: asked, then she says "next" instead of yes or no.
    at(1)(talk)
    talk.intent("DeleteDataIntent").says("delete")
    talk.intent("AMAZON.FallbackIntent").says("didn't catch", "delete")
    talk.intent("AMAZON.NextIntent").says("Stretch 3 of 5: shoulder blade squeezes")
    talk.intent("AMAZON.YesIntent").says("Stretch 4 of 5")  # yes now means next, not delete
    assert stored(storage)["position"]["current"] == "wall_angels"
    # At the resume offer: asked, answered no, and the offered stretch is still the one to do.
    talk.intent("AMAZON.StopIntent")
    talk.launch().says("You were on wall angels")
    talk.intent("DeleteDataIntent")
    talk.intent("AMAZON.NoIntent").says("kept", Q("ask_resume", name="wall angels"))
    talk.intent("AMAZON.ResumeIntent").says("Stretch 4 of 5: wall angels")
