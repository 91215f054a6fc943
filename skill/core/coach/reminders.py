"""Weekly reminders: the offers, choosing days and a time, consent, and what she hears once
Alexa's Reminders API has answered.

The coach stays pure: setting, deleting and asking permission are Effects on the Outcome;
skill/alexa/reminders.py carries them out and hands the result back through created() and
deleted(), which decide what she hears. Nothing is stored until Alexa has created the
reminder, and nothing is forgotten until Alexa has deleted it.

Where the offer comes (after the one-offer order of docs/conversation.md, reminder last):
after the "how often" answer when nothing else is being asked; after a finished routine when
she has no reminder, at most once a week and not within a week of a "no"; and when she asks.
"""

from __future__ import annotations

from dataclasses import replace

from skill.core import profile as prof
from skill.core import routine as rt
from skill.core.coach.reply import SILENT, Context, Effect, Outcome, Reply
from skill.core.coach.talk import ask
from skill.core.events import Event
from skill.core.profile import Profile
from skill.core.reminders import (
    SUGGESTED,
    SUGGESTED_DAYS,
    SUGGESTED_TIME,
    Created,
    Deleted,
    Draft,
    Reminder,
    Result,
    spoken_days,
    spoken_time,
)
from skill.core.routine import Mode, RoutineState


def words(draft: Draft | Reminder) -> dict[str, str]:
    """{days} and {time} as she hears them."""
    assert draft.time is not None
    return {"days": spoken_days(draft.days), "time": spoken_time(draft.time)}


def offer(ctx: Context, state: RoutineState, *lines: str) -> Outcome:
    """Offer the suggested reminder on top of `state`: "Would you like a reminder on Monday,
    Wednesday and Friday at 7 pm?"."""
    return ask(ctx, rt.overlay(rt.unwind(state), Mode.REMINDER, draft=SUGGESTED), *lines)


def choose(ctx: Context, draft: Draft, *lines: str) -> Outcome:
    """Ask for what is still missing (days, then the time), else restate it all and ask to set it."""
    base = rt.unwind(ctx.state)
    if not draft.days:
        return ask(ctx, rt.overlay(base, Mode.REMINDER_DAYS, draft=Draft((), draft.time)), *lines)
    mode = Mode.REMINDER if draft.complete else Mode.REMINDER_TIME
    return ask(ctx, rt.overlay(base, mode, draft=draft), *lines)


def remind(ctx: Context, event: Event) -> Outcome:
    """ "Remind me to stretch", "remind me on Mondays and Thursdays at 7 pm": the days and time
    she named, asking for what is missing; with neither, the suggested reminder."""
    said = bool(event.days or event.at)
    choosing = ctx.state.mode in rt.REMINDING
    if not said and not choosing:
        reminder = ctx.profile.reminder
        if reminder is not None:
            return ask(ctx, rt.unwind(ctx.state), ctx.say("reminder_already", **words(reminder)))
        return offer(ctx, ctx.state, ctx.say("reminder_offer_asked"))
    draft = (ctx.state.draft or Draft()) if choosing else Draft()
    return choose(ctx, draft.merged(event.days, event.at))


def change(ctx: Context, event: Event) -> Outcome:
    """ "Change my reminder": which days and time instead (or the ones she named)."""
    reminder = ctx.profile.reminder
    if reminder is None:
        if event.days or event.at:
            return remind(ctx, event)
        return offer(ctx, ctx.state, ctx.say("reminder_none_to_change"))
    if event.days or event.at:
        return choose(ctx, Draft().merged(event.days, event.at))
    return choose(ctx, Draft(), ctx.say("reminder_change_which", **words(reminder)))


def set_it(ctx: Context, event: Event) -> Outcome:
    """Yes to the reminder restated: Alexa creates it (the Alexa layer hands back the result)."""
    return Outcome(ctx.state, ctx.profile, SILENT, frozenset({Effect.CREATE_REMINDER}))


def suggested_days(ctx: Context, event: Event) -> Outcome:
    """Yes to "which days, for example Monday, Wednesday and Friday?": those days."""
    return choose(ctx, (ctx.state.draft or Draft()).merged(SUGGESTED_DAYS, None))


def suggested_time(ctx: Context, event: Event) -> Outcome:
    """Yes to "what time, for example 7 pm?": 7 pm."""
    return choose(ctx, (ctx.state.draft or Draft()).merged((), SUGGESTED_TIME))


def decline(ctx: Context, event: Event) -> Outcome:
    """No to a reminder: none is set (an existing one stays), and no offer after a routine for
    a week. With nothing else going on, that is the end of the session."""
    base = rt.unwind(ctx.state)
    if ctx.profile.reminder is not None:
        return ask(ctx, base, ctx.say("reminder_kept"))
    profile = replace(ctx.profile, reminder_declined=ctx.now)
    if base.mode is Mode.IDLE:
        return Outcome(base, profile, Reply((ctx.say("reminder_declined_goodbye"),), end_session=True))
    return ask(replace(ctx, profile=profile), base, ctx.say("reminder_declined"))


def cancel(ctx: Context, event: Event) -> Outcome:
    """ "Cancel my reminders", "stop reminding me": Alexa deletes them by their stored tokens."""
    base = rt.unwind(ctx.state)
    if ctx.profile.reminder is None:
        return ask(ctx, base, ctx.say("reminders_none"))
    return Outcome(base, ctx.profile, SILENT, frozenset({Effect.DELETE_REMINDERS}))


def permission(ctx: Context, event: Event) -> Outcome:
    """Her answer to Alexa's permission question. Accepted: carry on with what it was asked
    for (a reminder to set, or reminders to cancel). Otherwise: how to allow it in the Alexa
    app, and a card there."""
    draft = Draft(event.days, event.at)
    base = rt.unwind(ctx.state)
    if event.arg == "accepted":
        if draft.complete:
            return set_it(replace(ctx, state=rt.overlay(base, Mode.REMINDER, draft=draft)), event)
        return cancel(replace(ctx, state=base), event)
    key = "reminder_denied" if draft.complete else "reminders_cancel_failed"
    outcome = ask(ctx, base, ctx.say(key))
    return replace(outcome, effects=frozenset({Effect.PERMISSION_CARD}))


def created(ctx: Context, result: Created, *, after_consent: bool = False) -> Outcome:
    """What Alexa said to creating the reminder in ctx.state.draft. Set: stored with its token,
    restated once, with how to change or cancel it. No permission: ask for it by voice (once:
    right after she gave it, a refusal is a failure). Anything else: said honestly, nothing stored."""
    draft = ctx.state.draft
    assert draft is not None and draft.complete and draft.time is not None
    base = rt.unwind(ctx.state)
    if result.result is Result.OK:
        assert result.token is not None
        reminder = Reminder(draft.days, draft.time, (result.token, *result.kept))
        ctx = replace(ctx, profile=replace(ctx.profile, reminder=reminder, reminder_declined=None))
        lines = [ctx.say("reminder_set", **words(reminder))]
        if result.kept:
            lines.append(ctx.say("reminder_set_old_kept"))
        if base.mode is Mode.IDLE:
            reply = Reply((*lines, ctx.say("reminder_set_goodbye")), end_session=True)
            return Outcome(base, ctx.profile, reply)
        return ask(ctx, base, *lines)
    if result.result is Result.UNAUTHORIZED and not after_consent:
        return Outcome(ctx.state, ctx.profile, SILENT, frozenset({Effect.ASK_PERMISSION}))
    key = {
        Result.FORBIDDEN: "reminder_forbidden",
        Result.UNAUTHORIZED: "reminder_permission_failed",
    }.get(result.result, "reminder_failed")
    return ask(ctx, base, ctx.say(key))


def deleted(ctx: Context, result: Deleted, *, after_consent: bool = False) -> Outcome:
    """What Alexa said to deleting her reminders: for "cancel my reminders", or as part of
    deleting her data (ctx.state in mode delete), where what could not be deleted is said plainly."""
    if ctx.state.mode is Mode.DELETE:
        key = "delete_done_with_reminder" if result.result is Result.OK else "delete_done_reminder_kept"
        state = rt.fresh(ctx.order_of(rt.DEFAULT_VERSION))
        return Outcome(
            state, Profile(), Reply((ctx.say(key),), end_session=True), frozenset({Effect.DELETE_DATA})
        )
    reminder = ctx.profile.reminder
    if result.result is Result.OK or reminder is None:
        ctx = replace(ctx, profile=replace(ctx.profile, reminder=None))
        return ask(ctx, ctx.state, ctx.say("reminders_cancelled"))
    if result.result is Result.UNAUTHORIZED and not after_consent:
        return Outcome(ctx.state, ctx.profile, SILENT, frozenset({Effect.ASK_PERMISSION}))
    kept = replace(reminder, tokens=result.kept or reminder.tokens)
    ctx = replace(ctx, profile=replace(ctx.profile, reminder=kept))
    return ask(ctx, ctx.state, ctx.say("reminders_cancel_failed"))


def after_frequency(ctx: Context, outcome: Outcome) -> Outcome:
    """After the "how often" answer: offer a reminder when nothing else is being asked (the
    one-offer order puts the reminder last), she has none, and she did not say no this week."""
    state = outcome.state
    if (
        state.mode is not Mode.IDLE
        or ctx.profile.reminder is not None
        or prof.declined_lately(ctx.profile, ctx.now)
    ):
        return outcome
    offered = offer(replace(ctx, profile=outcome.profile), state)
    return replace(
        offered, reply=replace(offered.reply, parts=(*outcome.reply.parts[:-1], *offered.reply.parts))
    )
