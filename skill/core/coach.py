"""The conversation's decisions: given where she is, what happens next and what is said.

Pure: each event function takes a Context (routine state, stored profile, the time) and
returns an Outcome (new state, new profile, a Reply, and any side effect for the handler
layer to carry out). Handlers in skill/alexa/handlers/ only translate requests into these calls
and Outcomes into ask-sdk responses, so the whole conversation is testable without HTTP.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Union

from skill.core import profile as prof
from skill.core import routine as rt
from skill.core.content import CONTENT, say
from skill.core.pacing import DOSES, PACES, plan, routine_seconds
from skill.core.profile import Position, Profile
from skill.core.routine import RoutineState
from skill.core.timeline import Timeline

Part = Union[str, Timeline]


@dataclass(frozen=True)
class Reply:
    parts: tuple[Part, ...]
    reprompt: str | None = None
    end_session: bool = False


SILENT = Reply(parts=())


@dataclass(frozen=True)
class Context:
    state: RoutineState
    profile: Profile
    now: datetime


@dataclass(frozen=True)
class Outcome:
    state: RoutineState
    profile: Profile
    reply: Reply
    effects: tuple[str, ...] = field(default=())  # "delete_data"


# --- small helpers -------------------------------------------------------------------------

def _name(exercise_id: str | None) -> str:
    return CONTENT.exercise(exercise_id).name if exercise_id else ""


def spoken_list(items: list[str], conjunction: str = "and") -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])}, {conjunction} {items[-1]}"


def minutes_phrase(seconds: float) -> str:
    minutes = max(1, math.floor(seconds / 60 + 0.5))
    return "about one minute" if minutes == 1 else f"about {minutes} minutes"


def _all_names(conjunction: str) -> str:
    return spoken_list([e.name for e in CONTENT.exercises], conjunction)


def _position_of(state: RoutineState, now: datetime) -> Position:
    assert state.index is not None
    return Position(state.order, state.index, state.done, state.spent_s, now)


def _count_phrase(profile: Profile, now: datetime) -> str:
    count = prof.completions_in_last_week(profile, now)
    if count == 0:
        return say("count_none")
    if count == 1:
        return say("count_one")
    return say("count_some", count=count)


def followup(state: RoutineState) -> tuple[str, str]:
    """What to say after answering a side question, and its reprompt, for each mode."""
    if state.asking == "delete":
        return (say("delete_confirm_reprompt"),) * 2
    if rt.in_routine(state):
        if rt.on_last_stretch(state):
            line = say("followup_routine_last")
            return line, line
        line = say("followup_routine", next_name=_name(state.next_id))
        return line, line
    if state.mode == "resume_offer":
        return (say("resume_offer_reprompt", name=_name(state.current_id)),) * 2
    if state.mode == "single":
        nxt = state.next_id or state.order[0]
        return (say("single_offer_reprompt", next_name=_name(nxt)),) * 2
    if state.mode == "fresh_offer":
        return (say("fresh_offer_reprompt"),) * 2
    return say("followup_idle"), say("followup_idle_reprompt")


# --- guiding a stretch ---------------------------------------------------------------------

def _guide(ctx: Context, state: RoutineState, *, lead: tuple[str, ...] = ()) -> Outcome:
    """Speak order[state.index] in the state's mode ("routine" or "single")."""
    assert state.index is not None
    exercise = CONTENT.exercise(state.order[state.index])
    profile = ctx.profile
    lead_parts = list(lead)
    if not profile.disclaimer_heard:
        lead_parts.append(say("first_use"))
        profile = replace(profile, disclaimer_heard=True)
    timeline = plan(exercise, state.settings)
    state = rt.guided(state, exercise.id, timeline.planned_s)

    if state.mode == "single":
        intro = say("single_intro", name=exercise.name)
        nxt = state.next_id
        if nxt is None:
            offer = say("single_offer_from_top", next_name=_name(state.order[0]))
        else:
            offer = say("single_offer", next_name=_name(nxt))
        reprompt = say("single_offer_reprompt", next_name=_name(nxt or state.order[0]))
        return Outcome(state, profile, Reply((*lead_parts, intro, timeline, offer), reprompt))

    intro = say("stretch_intro", number=state.index + 1, total=state.total, name=exercise.name)
    if rt.on_last_stretch(state):
        closing = say("last_stretch_prompt")
        reprompt = say("last_stretch_reprompt", name=exercise.name)
    else:
        closing = say("next_prompt", next_name=_name(state.next_id))
        reprompt = say("next_reprompt", next_name=_name(state.next_id), name=exercise.name)
    # Saved at every stretch, so a session that times out mid-hold still keeps her place.
    profile = prof.save_position(profile, _position_of(state, ctx.now))
    return Outcome(state, profile, Reply((*lead_parts, intro, timeline, closing), reprompt))


def _finish(ctx: Context, state: RoutineState) -> Outcome:
    minutes = minutes_phrase(state.spent_s)
    profile = prof.record_completion(ctx.profile, ctx.now)
    done = rt.fresh(state.order, state.settings)
    reply = Reply((say("routine_done", minutes=minutes), _count_phrase(profile, ctx.now),
                   say("routine_done_advice")), end_session=True)
    return Outcome(done, profile, reply)


def _start_routine(ctx: Context, index: int = 0, lead: tuple[str, ...] = ()) -> Outcome:
    return _guide(ctx, rt.start(ctx.state, index), lead=lead)


# --- events --------------------------------------------------------------------------------

def new_session_state(profile: Profile, now: datetime) -> RoutineState:
    """The state a new session starts in: an unfinished routine is offered, not assumed."""
    state = rt.fresh(CONTENT.ids, profile.settings)
    pos = profile.position
    if pos is not None and prof.resumable(profile, now) and pos.order == state.order:
        state = replace(state, mode="resume_offer", index=pos.index, done=pos.done, spent_s=pos.spent_s)
    return state


def launch(ctx: Context) -> Outcome:
    profile = prof.seen(ctx.profile, ctx.now)
    ctx = replace(ctx, profile=profile)
    if ctx.state.mode == "resume_offer":
        name = _name(ctx.state.current_id)
        text = say("resume_offer", name=name, number=ctx.state.index + 1, total=ctx.state.total)
        return Outcome(ctx.state, profile, Reply((text,), say("resume_offer_reprompt", name=name)))
    lead: tuple[str, ...] = (say("welcome"),)
    if profile.position is not None:  # too old to resume
        lead = (say("resume_stale", name=_name(profile.position.order[profile.position.index])),)
        ctx = replace(ctx, profile=prof.save_position(profile, None))
    return _start_routine(ctx, 0, lead)


def start_routine(ctx: Context) -> Outcome:
    return _start_routine(ctx, 0)


def start_over(ctx: Context) -> Outcome:
    return _start_routine(ctx, 0)


def resume(ctx: Context) -> Outcome:
    state = ctx.state
    if state.mode == "resume_offer":
        return _guide(ctx, rt.go_to(state, state.index))
    if rt.in_routine(state) or state.mode == "single":
        return next_stretch(ctx)
    return _start_routine(ctx, 0)


def next_stretch(ctx: Context) -> Outcome:
    state = ctx.state
    if state.mode == "resume_offer":
        return _guide(ctx, rt.go_to(state, state.index))
    if state.mode == "single":
        return _continue_after_single(ctx)
    if not rt.in_routine(state):
        return _start_routine(ctx, 0)
    return _advance(ctx, rt.mark_done(state))


def skip(ctx: Context) -> Outcome:
    """Like next, but the stretch she skipped is not counted as done."""
    if not rt.in_routine(ctx.state):
        return next_stretch(ctx)
    return _advance(ctx, ctx.state)


def _advance(ctx: Context, state: RoutineState) -> Outcome:
    if rt.on_last_stretch(state):
        return _finish(ctx, state)
    return _guide(ctx, rt.go_to(state, state.index + 1))


def previous(ctx: Context) -> Outcome:
    state = ctx.state
    if not rt.in_routine(state):
        if state.mode in ("resume_offer", "single") and state.index is not None:
            return _guide(ctx, rt.go_to(state, max(state.index - 1, 0)))
        return answer_only(ctx, ())
    if state.index == 0:
        return _guide(ctx, state, lead=(say("previous_at_start"),))
    return _guide(ctx, rt.go_to(state, state.index - 1))


def _continue_after_single(ctx: Context) -> Outcome:
    state = ctx.state
    nxt = (state.index or 0) + 1
    return _guide(ctx, rt.start(state, nxt if nxt < state.total else 0))


def exercise(ctx: Context, exercise_id: str | None) -> Outcome:
    state = ctx.state
    if exercise_id is None or exercise_id not in state.order:
        text = say("ask_which", names=_all_names("or"))
        return Outcome(state, ctx.profile, Reply((text,), say("ask_which_reprompt")))
    index = state.order.index(exercise_id)
    if rt.in_routine(state) or state.mode == "resume_offer":
        return _guide(ctx, rt.go_to(state, index))
    return _guide(ctx, rt.single(state, exercise_id))


def repeat(ctx: Context) -> Outcome:
    state = ctx.state
    if state.replay is None:
        return answer_only(ctx, ())
    kind, what = state.replay
    if kind == "stretch":
        if state.mode in ("routine", "single") and state.current_id == what:
            return _guide(ctx, state)
        return _guide(ctx, rt.single(state, what))
    return answer(ctx, what)


def yes(ctx: Context) -> Outcome:
    state = ctx.state
    if state.asking == "delete":
        gone = Profile()
        reply = Reply((say("delete_done"),), end_session=True)
        return Outcome(rt.fresh(state.order), gone, reply, effects=("delete_data",))
    if state.mode == "fresh_offer":
        return _start_routine(ctx, 0)
    return next_stretch(ctx)


def no(ctx: Context) -> Outcome:
    state = ctx.state
    if state.asking == "delete":
        return answer_only(replace(ctx, state=rt.ask(state, None)), (say("delete_kept"),))
    if state.mode == "resume_offer":
        new = rt.with_mode(state, "fresh_offer")
        return Outcome(new, ctx.profile, Reply((say("fresh_offer"),), say("fresh_offer_reprompt")))
    if rt.in_routine(state):
        return Outcome(state, ctx.profile, Reply((say("no_in_routine"),),
                                                 followup(state)[1]))
    return stop(ctx)


def pause(ctx: Context) -> Outcome:
    state = ctx.state
    if state.index is None or state.mode not in ("routine", "resume_offer"):
        return stop(ctx)
    profile = prof.save_position(ctx.profile, _position_of(state, ctx.now))
    text = say("pause", name=_name(state.current_id), number=state.index + 1, total=state.total)
    return Outcome(rt.with_mode(state, "routine"), profile, Reply((text,), end_session=True))


def stop(ctx: Context) -> Outcome:
    state = ctx.state
    if state.index is not None and state.mode in ("routine", "resume_offer"):
        profile = prof.save_position(ctx.profile, _position_of(state, ctx.now))
        text = say("stop_in_routine", name=_name(state.current_id))
        return Outcome(state, profile, Reply((text,), end_session=True))
    return Outcome(state, ctx.profile, Reply((say("goodbye"),), end_session=True))


def symptom(ctx: Context) -> Outcome:
    # Safety first: stop at once, and do not invite her back into this routine next launch.
    state = rt.fresh(ctx.state.order, ctx.state.settings)
    profile = prof.save_position(ctx.profile, None)
    return Outcome(state, profile, Reply((say("symptom_stop"),), end_session=True))


def answer_only(ctx: Context, lines: tuple[str, ...]) -> Outcome:
    line, reprompt = followup(ctx.state)
    return Outcome(ctx.state, ctx.profile, Reply((*lines, line), reprompt))


ANSWERS = ("FrequencyIntent", "TrimesterIntent", "WarningSignsIntent", "ListExercisesIntent",
           "ProgressIntent", "AMAZON.HelpIntent")


def answer(ctx: Context, intent_name: str) -> Outcome:
    """Questions answered from content; mid-routine she is then pointed back to it."""
    state, profile, now = ctx.state, ctx.profile, ctx.now
    if intent_name == "FrequencyIntent":
        lines: tuple[str, ...] = (say("frequency_with_count", this_week=_count_phrase(profile, now)),)
    elif intent_name == "TrimesterIntent":
        lines = (say("trimester"),)
    elif intent_name == "WarningSignsIntent":
        lines = (say("warning_signs"),)
    elif intent_name == "ListExercisesIntent":
        total = routine_seconds(state.settings)
        lines = (say("list_exercises", names=_all_names("and"), minutes=minutes_phrase(total)),)
        if not rt.in_routine(state) and state.mode == "idle":
            lines += (say("list_exercises_followup"),)
            return Outcome(rt.answered(state, intent_name), profile,
                           Reply(lines, say("followup_idle_reprompt")))
    elif intent_name == "ProgressIntent":
        if rt.in_routine(state):
            rest = [_name(i) for i in state.order[state.index + 1:]]
            remaining = (say("progress_remaining_some", names=spoken_list(rest))
                         if rest else say("progress_remaining_none"))
            lines = (say("progress_in_routine", number=state.index + 1, total=state.total,
                         name=_name(state.current_id), remaining=remaining),)
        else:
            lines = (say("progress_idle"), _count_phrase(profile, now))
    elif intent_name == "AMAZON.HelpIntent":
        lines = (say("help_routine", name=_name(state.current_id)) if rt.in_routine(state)
                 else say("help_start"),)
    else:
        raise ValueError(f"no answer for {intent_name}")
    return answer_only(replace(ctx, state=rt.answered(state, intent_name)), lines)


ADJUSTMENTS = {
    # intent: (setting, step, confirmation key, at-the-limit key)
    "SlowerIntent": ("pace", -1, "setting_slower", "setting_at_slowest"),
    "FasterIntent": ("pace", +1, "setting_faster", "setting_at_fastest"),
    "ShorterIntent": ("dose", -1, "setting_shorter", "setting_at_shortest"),
    "LongerIntent": ("dose", +1, "setting_longer", "setting_at_longest"),
}


def adjust(ctx: Context, intent_name: str) -> Outcome:
    setting, step, said_key, limit_key = ADJUSTMENTS[intent_name]
    state = ctx.state
    options = PACES if setting == "pace" else DOSES
    current = state.settings.pace if setting == "pace" else state.settings.dose
    new_value = rt.shift(options, current, step)
    if new_value is None:
        return answer_only(ctx, (say(limit_key),))
    state = rt.with_settings(state, **{setting: new_value})
    profile = replace(ctx.profile, settings=state.settings)
    lines: tuple[str, ...] = (say(said_key),)
    if rt.in_routine(state):
        lines += (say("setting_applies_next"),)
    return answer_only(Context(state, profile, ctx.now), lines)


# Intents that answer (or ask about) a pending question; any other intent leaves it.
KEEPS_QUESTION = frozenset({"AMAZON.YesIntent", "AMAZON.NoIntent", "AMAZON.FallbackIntent",
                            "AMAZON.HelpIntent"})


def leave_question(ctx: Context, intent_name: str) -> Context:
    """Saying something else instead of yes or no drops the question, never her place."""
    if ctx.state.asking is None or intent_name in KEEPS_QUESTION:
        return ctx
    return replace(ctx, state=rt.ask(ctx.state, None))


def delete_request(ctx: Context) -> Outcome:
    state = rt.ask(ctx.state, "delete")
    return Outcome(state, ctx.profile, Reply((say("delete_confirm"),), say("delete_confirm_reprompt")))


def fallback(ctx: Context) -> Outcome:
    state = ctx.state
    if rt.awaiting_answer(state):
        line, reprompt = followup(state)
        return Outcome(state, ctx.profile, Reply((say("fallback_question"), line), reprompt))
    if rt.in_routine(state):
        text = say("fallback_routine", name=_name(state.current_id))
        return Outcome(state, ctx.profile, Reply((text,), followup(state)[1]))
    return Outcome(state, ctx.profile, Reply((say("fallback_idle"),), say("followup_idle_reprompt")))


def session_ended(ctx: Context, reason: str | None) -> Outcome:
    """She walked away or the session closed: keep her place for next time."""
    state, profile = ctx.state, ctx.profile
    if state.index is None or state.mode not in ("routine", "resume_offer"):
        return Outcome(state, profile, SILENT)
    if reason == "EXCEEDED_MAX_REPROMPTS" and state.mode == "routine":
        # The stretch was spoken to the end and nobody said next: count it as done.
        state = rt.mark_done(state)
        if rt.on_last_stretch(state):
            return Outcome(rt.fresh(state.order, state.settings),
                           prof.record_completion(profile, ctx.now), SILENT)
        state = rt.go_to(state, state.index + 1)
    return Outcome(state, prof.save_position(profile, _position_of(state, ctx.now)), SILENT)


def error(ctx: Context) -> Outcome:
    state = ctx.state
    if state.index is not None and state.mode in ("routine", "resume_offer"):
        tail = say("error_in_routine", name=_name(state.current_id))
    else:
        tail = say("error_idle")
    return Outcome(state, ctx.profile, Reply((say("error_apology"), tail), tail))
