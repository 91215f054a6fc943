"""Answers and small talk: questions, "what is ...", settings, repeat, not understood, stop."""

from __future__ import annotations

from dataclasses import replace

from skill.core import profile as prof
from skill.core import routine as rt
from skill.core.coach.questions import question
from skill.core.coach.reply import SILENT, Context, Effect, Outcome, Reply, minutes_phrase, spoken_list
from skill.core.coach.stretches import count_phrase, first_use_note, guide, position_of
from skill.core.events import Event
from skill.core.pacing import DOSES, PACES, Settings, routine_seconds
from skill.core.profile import Profile
from skill.core.reminders import spoken_days, spoken_time
from skill.core.routine import Mode, RoutineState


def ask(ctx: Context, state: RoutineState, *lines: str) -> Outcome:
    """Say `lines`, then the question of the mode `state` is in."""
    line, reprompt = question(ctx, state)
    return Outcome(state, ctx.profile, Reply((*lines, line), reprompt))


def answer(ctx: Context, event: Event) -> Outcome:
    """Questions answered from content; then the question of where she is."""
    topic = event.arg or "help"
    state = replace(rt.unwind(ctx.state), topic=topic)
    ctx, note = first_use_note(replace(ctx, state=state))
    return ask(ctx, state, *note, *_answer_lines(ctx, state, topic))


def _answer_lines(ctx: Context, state: RoutineState, topic: str) -> tuple[str, ...]:
    say = ctx.say
    if topic == "frequency":
        reminder = ctx.profile.reminder
        if reminder is not None:
            when = {"days": spoken_days(reminder.days), "time": spoken_time(reminder.time)}
            return (
                say("frequency", this_week=count_phrase(ctx, ctx.profile)),
                say("reminder_you_have", **when),
            )
        return (say("frequency", this_week=count_phrase(ctx, ctx.profile)),)
    if topic == "trimester":
        return (say("trimester"),)
    if topic == "warning_signs":
        return (say("warning_signs"),)
    if topic == "list":
        names = spoken_list([ctx.name(i) for i in state.order])
        total = routine_seconds(state.settings, content=ctx.content, routine=state.version)
        routine = ctx.content.routine(state.version)
        return (
            say(
                "list_exercises",
                count=ctx.content.number_word(len(state.order)),
                routine=routine.name,
                names=names,
                minutes=minutes_phrase(total),
            ),
            say("list_versions"),
        )
    if topic == "progress":
        if rt.in_routine(state):
            assert state.index is not None
            rest = [ctx.name(i) for i in state.order[state.index + 1 :]]
            remaining = (
                say("progress_remaining_some", names=spoken_list(rest))
                if rest
                else say("progress_remaining_none")
            )
            return (
                say(
                    "progress_in_routine",
                    number=state.index + 1,
                    total=state.total,
                    name=ctx.in_sentence(state.current),
                    remaining=remaining,
                ),
            )
        return (say("progress_idle"), count_phrase(ctx, ctx.profile))
    if topic == "help":
        if rt.stretching(state):
            return (say("help_stretching", name=ctx.in_sentence(state.current)),)
        return (say("help_start"),)
    raise ValueError(f"no answer for topic {topic!r}")


def describe(ctx: Context, event: Event) -> Outcome:
    """ "What is child's pose?": two or three sentences, then "want to do it now?"."""
    if event.arg is None:
        return which_one(ctx, event)
    state = rt.overlay(rt.unwind(ctx.state), Mode.DESCRIBED, about=event.arg)
    ctx, note = first_use_note(ctx)
    return ask(ctx, state, *note, *ctx.content.exercise(event.arg).about)


def which_one(ctx: Context, event: Event) -> Outcome:
    names = spoken_list([ctx.name(i) for i in ctx.state.order], "or")
    reprompt = ctx.say("which_one_reprompt")
    return Outcome(ctx.state, ctx.profile, Reply((ctx.say("which_one", names=names),), reprompt))


def do_exercise(ctx: Context, event: Event) -> Outcome:
    """A stretch by name: within the routine when one is under way, else on its own."""
    if event.arg is None:
        return which_one(ctx, event)
    state = rt.unwind(ctx.state)
    if state.base in (Mode.ROUTINE, Mode.RESUME):
        # "do cat-cow" in the seated version means its seated form
        here = ctx.content.form_in(state.order, event.arg)
        if here is not None and here != state.current:
            return _jump(ctx, state, here)
        if here is not None:
            return guide(ctx, rt.at(state, Mode.ROUTINE, here))
    if event.arg not in state.order:
        # a stretch her version does not have: on its own, within a version that has it
        version = next(r.id for r in ctx.content.routines if event.arg in r.stretches)
        state = rt.switch(state, version, ctx.order_of(version))
    return guide(ctx, rt.at(state, Mode.SINGLE, event.arg))


def _jump(ctx: Context, state: RoutineState, here: str) -> Outcome:
    """Another stretch of the routine, now. Mid-routine the one she was on counts as done, as
    with next; at the resume offer it was not started, so it comes back after. Either way the
    stretches in between are not passed over in silence: `here` comes next in the order.
    One she has already done is done again without its "Stretch N of 5": moving it renumbers
    the ones before it, and she has heard their numbers."""
    again = here in state.done
    mid_routine = state.base is Mode.ROUTINE
    if mid_routine:
        state = rt.bring_forward(rt.mark_done(state), here, after_current=True)
    else:
        state = rt.bring_forward(state, here, after_current=False)
    state = rt.at(state, Mode.ROUTINE, here)
    then = next((i for i in state.order[state.order.index(here) + 1 :] if i not in state.done), None)
    name = ctx.in_sentence(here)
    if again:
        lead = (
            ctx.say("jump_again", name=name),
            *([ctx.say("jump_after", next_name=ctx.in_sentence(then))] if then else []),
        )
    elif then is not None:
        lead = (ctx.say("jump_then", name=name, next_name=ctx.in_sentence(then)),)
    else:
        lead = ()
    return guide(ctx, state, lead=lead, moved=mid_routine, label=not again)


_ADJUST = {  # setting, step, said when changed, said at the end of the scale
    "slower": ("pace", -1, "setting_slower", "setting_at_slowest"),
    "faster": ("pace", +1, "setting_faster", "setting_at_fastest"),
    "shorter": ("dose", -1, "setting_shorter", "setting_at_shortest"),
    "longer": ("dose", +1, "setting_longer", "setting_at_longest"),
}


def adjust(ctx: Context, event: Event) -> Outcome:
    """Slower, faster, shorter, longer: kept, and applied at once to the stretch in progress."""
    setting, step, said_key, limit_key = _ADJUST[event.arg or ""]
    state = rt.unwind(ctx.state)
    options = PACES if setting == "pace" else DOSES
    current = state.settings.pace if setting == "pace" else state.settings.dose
    value = rt.shift(options, current, step)
    if value is None:
        return ask(replace(ctx, state=state), state, ctx.say(limit_key))
    settings = replace(state.settings, **{setting: value})
    state = rt.with_settings(state, settings)
    ctx = replace(ctx, state=state, profile=replace(ctx.profile, settings=settings))
    if rt.stretching(state):
        name = ctx.in_sentence(state.current)
        return guide(ctx, state, lead=(ctx.say(said_key), ctx.say("setting_replay", name=name)))
    return ask(ctx, state, ctx.say(said_key))


def gentler(ctx: Context, event: Event) -> Outcome:
    """Yes to a gentler version: fewer reps and shorter holds, the same stretch again."""
    state = rt.unwind(ctx.state)
    shorter = rt.shift(DOSES, state.settings.dose, -1)
    if shorter is None:
        return guide(ctx, state, lead=(ctx.say("gentler_already"),))
    settings = Settings(pace=state.settings.pace, dose=shorter)
    ctx = replace(ctx, profile=replace(ctx.profile, settings=settings))
    return guide(ctx, rt.with_settings(state, settings), lead=(ctx.say("gentler_now"),))


def repeat(ctx: Context, event: Event) -> Outcome:
    """The stretch in progress again; when none is running, the last answer or question."""
    state = ctx.state
    if state.mode is Mode.DESCRIBED and state.about is not None:
        return ask(ctx, state, *ctx.content.exercise(state.about).about)
    if state.mode is Mode.REMINDER and state.topic is not None:
        return ask(ctx, state, *_answer_lines(ctx, state, state.topic))  # the answer the offer followed
    if state.mode in (Mode.CHECK, Mode.GENTLER, Mode.PAIN, Mode.DELETE, Mode.VERSION, *rt.REMINDING):
        return ask(ctx, state)  # a question is pending: ask it again
    if rt.stretching(state):
        return guide(ctx, rt.unwind(state))
    if state.topic is not None and state.mode not in rt.OVERLAYS:
        return ask(ctx, state, *_answer_lines(ctx, state, state.topic))
    return ask(ctx, state)


def fallback(ctx: Context, event: Event) -> Outcome:
    """Not understood: say so, then ask the same question again (never a different one)."""
    key = "fallback_stretching" if rt.stretching(ctx.state) else "fallback"
    return ask(ctx, ctx.state, ctx.say(key))


def nothing_to_skip(ctx: Context, event: Event) -> Outcome:
    return ask(ctx, ctx.state, ctx.say("nothing_yet"))


def no_rush(ctx: Context, event: Event) -> Outcome:
    return ask(ctx, rt.unwind(ctx.state), ctx.say("no_rush"))


def okay(ctx: Context, event: Event) -> Outcome:
    """No to an offer on top of something else: back to where she was."""
    return ask(ctx, rt.unwind(ctx.state), ctx.say("okay"))


def stop(ctx: Context, event: Event) -> Outcome:
    """Stop, cancel: end at once; a routine under way keeps her place for next time."""
    state, profile = rt.unwind(ctx.state), ctx.profile
    if rt.in_routine(state) or state.mode is Mode.RESUME:
        profile = prof.save_position(profile, position_of(ctx, state))
        text = ctx.say("stop_in_routine", name=ctx.in_sentence(state.current))
        return Outcome(state, profile, Reply((text,), end_session=True))
    return goodbye(ctx, event)


def goodbye(ctx: Context, event: Event) -> Outcome:
    return Outcome(rt.unwind(ctx.state), ctx.profile, Reply((ctx.say("goodbye"),), end_session=True))


def ask_delete(ctx: Context, event: Event) -> Outcome:
    return ask(ctx, rt.overlay(ctx.state, Mode.DELETE))


def delete(ctx: Context, event: Event) -> Outcome:
    """Yes, delete my data: her reminder first (Alexa holds it; the result decides what she
    hears, see coach/reminders.py deleted()), then everything stored."""
    if ctx.profile.reminder is not None:
        return Outcome(ctx.state, ctx.profile, SILENT, frozenset({Effect.DELETE_REMINDERS}))
    reply = Reply((ctx.say("delete_done"),), end_session=True)
    state = rt.fresh(ctx.order_of(rt.DEFAULT_VERSION))
    return Outcome(state, Profile(), reply, frozenset({Effect.DELETE_DATA}))


def keep_data(ctx: Context, event: Event) -> Outcome:
    return ask(ctx, rt.unwind(ctx.state), ctx.say("delete_kept"))
