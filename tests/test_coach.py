"""The coach as plain function calls: Context in, Outcome out. No HTTP, no ask-sdk.

The state x event table is walked in test_conversation_table.py; this file keeps the checks
that need the coach's own objects: reply length and SSML at every setting, the disclaimer,
resume within a day, session end, safety outcomes, and the state and profile documents.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from skill.core import attributes, coach
from skill.core import profile as prof
from skill.core import routine as rt
from skill.core.coach.reply import minutes_phrase, spoken_list
from skill.core.content import default
from skill.core.events import Event, Kind
from skill.core.pacing import DOSES, PACES, Settings
from skill.core.profile import Profile
from skill.core.routine import Mode
from skill.core.ssml import MAX_SPEECH_CHARS, render, speak
from skill.core.timeline import Timeline
from tests.documents import PROFILE_FIELDS
from tests.ssml_checks import assert_alexa_ssml

CONTENT = default()
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
IDS = tuple(CONTENT.routine("standard").stretches)  # the standard routine, in order
HEARD = Profile(disclaimer_heard=True)


def ctx(
    state: rt.RoutineState | None = None, profile: Profile | None = None, now: datetime = NOW
) -> coach.Context:
    return coach.Context(state or rt.fresh(IDS), profile or Profile(), now, CONTENT)


def step(out_or_ctx, kind: Kind, arg: str | None = None, now: datetime = NOW) -> coach.Outcome:
    c = (
        out_or_ctx
        if isinstance(out_or_ctx, coach.Context)
        else ctx(out_or_ctx.state, out_or_ctx.profile, now)
    )
    return coach.step(c, Event(kind, arg))


def text(out: coach.Outcome) -> str:
    return " ".join(p for p in out.reply.parts if isinstance(p, str))


def fits(out: coach.Outcome) -> None:
    full = speak(render(out.reply.parts))
    assert_alexa_ssml(full)  # parses, breaks <= 10 s
    assert len(full) <= MAX_SPEECH_CHARS <= 8000
    if not out.reply.end_session:
        assert_alexa_ssml(speak(render([out.reply.reprompt])), reprompt=True)


# --- Alexa's limits at every setting -------------------------------------------------------


@pytest.mark.parametrize("pace", PACES)
@pytest.mark.parametrize("dose", DOSES)
def test_the_longest_responses_fit_alexas_limits_at_every_setting(pace: str, dose: str) -> None:
    settings = Settings(pace=pace, dose=dose)
    fresh_user = Profile(settings=settings)
    # A new user's one-shot "start": the note, the tip and the first stretch in one response.
    out = step(ctx(rt.fresh(IDS, settings), fresh_user), Kind.START)
    fits(out)
    assert out.state.current == IDS[0]
    for exercise_id in IDS[1:]:
        out = step(out, Kind.NEXT)
        assert out.state.current == exercise_id and out.state.mode is Mode.ROUTINE
        fits(out)
        fits(step(out, Kind.WAIT))  # the minute's wait on top of it
        fits(step(out, Kind.REPEAT))
    # A single stretch by name for a new user (with the note and the tip), at this setting.
    for exercise_id in IDS:
        fits(step(ctx(rt.fresh(IDS, settings), fresh_user), Kind.EXERCISE, exercise_id))
    # Adjusting mid-stretch replays it with two lines in front.
    fits(step(step(ctx(rt.fresh(IDS, settings), HEARD), Kind.START), Kind.ADJUST, "slower"))


def test_the_first_launch_asks_before_moving_and_the_first_stretch_gives_time_to_get_into_position() -> None:
    out = coach.launch(ctx())
    assert out.state.mode is Mode.READY
    assert not any(isinstance(p, Timeline) for p in out.reply.parts)
    out = step(out, Kind.YES)
    timeline = next(p for p in out.reply.parts if isinstance(p, Timeline))
    setup = timeline.phases[0]
    assert setup.kind == "setup"
    assert setup.segments[-1].seconds >= 3  # silence after the setup lines


def test_the_disclaimer_is_heard_once() -> None:
    first = coach.launch(ctx())
    assert first.profile.disclaimer_heard and "general information" in text(first)
    again = step(first, Kind.YES)
    assert "general information" not in text(again)
    assert "general information" not in text(coach.launch(ctx(profile=again.profile)))


def test_the_wake_word_tip_is_said_once_per_session() -> None:
    first = step(ctx(profile=HEARD), Kind.START)
    assert "Alexa, next" in text(first) and first.state.tipped
    assert "Alexa, next" not in text(step(first, Kind.NEXT))


# --- places, sessions, resume -----------------------------------------------------------------


def at_stretch(index: int, profile: Profile = HEARD) -> coach.Outcome:
    out = step(ctx(profile=profile), Kind.START)
    for _ in range(index):
        out = step(out, Kind.NEXT)
    return out


def test_resume_is_offered_within_a_day_and_not_after() -> None:
    stopped = step(at_stretch(2), Kind.STOP)
    assert stopped.reply.end_session and stopped.profile.position.current == "shoulder_squeezes"
    assert stopped.profile.position.done == IDS[:2]
    soon = coach.new_session_state(stopped.profile, NOW + timedelta(hours=23), CONTENT)
    assert soon.mode is Mode.RESUME and soon.current == "shoulder_squeezes" and soon.done == IDS[:2]
    later = coach.new_session_state(stopped.profile, NOW + timedelta(hours=25), CONTENT)
    assert later.mode is Mode.IDLE and later.current is None


def test_no_answer_after_a_stretch_counts_it_and_keeps_the_next_one() -> None:
    out = coach.session_ended(ctx(at_stretch(1).state, HEARD), "EXCEEDED_MAX_REPROMPTS")
    assert out.reply == coach.SILENT
    assert out.profile.position.current == "shoulder_squeezes" and out.profile.position.done == IDS[:2]


def test_no_answer_to_the_wait_keeps_the_same_stretch() -> None:
    waiting = step(at_stretch(1), Kind.WAIT)
    assert waiting.state.mode is Mode.WAITING
    out = coach.session_ended(ctx(waiting.state, HEARD), "EXCEEDED_MAX_REPROMPTS")
    assert out.profile.position.current == "childs_pose" and out.profile.position.done == IDS[:1]


def test_the_wait_and_carry_on_keep_her_place() -> None:
    waiting = step(at_stretch(3), Kind.WAIT)
    assert waiting.state.base is Mode.ROUTINE and waiting.state.current == "wall_angels"
    assert waiting.reply.parts[-1] == CONTENT.say("ask_carry_on", name="wall angels")
    back = step(waiting, Kind.CONTINUE)
    assert back.state.mode is Mode.ROUTINE and back.state.current == "wall_angels"
    assert back.state.done == IDS[:3]


@pytest.mark.parametrize(
    "path, said, counted",
    [
        ((Kind.NEXT,) * 5, "routine_done", True),
        ((Kind.SKIP,) * 5, "routine_end_none_done", False),
        ((Kind.NEXT, Kind.SKIP, Kind.NEXT, Kind.NEXT, Kind.SKIP), "routine_end_partial", False),
    ],
)
def test_the_end_of_the_routine_says_what_she_did(path, said, counted) -> None:
    # offered a reminder yesterday: no offer now, so a finished routine ends the session
    # (the offer itself: tests/test_reminders_coach.py)
    out = step(ctx(profile=replace(HEARD, reminder_offered=NOW - timedelta(days=1))), Kind.START)
    for kind in path:
        out = step(out, kind)
    assert out.reply.end_session and out.profile.position is None
    params = {
        "routine_done": {"minutes": minutes_phrase(out_spent(path)), "all_stretches": "all five stretches"},
        "routine_end_none_done": {},
        "routine_end_partial": {"done": "three", "total": "five"},
    }[said]
    assert out.reply.parts[0] == CONTENT.say(said, **params)
    assert bool(out.profile.completed) is counted


def out_spent(path) -> float:
    out = step(ctx(profile=HEARD), Kind.START)
    for kind in path[:-1]:
        out = step(out, kind)
    return out.state.spent_s


def test_a_launch_after_a_finished_routine_today_asks_again() -> None:
    out = at_stretch(4)
    done = step(out, Kind.NEXT)
    assert len(done.profile.completed) == 1
    launched = coach.launch(
        ctx(coach.new_session_state(done.profile, NOW, CONTENT), done.profile, NOW + timedelta(hours=1))
    )
    assert launched.state.mode is Mode.AGAIN


def test_today_is_her_day_not_utcs() -> None:
    done = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)  # 23:00 on the 25th in Tokyo
    now = datetime(2026, 11, 25, 16, 0, tzinfo=UTC)  # 01:00 on the 26th in Tokyo
    in_tokyo = Profile(completed=(done,), time_zone="Asia/Tokyo")
    assert not prof.completed_today(in_tokyo, now)
    assert prof.completed_today(replace(in_tokyo, time_zone=None), now)  # UTC when unknown: same day
    assert prof.completions_in_last_week(in_tokyo, now) == 1


# --- safety -----------------------------------------------------------------------------------


@pytest.mark.parametrize("tier", ["dizzy", "warning", None])
def test_a_serious_symptom_clears_the_place_ends_and_checks_in_next_time(tier) -> None:
    out = step(at_stretch(3), Kind.SYMPTOM, tier)
    assert out.reply.end_session and out.profile.position is None and out.state.current is None
    assert out.profile.check_in
    assert "can't call anyone" in text(out)
    launched = coach.launch(ctx(coach.new_session_state(out.profile, NOW, CONTENT), out.profile))
    assert launched.state.mode is Mode.READY and not launched.profile.check_in
    assert not any(isinstance(p, Timeline) for p in launched.reply.parts)


def test_pain_mid_routine_offers_to_skip_and_no_ends_with_the_next_stretch_saved() -> None:
    out = step(at_stretch(1), Kind.SYMPTOM, "pain")
    assert out.state.mode is Mode.PAIN and not out.reply.end_session
    stopped = step(out, Kind.NO)
    assert stopped.reply.end_session and stopped.profile.check_in
    assert stopped.profile.position.current == "shoulder_squeezes"


def test_discomfort_offers_a_gentler_version_of_the_same_stretch() -> None:
    out = step(at_stretch(0), Kind.SYMPTOM, "discomfort")
    assert out.state.mode is Mode.GENTLER
    gentler = step(out, Kind.YES)
    assert gentler.state.current == "cat_cow" and gentler.state.settings.dose == "short"
    assert gentler.profile.settings.dose == "short"


# --- settings ---------------------------------------------------------------------------------


def test_adjust_at_the_ends_of_the_scale() -> None:
    slowest = rt.fresh(IDS, Settings(pace="slower"))
    out = step(ctx(slowest, HEARD), Kind.ADJUST, "slower")
    assert out.state.settings.pace == "slower"
    assert CONTENT.say("setting_at_slowest") in out.reply.parts
    out = step(ctx(slowest, HEARD), Kind.ADJUST, "faster")
    assert out.state.settings.pace == "normal" and out.profile.settings.pace == "normal"


def test_adjust_mid_stretch_replays_it_at_the_new_setting() -> None:
    before = at_stretch(2)
    out = step(before, Kind.ADJUST, "longer")
    assert out.state.current == "shoulder_squeezes" and out.state.settings.dose == "full"
    plan = next(p for p in out.reply.parts if isinstance(p, Timeline))
    old = next(p for p in before.reply.parts if isinstance(p, Timeline))
    assert plan.exercise_id == old.exercise_id and plan.planned_s > old.planned_s


def test_minutes_phrase() -> None:
    assert minutes_phrase(20) == "about one minute"
    assert minutes_phrase(9 * 60 + 14) == "about 9 minutes"
    assert minutes_phrase(9 * 60 + 31) == "about 10 minutes"


def test_spoken_list() -> None:
    assert spoken_list(["a"]) == "a"
    assert spoken_list(["a", "b", "c"], "or") == "a, b, or c"


# --- routine state in session attributes ------------------------------------------------------


def test_state_round_trips_through_session_attributes() -> None:
    state = rt.RoutineState(
        order=IDS,
        mode=Mode.WAITING,
        back=Mode.ROUTINE,
        current="wall_angels",
        settings=Settings("faster", "short"),
        done=IDS[:2],
        spent_s=201.5,
        topic="frequency",
        tipped=True,
    )
    assert attributes.from_attributes(attributes.to_attributes(state), CONTENT) == state
    assert attributes.to_attributes(state)["coach"]["v"] == 4


def test_v1_attributes_are_upgraded() -> None:
    old = {
        "coach": {
            "v": 1,
            "mode": "resume_offer",
            "order": list(IDS),
            "index": 2,
            "pace": "slower",
            "dose": "full",
            "done": list(IDS[:2]),
            "spent_s": 100.0,
            "asking": "delete",
            "replay": ["answer", "FrequencyIntent"],
        }
    }
    state = attributes.from_attributes(old, CONTENT)
    assert state.mode is Mode.DELETE and state.back is Mode.RESUME and state.current == "shoulder_squeezes"
    assert (
        state.settings == Settings("slower", "full") and state.done == IDS[:2] and state.topic == "frequency"
    )


def v2(mode: str, **extra: object) -> dict:
    """A v2 session state with nothing current, as an older skill wrote it."""
    return {
        "v": 2,
        "mode": mode,
        "order": list(IDS),
        "current": None,
        "done": [],
        "spent_s": 0,
        "pace": "normal",
        "dose": "standard",
        **extra,
    }


@pytest.mark.parametrize(
    "bad, salvaged",
    [
        ({"coach": []}, None),
        ({"coach": {"v": 3, "current": "shoulder_squeezes"}}, "shoulder_squeezes"),
        ({"coach": {"v": 1, "mode": "routine", "order": list(IDS), "index": 1}}, "childs_pose"),
        ({"coach": v2("routine")}, None),
        ({"coach": v2("described", about=None)}, None),
    ],
)
def test_bad_state_is_reported_with_what_can_be_salvaged(bad: dict, salvaged) -> None:
    with pytest.raises(attributes.StateError) as caught:
        attributes.from_attributes(bad, CONTENT)
    assert caught.value.salvaged == salvaged


def test_no_state_is_none() -> None:
    assert (
        attributes.from_attributes({}, CONTENT) is None and attributes.from_attributes(None, CONTENT) is None
    )


def test_recover_restarts_the_salvaged_stretch_or_asks() -> None:
    out = coach.recover(ctx(profile=HEARD), "wall_angels")
    assert out.state.mode is Mode.ROUTINE and out.state.current == "wall_angels"
    assert out.reply.parts[0] == CONTENT.say("lost_place")
    asked = coach.recover(ctx(profile=HEARD), None)
    assert asked.state.mode is Mode.IDLE and not asked.reply.end_session


# --- stored profile ---------------------------------------------------------------------------


def test_profile_round_trips_and_keeps_only_progress() -> None:
    profile = Profile(
        position=prof.Position(IDS, "childs_pose", IDS[:1], 60.0, NOW),
        settings=Settings("slower", "full"),
        completed=(NOW - timedelta(days=1),),
        disclaimer_heard=True,
        check_in=True,
        time_zone="Europe/London",
        last_seen=NOW,
    )
    doc = prof.to_document(profile)
    assert set(doc) == PROFILE_FIELDS
    assert doc["v"] == 4 and doc["position"]["current"] == "childs_pose"
    back, problems = prof.from_document(doc, CONTENT)
    assert back == profile and problems == []


def test_a_v1_profile_position_is_read_by_index() -> None:
    doc = {
        "v": 1,
        "position": {
            "order": list(IDS),
            "index": 3,
            "done": list(IDS[:3]),
            "spent_s": 300.0,
            "saved_at": "2026-11-25T08:00:00Z",
        },
        "disclaimer_heard": True,
    }
    profile, problems = prof.from_document(doc, CONTENT)
    assert profile.position.current == "wall_angels" and problems == []


def test_a_partly_broken_profile_keeps_what_is_valid() -> None:
    doc = {
        "v": 2,
        "position": {"order": ["x"], "current": "x"},
        "settings": {"pace": "slower", "dose": "full"},
        "completed": ["2026-11-20T09:00:00Z", "not a date"],
        "disclaimer_heard": True,
        "time_zone": "Mars/Olympus",
    }
    profile, problems = prof.from_document(doc, CONTENT)
    assert profile.position is None and profile.settings == Settings("slower", "full")
    assert len(profile.completed) == 1 and profile.disclaimer_heard and profile.time_zone is None
    assert len(problems) == 3


def test_history_keeps_ninety_days() -> None:
    old = Profile(completed=(NOW - timedelta(days=91), NOW - timedelta(days=89)))
    kept = prof.record_completion(old, NOW).completed
    assert kept == (NOW - timedelta(days=89), NOW)


STANDARD = ("cat_cow", "childs_pose", "shoulder_squeezes", "wall_angels", "chest_opener")


@pytest.mark.parametrize(
    "current, wanted, after_current, order",
    [
        # On child's pose, wall angels asked for: it comes next, squeezes still follow.
        (
            "childs_pose",
            "wall_angels",
            True,
            ("cat_cow", "childs_pose", "wall_angels", "shoulder_squeezes", "chest_opener"),
        ),
        # At the resume offer on squeezes: the chest opener first, then her place.
        (
            "shoulder_squeezes",
            "chest_opener",
            False,
            ("cat_cow", "childs_pose", "chest_opener", "shoulder_squeezes", "wall_angels"),
        ),
        # Back to one already done: it comes again next, nothing else is repeated.
        (
            "wall_angels",
            "cat_cow",
            True,
            ("childs_pose", "shoulder_squeezes", "wall_angels", "cat_cow", "chest_opener"),
        ),
        # Nothing current: first.
        (
            None,
            "chest_opener",
            True,
            ("chest_opener", "cat_cow", "childs_pose", "shoulder_squeezes", "wall_angels"),
        ),
    ],
)
def test_bring_forward_keeps_every_other_stretch_in_its_order(current, wanted, after_current, order) -> None:
    state = rt.RoutineState(order=STANDARD, current=current)
    moved = rt.bring_forward(state, wanted, after_current=after_current)
    assert moved.order == order
    assert sorted(moved.order) == sorted(STANDARD)
    assert moved.current == current  # the place itself is the caller's to set
