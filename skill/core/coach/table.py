"""The conversation in one table: for each Mode, what each kind of event does.

step(ctx, event) looks up TABLE[mode][kind], falling back to ANY_MODE[kind]. Each action is
a plain function (Context, Event) -> Outcome. docs/conversation.md is printed from this
table by `python -m skill conversation-doc` (a test keeps it current).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

from skill.core import routine as rt
from skill.core.coach import reminders, safety, stretches, talk, versions
from skill.core.coach.reply import Context, Outcome
from skill.core.events import Event, Kind
from skill.core.routine import Mode

Action = Callable[[Context, Event], Outcome]


def start_routine(ctx: Context, event: Event) -> Outcome:
    """Start the routine from the first stretch: the version she named, else the one she is in.
    Naming another version in the middle of a routine ("I can't get down on the floor")
    carries on at that version's form of her stretch instead of losing her place."""
    if event.arg is not None and event.arg != ctx.state.version and rt.in_routine(rt.unwind(ctx.state)):
        return stretches.switch_version(ctx, event.arg)
    return stretches.start_routine(ctx, version=event.arg)


def resume_here(ctx: Context, event: Event) -> Outcome:
    """Pick up the routine at her saved stretch."""
    return stretches.guide(ctx, rt.at(rt.unwind(ctx.state), Mode.ROUTINE, ctx.state.current))


def next_stretch(ctx: Context, event: Event) -> Outcome:
    """Count this stretch as done and move on (or finish)."""
    return stretches.advance(ctx, rt.mark_done(rt.unwind(ctx.state)))


def skip(ctx: Context, event: Event) -> Outcome:
    """Move on without counting this stretch as done (or finish)."""
    return stretches.advance(ctx, rt.unwind(ctx.state))


def previous(ctx: Context, event: Event) -> Outcome:
    """The stretch before this one (this one again if it is the first)."""
    state = rt.unwind(ctx.state)
    if state.current is None:
        return talk.nothing_to_skip(ctx, event)
    mode = Mode.SINGLE if state.base is Mode.SINGLE else Mode.ROUTINE
    if state.previous_id is None:
        return stretches.guide(ctx, rt.at(state, mode, state.current), lead=(ctx.say("previous_at_start"),))
    return stretches.guide(ctx, rt.at(state, mode, state.previous_id))


def rest_of_routine(ctx: Context, event: Event) -> Outcome:
    """Carry on with the routine after a stretch done on its own."""
    return stretches.rest_of_routine(ctx)


def skip_single(ctx: Context, event: Event) -> Outcome:
    """Skip a stretch done on its own: the rest of the routine, that one not counted."""
    return stretches.rest_of_routine(ctx, counted=False)


def decline_resume(ctx: Context, event: Event) -> Outcome:
    """No to picking up: offer to start from the top."""
    return talk.ask(ctx, rt.at(ctx.state, Mode.FRESH, None), ctx.say("okay"))


def do_described(ctx: Context, event: Event) -> Outcome:
    """Yes to "want to do it now?": that stretch, within the routine if one is under way."""
    return talk.do_exercise(ctx, Event(Kind.EXERCISE, ctx.state.about))


def carry_on(ctx: Context, event: Event) -> Outcome:
    """The interrupted stretch again from its start; with none, what yes means underneath."""
    if rt.stretching(ctx.state):
        return stretches.carry_on(ctx)
    return pass_down(ctx, Event(Kind.YES))


def wait_more(ctx: Context, event: Event) -> Outcome:
    """Not ready yet: another quiet minute."""
    return stretches.wait(ctx)


def skip_interrupted(ctx: Context, event: Event) -> Outcome:
    """Next or skip while a stretch is interrupted: move on, not counted as done."""
    if rt.stretching(ctx.state):
        return skip(ctx, event)
    return pass_down(ctx, event)


def pass_down(ctx: Context, event: Event) -> Outcome:
    """Drop the question on top and do what this event does underneath."""
    state = rt.unwind(ctx.state)
    return step(replace(ctx, state=state), event)


def answer(ctx: Context, event: Event) -> Outcome:
    """Questions answered from content; then the question of where she is (after "how
    often", with nothing else asked, the reminder offer)."""
    outcome = talk.answer(ctx, event)
    if event.arg == "frequency":
        return reminders.after_frequency(ctx, outcome)
    return outcome


def wait(ctx: Context, event: Event) -> Outcome:
    """A minute of quiet, then "ready to carry on?"."""
    return stretches.wait(ctx)


ANY_MODE: Mapping[Kind, Action] = {
    Kind.START: start_routine,
    Kind.START_OVER: start_routine,
    Kind.NEXT: start_routine,
    Kind.CONTINUE: start_routine,
    Kind.YES: start_routine,
    Kind.NO: talk.goodbye,
    Kind.SKIP: talk.nothing_to_skip,
    Kind.PREVIOUS: previous,
    Kind.REPEAT: talk.repeat,
    Kind.WAIT: wait,
    Kind.STOP: talk.stop,
    Kind.EXERCISE: talk.do_exercise,
    Kind.DESCRIBE: talk.describe,
    Kind.ASK: answer,
    Kind.ADJUST: talk.adjust,
    Kind.SYMPTOM: safety.symptom,
    Kind.FLOOR: versions.offer_no_floor,
    Kind.DELETE_DATA: talk.ask_delete,
    Kind.REMIND: reminders.remind,
    Kind.CHANGE_REMINDER: reminders.change,
    Kind.CANCEL_REMINDERS: reminders.cancel,
    Kind.PERMISSION: reminders.permission,
    Kind.FALLBACK: talk.fallback,
}

_NAVIGATE_UNDERNEATH: Mapping[Kind, Action] = {
    Kind.NEXT: pass_down,
    Kind.SKIP: pass_down,
    Kind.PREVIOUS: pass_down,
    Kind.CONTINUE: pass_down,
    Kind.START_OVER: start_routine,
}

TABLE: Mapping[Mode, Mapping[Kind, Action]] = {
    Mode.IDLE: {},
    Mode.READY: {},
    Mode.RESUME: {
        Kind.YES: resume_here,
        Kind.CONTINUE: resume_here,
        Kind.NEXT: resume_here,
        Kind.SKIP: skip,
        Kind.NO: decline_resume,
    },
    Mode.FRESH: {},
    Mode.AGAIN: {},
    Mode.ROUTINE: {
        Kind.YES: next_stretch,
        Kind.CONTINUE: next_stretch,
        Kind.NEXT: next_stretch,
        Kind.SKIP: skip,
        Kind.NO: talk.no_rush,
    },
    Mode.SINGLE: {
        Kind.YES: rest_of_routine,
        Kind.CONTINUE: rest_of_routine,
        Kind.NEXT: rest_of_routine,
        Kind.SKIP: skip_single,
    },
    Mode.DESCRIBED: {
        **_NAVIGATE_UNDERNEATH,
        Kind.YES: do_described,
        Kind.CONTINUE: do_described,
        Kind.NO: talk.okay,
    },
    Mode.WAITING: {
        **_NAVIGATE_UNDERNEATH,
        Kind.YES: carry_on,
        Kind.CONTINUE: carry_on,
        Kind.NO: wait_more,
        Kind.NEXT: skip_interrupted,
        Kind.SKIP: skip_interrupted,
    },
    Mode.CHECK: {**_NAVIGATE_UNDERNEATH, Kind.YES: safety.is_pain, Kind.NO: safety.not_pain},
    Mode.GENTLER: {
        **_NAVIGATE_UNDERNEATH,
        Kind.YES: talk.gentler,
        Kind.NO: talk.okay,
        Kind.CONTINUE: carry_on,
        Kind.NEXT: skip,
        Kind.SKIP: skip,
    },
    Mode.PAIN: {
        **_NAVIGATE_UNDERNEATH,
        Kind.YES: safety.skip_on_after_pain,
        Kind.NEXT: safety.skip_on_after_pain,
        Kind.SKIP: safety.skip_on_after_pain,
        Kind.CONTINUE: safety.skip_on_after_pain,
        Kind.NO: safety.stop_after_pain,
    },
    Mode.DELETE: {**_NAVIGATE_UNDERNEATH, Kind.YES: talk.delete, Kind.NO: talk.keep_data},
    Mode.VERSION: {
        **_NAVIGATE_UNDERNEATH,
        Kind.YES: versions.take_offer,
        Kind.CONTINUE: versions.take_offer,
        Kind.NO: versions.decline_offer,
    },
    Mode.REMINDER: {
        **_NAVIGATE_UNDERNEATH,
        Kind.YES: reminders.set_it,
        Kind.CONTINUE: reminders.set_it,
        Kind.NO: reminders.decline,
    },
    Mode.REMINDER_DAYS: {
        **_NAVIGATE_UNDERNEATH,
        Kind.YES: reminders.suggested_days,
        Kind.NO: reminders.decline,
    },
    Mode.REMINDER_TIME: {
        **_NAVIGATE_UNDERNEATH,
        Kind.YES: reminders.suggested_time,
        Kind.NO: reminders.decline,
    },
}


def action_for(mode: Mode, kind: Kind) -> Action:
    return TABLE[mode].get(kind) or ANY_MODE[kind]


def step(ctx: Context, event: Event) -> Outcome:
    """The coach: (state, event) -> (state, reply), decided by the table above."""
    return action_for(ctx.state.mode, event.kind)(ctx, event)
