"""The pacing rules, for every exercise at every pace and dose."""

from __future__ import annotations

import itertools

import pytest

from skill.core import ssml, voice
from skill.core.content import default
from skill.core.pacing import (
    DOSES,
    FLOOR_S,
    PACES,
    PHASE_KINDS,
    PHASE_SECONDS,
    Settings,
    dose_amount,
    plan,
    plan_routine,
    routine_seconds,
    speaking_seconds,
)
from skill.core.timeline import Silence, Speech
from tests.ssml_checks import assert_alexa_ssml

CONTENT = default()
ALL = [
    pytest.param(ex, Settings(pace, dose), id=f"{ex.id}-{pace}-{dose}")
    for ex in CONTENT.exercises
    for pace, dose in itertools.product(PACES, DOSES)
]
KINDS = set(PHASE_KINDS)


def _holds(timeline):
    return [p for p in timeline.phases if p.kind == "hold" and p.target_s >= 30]


# --- settings and doses ---------------------------------------------------------------------


def test_settings_reject_unknown_values():
    assert Settings() == Settings("normal", "standard")
    with pytest.raises(ValueError, match="pace"):
        Settings(pace="brisk")
    with pytest.raises(ValueError, match="dose"):
        Settings(dose="huge")


@pytest.mark.parametrize("ex", CONTENT.exercises, ids=lambda e: e.id)
def test_doses_stay_in_the_source_range(ex):
    short, standard, full = (dose_amount(ex, d) for d in DOSES)
    assert short == ex.dose.min and full == ex.dose.max
    assert short <= standard <= full


def test_standard_dose_is_the_midpoint():
    assert dose_amount(CONTENT.exercise("cat_cow"), "standard") == 8  # 7.5 rounds up
    assert dose_amount(CONTENT.exercise("wall_angels"), "standard") == 13
    assert dose_amount(CONTENT.exercise("childs_pose"), "standard") == 45
    with pytest.raises(ValueError):
        dose_amount(CONTENT.exercise("cat_cow"), "double")


def test_breathing_pace_is_slow_paced_breathing():
    normal = PHASE_SECONDS["normal"]
    assert (normal["inhale"], normal["exhale"]) == (4, 6)  # ~6 breaths a minute
    for kind in PHASE_SECONDS["normal"]:
        assert PHASE_SECONDS["slower"][kind] >= PHASE_SECONDS["normal"][kind] >= PHASE_SECONDS["faster"][kind]
    for timing in PHASE_SECONDS.values():
        assert timing["exhale"] > timing["inhale"]


# --- speaking estimate --------------------------------------------------------------------


def test_speaking_seconds_uses_the_documented_rate():
    assert speaking_seconds("") == 0
    per_letter = 1 / (voice.WORDS_PER_SECOND * voice.LETTERS_PER_WORD)
    # 18 letters, one utterance
    assert speaking_seconds("breathe in slowly now") == pytest.approx(18 * per_letter + voice.CUE_OVERHEAD_S)
    assert speaking_seconds("cat-cow") == pytest.approx(6 * per_letter + voice.CUE_OVERHEAD_S)
    # a full stop or a comma inside a cue is a pause the voice makes
    assert speaking_seconds("In. Out.") == pytest.approx(
        5 * per_letter + voice.CUE_OVERHEAD_S + voice.SENTENCE_PAUSE_S
    )
    assert speaking_seconds("In, out") == pytest.approx(
        5 * per_letter + voice.CUE_OVERHEAD_S + voice.CLAUSE_PAUSE_S
    )
    # an inner pause adds a little; the final full stop adds nothing
    assert speaking_seconds("In. Out.") > speaking_seconds("In out") == speaking_seconds("In out.")


def test_speaking_seconds_is_monotone():
    words = "keep breathing slow and easy, and let your shoulders soften".split()
    times = [speaking_seconds(" ".join(words[:n])) for n in range(len(words) + 1)]
    assert times == sorted(times) and len(set(times)) == len(times)


# --- timelines ------------------------------------------------------------------------------


@pytest.mark.parametrize("ex, settings", ALL)
def test_phases_meet_their_targets(ex, settings):
    timeline = plan(ex, settings)
    assert timeline.exercise_id == ex.id
    assert timeline.phases[0].kind == "setup" and timeline.phases[-1].kind == "closing"
    assert {p.kind for p in timeline.phases} <= KINDS
    for phase in timeline.phases:
        assert phase.planned_s == pytest.approx(phase.target_s, rel=0.05), phase
    for seg in timeline.segments:
        assert seg.seconds >= 0
        if isinstance(seg, Silence):
            assert seg.seconds >= FLOOR_S - 1e-9


@pytest.mark.parametrize("ex, settings", ALL)
def test_the_dose_is_what_is_guided(ex, settings):
    timeline = plan(ex, settings)
    amount = dose_amount(ex, settings.dose)
    first = ex.phases[0].kind
    if ex.dose.unit == "seconds":
        (hold,) = _holds(timeline)
        assert hold.planned_s == pytest.approx(amount, rel=0.05)
    else:
        assert sum(p.kind == first for p in timeline.phases) == amount
        step = PHASE_SECONDS[settings.pace][first]
        assert all(p.target_s == step for p in timeline.phases if p.kind == first)


@pytest.mark.parametrize("ex, settings", [p for p in ALL if p.values[0].dose.unit == "seconds"])
def test_holds_are_cued_often_enough(ex, settings):
    (hold,) = _holds(plan(ex, settings))
    segs = hold.segments
    assert isinstance(segs[0], Speech) and isinstance(segs[-1], Speech)
    assert all(s.seconds <= voice.MAX_BREAK_S for s in segs if isinstance(s, Silence))
    # never more than 12 s from one cue starting to the next
    starts, at = [], 0.0
    for seg in segs:
        if isinstance(seg, Speech):
            starts.append(at)
        at += seg.seconds
    assert max(b - a for a, b in itertools.pairwise(starts)) <= 12
    spoken = [s.text for s in segs if isinstance(s, Speech)]
    assert ex.cues.halfway[0] in spoken
    assert spoken[-2:] == [ex.cues.last_few[0], ex.cues.release[0]]
    # "halfway" is said near the middle
    halfway_at = starts[spoken.index(ex.cues.halfway[0])]
    assert abs(halfway_at - hold.target_s / 2) <= 0.25 * hold.target_s


@pytest.mark.parametrize("ex", [e for e in CONTENT.exercises if e.dose.unit == "reps"], ids=lambda e: e.id)
def test_reps_are_counted_in_words(ex):
    timeline = plan(ex, Settings(dose="short"))
    texts = [s.text for s in timeline.segments if isinstance(s, Speech)]
    # a count opens the first cue of its rep, said as one utterance with it ("One. Squeeze.")
    for word in ("One.", "Two.", "Nine."):
        assert any(text.startswith(word + " ") for text in texts)
    assert any(text.startswith("Last one. ") for text in texts)
    assert not any(text.startswith("Ten.") for text in texts)
    assert not any(ch.isdigit() for text in texts for ch in text)


def test_breaths_are_counted_halfway_and_last():
    timeline = plan(CONTENT.exercise("cat_cow"), Settings(dose="full"))
    transitions = [p for p in timeline.phases if p.kind == "transition"]
    said = [s.text for p in transitions for s in p.segments if isinstance(s, Speech)]
    assert said == ["That's five. Five more.", "Last one."]
    kinds = [p.kind for p in timeline.phases]
    # the halfway count comes after five full breaths
    assert kinds[1 : kinds.index("transition")].count("exhale") == 5


def test_same_settings_sound_the_same():
    ex = CONTENT.exercise("shoulder_squeezes")
    assert plan(ex, Settings("faster", "full")) == plan(ex, Settings("faster", "full"))


def test_pace_changes_the_movement_not_the_words():
    ex = CONTENT.exercise("cat_cow")
    slow, fast = plan(ex, Settings("slower")), plan(ex, Settings("faster"))
    assert slow.planned_s > plan(ex, Settings()).planned_s > fast.planned_s
    words = lambda t: [s.text for s in t.segments if isinstance(s, Speech)]  # noqa: E731
    assert words(slow) == words(fast)


def _least_seconds(ex, settings):
    """What the exercise cannot be shorter than, from the content and PHASE_SECONDS alone:
    the setup lines, settling in, every breath, rep or hold at its full length, the closing."""
    n = dose_amount(ex, settings.dose)
    said = sum(speaking_seconds(line) for line in (*ex.setup, ex.closing))
    if ex.dose.unit == "seconds":
        return said + ex.settle_s + n
    return said + ex.settle_s + n * sum(PHASE_SECONDS[settings.pace][p.kind] for p in ex.phases)


@pytest.mark.parametrize("pace, dose", list(itertools.product(PACES, DOSES)))
def test_the_routine_holds_every_exercise_in_full(pace, dose):
    settings = Settings(pace, dose)
    standard = [CONTENT.exercise(i) for i in CONTENT.routine("standard").stretches]
    least = sum(_least_seconds(ex, settings) for ex in standard)
    moves = sum(
        p.planned_s for _, t in plan_routine("standard", settings) for p in t.phases if p.kind == "move"
    )
    # every exercise exactly once at this pace and dose: leaving one out or doing one twice
    # moves the total by more than the counts between breaths and reps add (under 30 s);
    # the moves between positions are counted apart
    assert least * 0.99 <= routine_seconds(settings) - moves <= least + 30


def test_routine_length():
    assert 5 * 60 <= routine_seconds(Settings("normal", "standard")) <= 10 * 60
    totals = {(p, d): routine_seconds(Settings(p, d)) for p in PACES for d in DOSES}
    assert totals["slower", "full"] == max(totals.values())
    assert totals["faster", "short"] == min(totals.values())


@pytest.mark.parametrize("ex, settings", ALL)
def test_every_timeline_renders_to_valid_ssml(ex, settings):
    timeline = plan(ex, settings)
    full = ssml.speak(ssml.render([timeline]))
    ssml.validate(full)
    assert_alexa_ssml(full)
    assert ssml.total_break_seconds(full) == pytest.approx(
        sum(s.seconds for s in timeline.segments if isinstance(s, Silence)), abs=0.05
    )
