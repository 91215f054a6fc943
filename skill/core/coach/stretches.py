"""Guiding stretches: speak one, move along the routine, finish honestly, wait a minute."""

from __future__ import annotations

from dataclasses import replace

from skill.core import profile as prof
from skill.core import routine as rt
from skill.core.coach.questions import question
from skill.core.coach.reply import Context, Outcome, Part, Reply, minutes_phrase
from skill.core.pacing import move_line, plan, speaking_seconds
from skill.core.profile import Position
from skill.core.reminders import SUGGESTED
from skill.core.routine import Mode, RoutineState
from skill.core.timeline import Silence

# The in-session wait: about a minute of calm silence, with one soft check-in halfway.
# Alexa's <break> is at most 10 s; the SSML renderer splits longer silences into breaks.
WAIT_S = 60.0


def guide(
    ctx: Context, state: RoutineState, *, lead: tuple[str, ...] = (), moved: bool = False, label: bool = True
) -> Outcome:
    """Speak state.current in state.mode (ROUTINE or SINGLE), ending on that mode's question.
    `moved`: she came here with next or skip, so if the stretch before it is done in another
    position, the reply starts with the line that moves her (routines.toml [moves]).
    `label`: a routine's stretch is introduced as "Stretch N of 5: ..." (the lead says it
    otherwise)."""
    assert state.current is not None and state.mode in rt.STRETCHING
    if ctx.profile.check_in:
        return _check_in_first(ctx, state, lead)
    exercise = ctx.content.exercise(state.current)
    ctx, note = first_use_note(ctx)
    profile = ctx.profile
    parts: list[Part] = [*lead, *note]
    if state.mode is Mode.ROUTINE:
        if label:
            number = state.order.index(exercise.id) + 1
            parts.append(ctx.say("stretch_intro", number=number, total=state.total, name=exercise.name))
    else:
        parts.append(ctx.say("single_intro", name=exercise.in_sentence))
    if not state.tipped:
        # While Alexa speaks only the wake word interrupts, so say once how to (DESIGN.md).
        parts.append(ctx.say("tip_wake_word"))
        state = replace(state, tipped=True)
    move = move_line(ctx.content, state.order, exercise.id) if moved and state.mode is Mode.ROUTINE else None
    timeline = plan(
        exercise,
        state.settings,
        content=ctx.content,
        dose=ctx.content.dose_of(state.version, exercise),
        move=move,
    )
    state = rt.guided(state, timeline.planned_s)
    line, reprompt = question(ctx, state)
    parts += [timeline, line]
    if state.mode is Mode.ROUTINE:
        # Saved at every stretch, so a session that times out mid-hold still keeps her place.
        profile = prof.save_position(profile, position_of(ctx, state))
    return Outcome(state, profile, Reply(tuple(parts), reprompt))


def first_use_note(ctx: Context) -> tuple[Context, tuple[str, ...]]:
    """A new user hears the one-sentence note once, before her first stretch or answer."""
    if ctx.profile.disclaimer_heard:
        return ctx, ()
    return replace(ctx, profile=replace(ctx.profile, disclaimer_heard=True)), (ctx.say("first_use"),)


def _check_in_first(ctx: Context, state: RoutineState, lead: tuple[str, ...]) -> Outcome:
    """The last session ended in a symptom stop: never move her body without asking first."""
    profile = replace(ctx.profile, check_in=False)
    if state.mode is Mode.SINGLE:
        asked = rt.overlay(rt.at(state, Mode.IDLE, None), Mode.DESCRIBED, about=state.current)
    elif state.current != state.order[0]:
        asked = rt.at(state, Mode.RESUME, state.current)  # her place stays hers
    else:
        asked = rt.at(state, Mode.READY, None)
    line, reprompt = question(ctx, asked)
    return Outcome(asked, profile, Reply((*lead, ctx.say("check_in"), line), reprompt))


def position_of(ctx: Context, state: RoutineState) -> Position:
    assert state.current is not None
    return Position(state.order, state.current, state.done, state.spent_s, ctx.now, state.version)


def start_routine(
    ctx: Context, *, lead: tuple[str, ...] = (), at: str | None = None, version: str | None = None
) -> Outcome:
    """A version of the routine (the one she is in by default) from its first stretch, in
    the content's order. Starting it makes it her last choice, offered at the next launch."""
    version = version or ctx.state.version
    state = rt.start(rt.switch(ctx.state, version, ctx.order_of(version)), at)
    ctx = replace(ctx, profile=replace(ctx.profile, routine=version))
    return guide(ctx, state, lead=lead)


def switch_version(ctx: Context, version: str) -> Outcome:
    """Mid-routine, another version: carry on at the form of her current stretch in it
    (cat-cow -> seated cat-cow), with what she did counted as its forms; from the top if
    the new version has no form of it."""
    state = rt.unwind(ctx.state)
    order = ctx.order_of(version)
    here = ctx.content.form_in(order, state.current) if state.current else None
    if here is None or (not rt.in_routine(state) and state.base is not Mode.RESUME):
        return start_routine(ctx, version=version)
    done = tuple(dict.fromkeys(f for f in (ctx.content.form_in(order, d) for d in state.done) if f))
    moved = replace(rt.switch(state, version, order), done=done, spent_s=state.spent_s)
    ctx = replace(ctx, profile=replace(ctx.profile, routine=version))
    return guide(ctx, rt.at(moved, Mode.ROUTINE, here))


def advance(ctx: Context, state: RoutineState) -> Outcome:
    """On to the stretch after state.current, or the end of the routine."""
    if state.next_id is None:
        return finish(ctx, state)
    return guide(ctx, rt.at(state, Mode.ROUTINE, state.next_id), moved=True)


def finish(ctx: Context, state: RoutineState) -> Outcome:
    """Say honestly what she did; only a routine with every stretch done is counted."""
    minutes = minutes_phrase(state.spent_s)
    profile = prof.save_position(ctx.profile, None)
    done = len(set(state.done))
    parts: tuple[str, ...]
    if rt.finished_all(state):
        profile = prof.record_completion(profile, ctx.now)
        every = (
            ctx.say("all_stretches_two")
            if state.total == 2
            else ctx.say("all_stretches", count=ctx.content.number_word(state.total))
        )
        parts = (ctx.say("routine_done", all_stretches=every, minutes=minutes), count_phrase(ctx, profile))
        if prof.reminder_offer_due(profile, ctx.now):
            # The reminder offer (issue 12): at most once a week, never within a week of a "no".
            profile = replace(profile, reminder_offered=ctx.now)
            idle = rt.restart(state, ctx.order_of(state.version))
            offered = rt.overlay(idle, Mode.REMINDER, draft=SUGGESTED)
            line, reprompt = question(replace(ctx, profile=profile), offered)
            parts = (*parts, ctx.say("reminder_offer_after_routine"), line)
            return Outcome(offered, profile, Reply(parts, reprompt))
    elif done == 0:
        parts = (ctx.say("routine_end_none_done"),)
    else:
        parts = (
            ctx.say(
                "routine_end_partial",
                done=ctx.content.number_word(done),
                total=ctx.content.number_word(state.total),
            ),
        )
    reply = Reply((*parts, ctx.say("routine_done_advice")), end_session=True)
    return Outcome(rt.restart(state, ctx.order_of(state.version)), profile, reply)


def count_phrase(ctx: Context, profile: prof.Profile) -> str:
    """This week's finished routines, spoken to the goal: "that's 2 of your 3 to 4 this week"."""
    count = prof.completions_in_last_week(profile, ctx.now)
    if count == 0:
        return ctx.say("count_none")
    if count == 1:
        return ctx.say("count_one")
    if count < 4:
        return ctx.say("count_some", count=count)
    return ctx.say("count_goal", count=count)


def rest_of_routine(ctx: Context, *, counted: bool = True) -> Outcome:
    """After one stretch on its own: the routine from the stretch after it, that one counted
    as done unless she skipped it."""
    state = ctx.state
    assert state.current is not None
    start_at = state.next_id or state.order[0]
    begun = replace(rt.start(state, start_at), done=(state.current,) if counted else ())
    return guide(ctx, begun)


def wait(ctx: Context) -> Outcome:
    """ "Wait", "give me a minute": a minute of quiet in the session, then "ready to carry on?"."""
    state = ctx.state if ctx.state.mode is Mode.WAITING else rt.overlay(ctx.state, Mode.WAITING)
    opening, halfway = ctx.say("wait_start"), ctx.say("wait_halfway")
    half = WAIT_S / 2
    line, reprompt = question(ctx, state)
    parts: tuple[Part, ...] = (
        opening,
        Silence(max(half - speaking_seconds(opening), 1.0)),
        halfway,
        Silence(max(half - speaking_seconds(halfway), 1.0)),
        line,
    )
    profile = ctx.profile
    if rt.in_routine(state):
        profile = prof.save_position(profile, position_of(ctx, state))
    return Outcome(state, profile, Reply(parts, reprompt))


def carry_on(ctx: Context) -> Outcome:
    """After a wait (or a question on top of a stretch): the same stretch again, from its start."""
    state = rt.unwind(ctx.state)
    if rt.stretching(state):
        return guide(ctx, state, lead=(ctx.say("carry_on"),))
    return start_routine(ctx)
