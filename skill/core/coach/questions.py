"""The one question each mode ends on, and its reprompt.

Every reply that keeps the session open ends with exactly one question, chosen here from the
mode she will be in, so a reply can never ask two things or contradict its reprompt.
Which offer wins when several could be made is decided at launch (see session.py): safety
check-in > resume offer > already done today > routine version > reminder.
"""

from __future__ import annotations

from skill.core.coach.reply import Context
from skill.core.reminders import spoken_days, spoken_time
from skill.core.routine import Mode, RoutineState, stretching


def question(ctx: Context, state: RoutineState) -> tuple[str, str]:
    """(the question that ends the reply, the reprompt that asks it again)."""
    # every question names the stretch inside a sentence: "Ready to move on to the chest opener?"
    say, name = ctx.say, ctx.in_sentence
    current, nxt = name(state.current), name(state.next_id)
    mode = state.mode
    if mode is Mode.WAITING and not stretching(state):
        mode = state.base
    if mode is Mode.IDLE:
        return say("ask_idle"), say("ask_idle_reprompt")
    if mode is Mode.READY:
        first = name(state.current or state.order[0])
        return say("ask_ready", name=first), say("ask_ready_reprompt", name=first)
    if mode is Mode.RESUME:
        return say("ask_resume", name=current), say("ask_resume_reprompt", name=current)
    if mode is Mode.FRESH:
        return say("ask_fresh"), say("ask_fresh_reprompt")
    if mode is Mode.AGAIN:
        return say("ask_again"), say("ask_again_reprompt")
    if mode is Mode.ROUTINE:
        if state.next_id is None:
            return say("ask_finish"), say("ask_finish_reprompt", name=current)
        return say("ask_next", next_name=nxt), say("ask_next_reprompt", next_name=nxt, name=current)
    if mode is Mode.SINGLE:
        rest = nxt or name(state.order[0])
        key = "ask_rest" if state.next_id else "ask_rest_from_top"
        return say(key, next_name=rest), say("ask_rest_reprompt", next_name=rest)
    if mode is Mode.DESCRIBED:
        about = name(state.about)
        return say("ask_do_it", name=about), say("ask_do_it_reprompt", name=about)
    if mode is Mode.WAITING:
        return say("ask_carry_on", name=current), say("ask_carry_on_reprompt", name=current)
    if mode is Mode.CHECK:
        return say("ask_is_it_pain"), say("ask_is_it_pain_reprompt")
    if mode is Mode.GENTLER:
        return say("ask_gentler", name=current), say("ask_gentler_reprompt", name=current)
    if mode is Mode.PAIN:
        return say("ask_skip_on", next_name=nxt), say("ask_skip_on_reprompt", next_name=nxt)
    if mode is Mode.DELETE:
        return say("ask_delete"), say("ask_delete_reprompt")
    if mode is Mode.VERSION:
        assert state.offer is not None
        routine = ctx.content.routine(state.offer).name
        if ctx.profile.routine == state.offer:  # her own last choice, offered at launch
            return say("ask_version_again", routine=routine), say(
                "ask_version_again_reprompt", routine=routine
            )
        return say("ask_version", routine=routine), say("ask_version_reprompt", routine=routine)
    if mode in (Mode.REMINDER, Mode.REMINDER_TIME, Mode.REMINDER_DAYS):
        return _reminder_question(ctx, state)
    raise ValueError(f"no question for mode {mode}")


def _reminder_question(ctx: Context, state: RoutineState) -> tuple[str, str]:
    say, draft = ctx.say, state.draft
    assert draft is not None
    if state.mode is Mode.REMINDER_DAYS:
        return say("ask_reminder_days"), say("ask_reminder_days_reprompt")
    days = spoken_days(draft.days)
    if state.mode is Mode.REMINDER_TIME:
        return say("ask_reminder_time", days=days), say("ask_reminder_time_reprompt", days=days)
    assert draft.time is not None
    time = spoken_time(draft.time)
    key = "ask_reminder_change" if ctx.profile.reminder is not None else "ask_reminder"
    return say(key, days=days, time=time), say(f"{key}_reprompt", days=days, time=time)
