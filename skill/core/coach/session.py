"""The edges of a session: launch (which offer comes first), the end of a session, a state
we could not read, and a failure on our side."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from skill.core import profile as prof
from skill.core import routine as rt
from skill.core.coach import safety, stretches, talk
from skill.core.coach.reply import SILENT, Context, Outcome
from skill.core.content import Content
from skill.core.profile import Profile
from skill.core.routine import Mode, RoutineState


def new_session_state(profile: Profile, now: datetime, content: Content) -> RoutineState:
    """Where a new session starts: the default version, or an unfinished routine offered
    (not assumed) in its own version."""
    pos = profile.position
    if pos is None or not prof.resumable(profile, now):
        return rt.fresh(content.routine(rt.DEFAULT_VERSION).stretches, profile.settings)
    return RoutineState(
        order=resume_order(pos.order, pos.current, content.routine(pos.version).stretches),
        mode=Mode.RESUME,
        current=pos.current,  # in the order: resume_order keeps it
        settings=profile.settings,
        done=pos.done,
        spent_s=pos.spent_s,
        version=pos.version,
    )


def resume_order(saved: Sequence[str], current: str, order: Sequence[str]) -> tuple[str, ...]:
    """Her saved place mapped through exercise ids onto the version's order as it is now:
    what came before her stretch still comes before it, what was still to come still comes,
    each group in today's order. A place saved before the standard order changed
    (cat_cow, shoulder_squeezes, wall_angels, childs_pose, chest_opener) at wall angels
    resumes at wall angels and still has child's pose and the chest opener to come."""
    before = set(saved[: list(saved).index(current)])
    return (
        *(i for i in order if i in before),
        current,
        *(i for i in order if i not in before and i != current),
    )


def launch(ctx: Context) -> Outcome:
    """ "Alexa, open my back stretches". One offer at most, in this order: safety check-in >
    resume > already done today > her last routine version, if it was not the default
    ("your seated routine again?"); otherwise she wants to stretch now, so start."""
    profile = prof.seen(ctx.profile, ctx.now)
    ctx = replace(ctx, profile=profile)
    state = ctx.state
    if not profile.disclaimer_heard:
        ctx = replace(ctx, profile=replace(profile, disclaimer_heard=True))
        return talk.ask(ctx, rt.at(state, Mode.READY, None), ctx.say("welcome"), ctx.say("first_use"))
    if profile.check_in:
        ctx = replace(ctx, profile=replace(profile, check_in=False))
        offer = state if state.mode is Mode.RESUME else rt.at(state, Mode.READY, None)
        return talk.ask(ctx, offer, ctx.say("check_in"))
    if state.mode is Mode.RESUME:
        assert state.index is not None
        return talk.ask(
            ctx,
            state,
            ctx.say(
                "welcome_back_resume",
                name=ctx.in_sentence(state.current),
                number=state.index + 1,
                total=state.total,
            ),
        )
    if prof.completed_today(profile, ctx.now):
        return talk.ask(ctx, rt.at(state, Mode.AGAIN, None), ctx.say("welcome_back_done_today"))
    if profile.position is not None:  # too old to resume
        lead = ctx.say("resume_stale", name=ctx.in_sentence(profile.position.current))
        version = profile.position.version
        ctx = replace(ctx, profile=prof.save_position(profile, None))
        return stretches.start_routine(ctx, lead=(lead,), version=version)
    if profile.routine is not None and profile.routine != rt.DEFAULT_VERSION:
        offer = rt.overlay(rt.at(state, Mode.IDLE, None), Mode.VERSION, offer=profile.routine)
        return talk.ask(ctx, offer, ctx.say("welcome_back_short"))
    return stretches.start_routine(ctx, lead=(ctx.say("welcome_back"),))


def session_ended(ctx: Context, reason: str | None) -> Outcome:
    """She walked away or the session closed: keep her place for next time. No speech."""
    state, profile = rt.unwind(ctx.state), ctx.profile
    if ctx.state.mode in (Mode.PAIN, Mode.CHECK):
        # She went quiet while asked about pain: treat it as a symptom stop.
        return safety.end_after_pain(ctx, silent=True)
    if not rt.in_routine(state):
        return Outcome(state, profile, SILENT)
    if reason == "EXCEEDED_MAX_REPROMPTS" and ctx.state.mode is Mode.ROUTINE:
        # The stretch was spoken to its end and nobody said next: it was done.
        state = rt.mark_done(state)
        if state.next_id is None:
            if rt.finished_all(state):
                profile = prof.record_completion(profile, ctx.now)
            return Outcome(
                rt.restart(state, ctx.order_of(state.version)), prof.save_position(profile, None), SILENT
            )
        state = rt.at(state, Mode.ROUTINE, state.next_id)
    return Outcome(state, prof.save_position(profile, stretches.position_of(ctx, state)), SILENT)


def recover(ctx: Context, salvaged: str | None) -> Outcome:
    """The session's state could not be read (an older or unknown version): restart her
    current stretch if we can tell which it was, else offer to start."""
    lead = (ctx.say("lost_place"),)
    if salvaged is not None:
        return stretches.guide(ctx, rt.at(ctx.state, Mode.ROUTINE, salvaged), lead=lead)
    return talk.ask(ctx, rt.at(ctx.state, Mode.IDLE, None), *lead)


def error(ctx: Context) -> Outcome:
    """Something failed on our side: apologise, keep her place, ask the same question again."""
    place = (
        (ctx.say("error_place", name=ctx.in_sentence(ctx.state.current)),) if rt.stretching(ctx.state) else ()
    )
    return talk.ask(ctx, ctx.state, ctx.say("error_apology"), *place)
