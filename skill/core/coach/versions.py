"""Versions of the routine (content routines.toml): choosing one by voice, the offer of her
last choice at launch, and the offer of the version without the floor when kneeling is hard.

Her choice is a setting (Profile.routine), never a reason: nothing about why she chose it
is asked or stored.
"""

from __future__ import annotations

from skill.core import routine as rt
from skill.core.coach import stretches
from skill.core.coach.reply import Context, Outcome
from skill.core.coach.talk import ask
from skill.core.events import Event
from skill.core.routine import Mode


def no_floor_version(ctx: Context) -> str:
    """The version with no floor position that keeps the most stretches (the seated one)."""
    floorless = [
        r
        for r in ctx.content.routines
        if all(ctx.content.exercise(i).position != "floor" for i in r.stretches)
    ]
    return max(floorless, key=lambda r: len(r.stretches)).id


def offer_no_floor(ctx: Context, event: Event) -> Outcome:
    """ "The floor is hard", "I can't kneel": offer the version without the floor."""
    state = rt.unwind(ctx.state)
    seated = no_floor_version(ctx)
    summary = ctx.content.routine(seated).summary
    if state.version == seated:
        return ask(ctx, state, ctx.say("floor_already", summary=summary))
    return ask(ctx, rt.overlay(state, Mode.VERSION, offer=seated), ctx.say("floor_offer", summary=summary))


def take_offer(ctx: Context, event: Event) -> Outcome:
    """Yes to a version offered: mid-routine, carry on at the same stretch's form in it;
    otherwise start it from the top."""
    offer = ctx.state.offer
    assert offer is not None
    return stretches.switch_version(ctx, offer)


def decline_offer(ctx: Context, event: Event) -> Outcome:
    """No to a version offered: back to where she was, the versions named once."""
    state = rt.unwind(ctx.state)
    key = "version_declined" if state.mode is Mode.IDLE else "okay"
    return ask(ctx, state, ctx.say(key))
