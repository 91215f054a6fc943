"""Every mode x every event, in one table: the next state and what she hears.

The grid below is the specification, written independently of skill/core/coach/table.py.
Cells: `R:x` = stretch x guided as part of the routine (its timeline is heard, then the
routine's question); `S:x` = stretch x guided on its own; `END` = the session ends; a mode
name = no stretch is heard, and the reply ends with that mode's question (reprompt too).
`R:x/v` = stretch x guided in routine version v (seated: its own order and numbers).
Stretch short names: cat, squeeze, wall, child, chest. Every setup state stands on wall
angels (stretch 3) with the first two done, where a stretch applies, in the order the
standard routine had before issue 13 (a session state saved then keeps its order; the
content's order now puts the two floor stretches together). The `version` row offers the
seated version on top of the routine; the `floor` column is "the floor is hard".
Issue 12: the reminder rows ask on top of the routine (the suggested Monday, Wednesday and
Friday at 7 pm; which days; what time on Monday and Thursday); `CREATE` = no words yet, the
coach asks the Alexa layer to create the reminder (Effect.CREATE_REMINDER) and speaks once
Alexa has answered (tests/test_reminders*.py). After "how often" in idle, the offer comes.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from skill.commands.docs import DOC
from skill.core import coach
from skill.core.coach.doc import render
from skill.core.coach.questions import question
from skill.core.content import default
from skill.core.events import Event, Kind
from skill.core.profile import Profile
from skill.core.reminders import SUGGESTED, Draft
from skill.core.routine import Mode, RoutineState, fresh
from skill.core.ssml import render as render_ssml
from skill.core.ssml import speak
from skill.core.timeline import Timeline
from tests.ssml_checks import assert_alexa_ssml

CONTENT = default()
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
SHORT = {
    "cat": "cat_cow",
    "squeeze": "shoulder_squeezes",
    "wall": "wall_angels",
    "child": "childs_pose",
    "chest": "chest_opener",
}
EVENTS = {
    "start": Event(Kind.START),
    "next": Event(Kind.NEXT),
    "skip": Event(Kind.SKIP),
    "previous": Event(Kind.PREVIOUS),
    "repeat": Event(Kind.REPEAT),
    "start_over": Event(Kind.START_OVER),
    "continue": Event(Kind.CONTINUE),
    "yes": Event(Kind.YES),
    "no": Event(Kind.NO),
    "wait": Event(Kind.WAIT),
    "stop": Event(Kind.STOP),
    "exercise": Event(Kind.EXERCISE, "chest_opener"),
    "describe": Event(Kind.DESCRIBE, "cat_cow"),
    "ask": Event(Kind.ASK, "frequency"),
    "adjust": Event(Kind.ADJUST, "slower"),
    "symptom": Event(Kind.SYMPTOM, "warning"),
    "delete_data": Event(Kind.DELETE_DATA),
    "fallback": Event(Kind.FALLBACK),
    "floor": Event(Kind.FLOOR),
    # issue 12: her own days and time; "change my reminder" and "cancel my reminders" with
    # no reminder yet; a "no" to Alexa's permission question for a reminder to set
    "remind": Event(Kind.REMIND, days=("MO", "TH"), at="19:00"),
    "change_reminder": Event(Kind.CHANGE_REMINDER),
    "cancel_reminders": Event(Kind.CANCEL_REMINDERS),
    "permission": Event(Kind.PERMISSION, "denied", days=("MO", "TH"), at="19:00"),
}
ORDER = ("cat_cow", "shoulder_squeezes", "wall_angels", "childs_pose", "chest_opener")

GRID = """
mode          start next    skip    previous  repeat        start_over continue      yes           no      wait    stop exercise describe  ask      adjust symptom delete_data fallback      floor   remind   change_reminder cancel_reminders permission
idle          R:cat R:cat   idle    idle      idle          R:cat      R:cat         R:cat         END     waiting END  S:chest  described reminder idle   END     delete      idle          version reminder reminder        idle             idle
ready         R:cat R:cat   ready   ready     ready         R:cat      R:cat         R:cat         END     waiting END  S:chest  described ready    ready  END     delete      ready         version reminder reminder        ready            ready
resume        R:cat R:wall  R:child R:squeeze resume        R:cat      R:wall        R:wall        fresh   waiting END  R:chest  described resume   resume END     delete      resume        version reminder reminder        resume           resume
fresh         R:cat R:cat   fresh   fresh     fresh         R:cat      R:cat         R:cat         END     waiting END  S:chest  described fresh    fresh  END     delete      fresh         version reminder reminder        fresh            fresh
again         R:cat R:cat   again   again     again         R:cat      R:cat         R:cat         END     waiting END  S:chest  described again    again  END     delete      again         version reminder reminder        again            again
routine       R:cat R:child R:child R:squeeze R:wall        R:cat      R:child       R:child       routine waiting END  R:chest  described routine  R:wall END     delete      routine       version reminder reminder        routine          routine
single        R:cat R:child R:child S:squeeze S:wall        R:cat      R:child       R:child       END     waiting END  S:chest  described single   S:wall END     delete      single        version reminder reminder        single           single
described     R:cat R:child R:child R:squeeze described     R:cat      R:child       R:child       routine waiting END  R:chest  described routine  R:wall END     delete      described     version reminder reminder        routine          routine
waiting       R:cat R:child R:child R:squeeze R:wall        R:cat      R:wall        R:wall        waiting waiting END  R:chest  described routine  R:wall END     delete      waiting       version reminder reminder        routine          routine
check         R:cat R:child R:child R:squeeze check         R:cat      R:child       pain          gentler waiting END  R:chest  described routine  R:wall END     delete      check         version reminder reminder        routine          routine
gentler       R:cat R:child R:child R:squeeze gentler       R:cat      R:wall        R:wall        routine waiting END  R:chest  described routine  R:wall END     delete      gentler       version reminder reminder        routine          routine
pain          R:cat R:child R:child R:squeeze pain          R:cat      R:child       R:child       END     waiting END  R:chest  described routine  R:wall END     delete      pain          version reminder reminder        routine          routine
delete        R:cat R:child R:child R:squeeze delete        R:cat      R:child       END           routine waiting END  R:chest  described routine  R:wall END     delete      delete        version reminder reminder        routine          routine
version       R:cat R:child R:child R:squeeze version       R:cat      R:wall/seated R:wall/seated routine waiting END  R:chest  described routine  R:wall END     delete      version       version reminder reminder        routine          routine
reminder      R:cat R:child R:child R:squeeze reminder      R:cat      CREATE        CREATE        routine waiting END  R:chest  described routine  R:wall END     delete      reminder      version reminder reminder        routine          routine
reminder_days R:cat R:child R:child R:squeeze reminder_days R:cat      R:child       reminder_time routine waiting END  R:chest  described routine  R:wall END     delete      reminder_days version reminder reminder        routine          routine
reminder_time R:cat R:child R:child R:squeeze reminder_time R:cat      R:child       reminder      routine waiting END  R:chest  described routine  R:wall END     delete      reminder_time version reminder reminder        routine          routine
"""


def _grid() -> list[tuple[str, str, str]]:
    rows = [line.split() for line in GRID.strip().splitlines()]
    header, body = rows[0][1:], rows[1:]
    assert sorted(header) == sorted(k.value for k in Kind), "the grid must have a column per event kind"
    assert sorted(r[0] for r in body) == sorted(m.value for m in Mode), "the grid must have a row per mode"
    return [(row[0], event, cell) for row in body for event, cell in zip(header, row[1:], strict=True)]


def setup_state(mode: Mode) -> RoutineState:
    """A state in `mode`, on wall angels with two stretches done where a stretch applies."""
    base = replace(fresh(ORDER), done=("cat_cow", "shoulder_squeezes"), spent_s=200.0, tipped=True)
    on_wall = replace(base, current="wall_angels")
    if mode in (Mode.IDLE, Mode.READY, Mode.AGAIN, Mode.FRESH):
        return replace(base, mode=mode)
    if mode in (Mode.RESUME, Mode.ROUTINE, Mode.SINGLE):
        return replace(on_wall, mode=mode)
    extra: dict[str, str] = {"about": "childs_pose"} if mode is Mode.DESCRIBED else {}
    if mode is Mode.VERSION:
        extra = {"offer": "seated"}
    drafts = {
        Mode.REMINDER: SUGGESTED,
        Mode.REMINDER_DAYS: Draft(),
        Mode.REMINDER_TIME: Draft(("MO", "TH")),
    }
    if mode in drafts:
        return replace(on_wall, mode=mode, back=Mode.ROUTINE, draft=drafts[mode])
    return replace(on_wall, mode=mode, back=Mode.ROUTINE, **extra)


def _ctx(state: RoutineState) -> coach.Context:
    profile = Profile(disclaimer_heard=True)
    return coach.Context(state=state, profile=profile, now=NOW, content=CONTENT)


@pytest.mark.parametrize(("mode", "event", "expected"), _grid(), ids=lambda v: str(v))
def test_every_mode_and_event(mode: str, event: str, expected: str) -> None:
    state = setup_state(Mode(mode))
    out = coach.step(_ctx(state), EVENTS[event])
    reply = out.reply
    spoken = [p for p in reply.parts if isinstance(p, str)]
    timelines = [p for p in reply.parts if isinstance(p, Timeline)]
    if expected == "CREATE":
        assert coach.Effect.CREATE_REMINDER in out.effects and not reply.parts and not reply.end_session
        assert out.state.mode is Mode.REMINDER and out.state.draft == state.draft
        return
    full = speak(render_ssml(reply.parts))
    assert_alexa_ssml(full)
    if expected == "END":
        assert reply.end_session and reply.reprompt is None
        assert not timelines
        return
    assert not reply.end_session
    # What she hears ends with the question of the mode she is now in, and the reprompt asks it again.
    line, reprompt = question(_ctx(out.state), out.state)
    assert spoken[-1] == line
    assert reply.reprompt == reprompt
    assert_alexa_ssml(speak(render_ssml([reprompt])), reprompt=True)
    if expected[:2] in ("R:", "S:"):
        short, _, version = expected[2:].partition("/")
        exercise_id = SHORT[short]
        order = CONTENT.routine(version).stretches if version else state.order
        assert out.state.version == (version or "standard")
        assert out.state.mode is (Mode.ROUTINE if expected[0] == "R" else Mode.SINGLE)
        assert out.state.current == exercise_id
        assert [t.exercise_id for t in timelines] == [exercise_id]
        if event == "exercise" and expected[0] == "R" and state.current not in (None, exercise_id):
            # By name mid-routine: it comes now, and the rest keep their order after it
            # (the one she was on first, if it was not started; skill/core/routine.py).
            rest = [i for i in order if i != exercise_id]
            at = rest.index(state.current) + (state.base is not Mode.RESUME)
            order = (*rest[:at], exercise_id, *rest[at:])
            after = f"After that, {CONTENT.exercise(order[at + 1]).in_sentence}."
            assert any(part.endswith(after) for part in spoken)
            assert out.state.order == order
        exercise = CONTENT.exercise(exercise_id)
        intro = (
            f"Stretch {order.index(exercise_id) + 1} of 5: {exercise.name}."  # a label: the bare name
            if expected[0] == "R"
            else f"Let's do {exercise.in_sentence}."
        )
        assert intro in spoken
    else:
        assert out.state.mode is Mode(expected)
        assert not timelines, "no stretch is guided"


def test_the_table_defines_every_pair() -> None:
    for mode in Mode:
        for kind in Kind:
            assert callable(coach.action_for(mode, kind))


def test_docs_conversation_md_is_current() -> None:
    assert DOC.read_text() == render(), "docs/conversation.md is stale: run python -m skill docs"
