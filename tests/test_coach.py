"""The pure parts of the conversation: coach decisions, routine state, stored profile."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from skill.core import coach
from skill.core import profile as prof
from skill.core import routine as rt
from skill.core.content import CONTENT
from skill.core.pacing import DOSES, PACES, Settings
from skill.core.profile import Profile
from skill.core.ssml import render, speak
from tests.ssml_checks import assert_alexa_ssml

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)
IDS = CONTENT.ids


def ctx(state: rt.RoutineState | None = None, profile: Profile | None = None) -> coach.Context:
    return coach.Context(state or rt.fresh(IDS), profile or Profile(), NOW)


@pytest.mark.parametrize("pace", PACES)
@pytest.mark.parametrize("dose", DOSES)
def test_the_longest_responses_fit_alexas_limits_at_every_setting(pace: str, dose: str) -> None:
    settings = Settings(pace=pace, dose=dose)
    # First use ever: welcome + disclaimer + the first stretch in one response.
    out = coach.launch(ctx(rt.fresh(IDS, settings)))
    assert_alexa_ssml(speak(render(out.reply.parts)))
    state = out.state
    for index in range(1, len(IDS)):
        out = coach.next_stretch(replace(ctx(state, out.profile)))
        assert out.state.index == index
        full = speak(render(out.reply.parts))
        assert_alexa_ssml(full)
        assert len(full) < 8000
        state = out.state
    # A single stretch by name, for a new user (with the disclaimer), at this setting.
    for exercise_id in IDS:
        single = coach.exercise(ctx(rt.fresh(IDS, settings)), exercise_id)
        assert_alexa_ssml(speak(render(single.reply.parts)))


def test_launch_gives_time_to_get_into_position_before_the_first_breath() -> None:
    out = coach.launch(ctx())
    timeline = next(p for p in out.reply.parts if not isinstance(p, str))
    setup = timeline.phases[0]
    assert setup.kind == "setup"
    assert setup.segments[-1].seconds >= 3  # silence after the setup lines


def test_the_disclaimer_is_heard_once() -> None:
    first = coach.launch(ctx())
    assert first.profile.disclaimer_heard
    again = coach.start_routine(ctx(profile=first.profile))
    assert not any("general information" in p for p in again.reply.parts if isinstance(p, str))


def test_resume_is_offered_within_a_day_and_not_after() -> None:
    state = rt.go_to(rt.start(rt.fresh(IDS)), 2)
    paused = coach.pause(ctx(state))
    assert paused.profile.position.index == 2 and paused.reply.end_session
    fresh_session = coach.new_session_state(paused.profile, NOW + timedelta(hours=23))
    assert fresh_session.mode == "resume_offer" and fresh_session.index == 2
    later = coach.new_session_state(paused.profile, NOW + timedelta(hours=25))
    assert later.mode == "idle"


def test_symptom_clears_the_place_and_ends() -> None:
    state = rt.go_to(rt.start(rt.fresh(IDS)), 3)
    profile = prof.save_position(Profile(), prof.Position(IDS, 3, (), 0.0, NOW))
    out = coach.symptom(ctx(state, profile))
    assert out.reply.end_session and out.profile.position is None and out.state.index is None


def test_adjust_at_the_ends_of_the_scale() -> None:
    slowest = rt.fresh(IDS, Settings(pace="slower"))
    out = coach.adjust(ctx(slowest), "SlowerIntent")
    assert out.state.settings.pace == "slower"
    assert any("already" in p for p in out.reply.parts)
    out = coach.adjust(ctx(slowest), "FasterIntent")
    assert out.state.settings.pace == "normal" and out.profile.settings.pace == "normal"


def test_minutes_phrase() -> None:
    assert coach.minutes_phrase(20) == "about one minute"
    assert coach.minutes_phrase(9 * 60 + 14) == "about 9 minutes"
    assert coach.minutes_phrase(9 * 60 + 31) == "about 10 minutes"


def test_spoken_list() -> None:
    assert coach.spoken_list(["a"]) == "a"
    assert coach.spoken_list(["a", "b", "c"], "or") == "a, b, or c"


# --- routine state round trip ----------------------------------------------------------

def test_state_round_trips_through_session_attributes() -> None:
    state = rt.RoutineState(order=IDS, mode="routine", index=3, settings=Settings("faster", "short"),
                            done=IDS[:2], spent_s=201.5, replay=("stretch", IDS[3]), asking="delete")
    back, problem = rt.from_attributes(rt.to_attributes(state), IDS)
    assert problem is None and back == state


@pytest.mark.parametrize("bad", [
    {"coach": []}, {"coach": {"v": 2}}, {"coach": {"v": 1}},
])
def test_bad_state_is_replaced_and_reported(bad: dict) -> None:
    state, problem = rt.from_attributes(bad, IDS)
    assert state == rt.fresh(IDS) and problem


# --- stored profile ----------------------------------------------------------------------

def test_profile_round_trips_and_keeps_only_progress() -> None:
    profile = Profile(position=prof.Position(IDS, 1, IDS[:1], 60.0, NOW), settings=Settings("slower", "full"),
                      completed=(NOW - timedelta(days=1),), disclaimer_heard=True, last_seen=NOW)
    doc = prof.to_document(profile)
    assert set(doc) == {"v", "position", "settings", "completed", "disclaimer_heard", "last_seen"}
    back, problems = prof.from_document(doc, IDS)
    assert back == profile and problems == []


def test_a_partly_broken_profile_keeps_what_is_valid() -> None:
    doc = {"v": 1, "position": {"order": ["x"], "index": 0}, "settings": {"pace": "slower", "dose": "full"},
           "completed": ["2026-11-20T09:00:00Z", "not a date"], "disclaimer_heard": True}
    profile, problems = prof.from_document(doc, IDS)
    assert profile.position is None and profile.settings == Settings("slower", "full")
    assert len(profile.completed) == 1 and profile.disclaimer_heard
    assert len(problems) == 2


def test_history_keeps_ninety_days() -> None:
    old = Profile(completed=(NOW - timedelta(days=91), NOW - timedelta(days=89)))
    kept = prof.record_completion(old, NOW).completed
    assert kept == (NOW - timedelta(days=89), NOW)
