"""Graded advice when she says something hurts. Safety first: any tier, in any mode.

Tiers (the SYMPTOM slot type's ids): discomfort (a strong stretch) -> ease off, offer a
gentler version; unclear ("ouch", "cramp") -> stop and ask "is that pain?"; pain -> stop
that stretch, never stretch into pain, offer to skip on; dizzy -> stop, sit or lie on your
side, contact the provider (NHS, ACOG); warning signs (ACOG 804, SOGC/CSEP, RCOG) -> stop
now, contact the provider, emergency number if severe. A symptom word we could not grade
(no slot, or words the SYMPTOM type does not know: "something's wrong") stops everything
like a warning sign, with words that fit any symptom. Every stopping reply says the skill
cannot call anyone.
What she said is never stored or logged; the profile keeps only that a stop happened, so
the next session checks in before moving her body.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from skill.core import profile as prof
from skill.core import routine as rt
from skill.core.coach.reply import SILENT, Context, Outcome, Reply
from skill.core.coach.stretches import advance, position_of
from skill.core.coach.talk import ask
from skill.core.events import Event
from skill.core.routine import Mode


def symptom(ctx: Context, event: Event) -> Outcome:
    tier = event.arg if event.arg in _TIERS else "unknown"
    return _TIERS[tier](ctx)


def _discomfort(ctx: Context) -> Outcome:
    state = rt.unwind(ctx.state)
    if rt.stretching(state):
        return ask(ctx, rt.overlay(state, Mode.GENTLER), ctx.say("symptom_discomfort"))
    return ask(ctx, state, ctx.say("symptom_discomfort_idle"))


def _unclear(ctx: Context) -> Outcome:
    return ask(ctx, rt.overlay(rt.unwind(ctx.state), Mode.CHECK), ctx.say("symptom_unclear"))


def _pain(ctx: Context) -> Outcome:
    state = rt.unwind(ctx.state)
    if not rt.stretching(state):
        return ask(ctx, state, ctx.say("symptom_pain_idle"))
    if rt.in_routine(state) and state.next_id is not None:
        return ask(ctx, rt.overlay(state, Mode.PAIN), ctx.say("symptom_pain"))
    return end_after_pain(replace(ctx, state=state))


def end_after_pain(ctx: Context, *, silent: bool = False) -> Outcome:
    """Pain, and no stretch to skip on to (or she would rather stop, or went quiet): end, keep
    her place after the stretch that hurt, and check in next time. `silent` for a session
    Alexa closed, where nothing may be said."""
    state = rt.unwind(ctx.state)
    profile = replace(ctx.profile, check_in=True)
    if rt.in_routine(state) and state.next_id is not None:
        nxt = rt.at(state, Mode.ROUTINE, state.next_id)
        profile = prof.save_position(profile, position_of(ctx, nxt))
    else:  # never offer the stretch that hurt as the place to pick up
        profile = prof.save_position(profile, None)
    reply = SILENT if silent else Reply((ctx.say("symptom_pain_stop"),), end_session=True)
    return Outcome(rt.restart(state, ctx.order_of(state.version)), profile, reply)


def _stop_everything(key: str) -> Callable[[Context], Outcome]:
    def stop_now(ctx: Context) -> Outcome:
        # Do not invite her back into this routine: no saved place, a check-in next launch.
        profile = replace(prof.save_position(ctx.profile, None), check_in=True)
        state = rt.restart(ctx.state, ctx.order_of(ctx.state.version))
        return Outcome(state, profile, Reply((ctx.say(key),), end_session=True))

    return stop_now


_TIERS = {
    "discomfort": _discomfort,
    "unclear": _unclear,
    "pain": _pain,
    "dizzy": _stop_everything("symptom_dizzy"),
    "warning": _stop_everything("symptom_warning"),
    "unknown": _stop_everything("symptom_unknown"),
}


def is_pain(ctx: Context, event: Event) -> Outcome:
    """Yes to "is that pain?"."""
    return _pain(ctx)


def not_pain(ctx: Context, event: Event) -> Outcome:
    """No to "is that pain?": a strong stretch."""
    return _discomfort(ctx)


def skip_on_after_pain(ctx: Context, event: Event) -> Outcome:
    return advance(ctx, rt.unwind(ctx.state))


def stop_after_pain(ctx: Context, event: Event) -> Outcome:
    return end_after_pain(ctx)
