"""Where she is: the conversation's state, a Mode from one enum plus her place in the
routine (order, current stretch by id, done, settings, version), and its transitions.

Pure: no ask-sdk, no Flask. skill/core/attributes.py keeps it in session attributes
(versioned, with upgrades from older schemas).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from skill.core.pacing import Settings
from skill.core.reminders import Draft

DEFAULT_VERSION = "standard"  # the content's first routine; what schema 1 and 2 states were doing
MAX_SPENT_S = 24 * 3600.0  # a routine takes minutes; anything beyond a day is not ours


class Mode(StrEnum):
    """The conversation's states. docs/conversation.md prints what each event does in each."""

    IDLE = "idle"  # nothing running, nothing offered
    READY = "ready"  # asked "ready?" before moving her body (first use, after a symptom stop)
    RESUME = "resume"  # offered to pick up an unfinished routine at `current`
    FRESH = "fresh"  # she declined the resume offer: offered to start from the top
    AGAIN = "again"  # the routine is already done today: offered to do it again
    ROUTINE = "routine"  # guided `current` as part of the routine
    SINGLE = "single"  # guided `current` on its own; offered the rest of the routine
    DESCRIBED = "described"  # said what `about` is; offered to do it now
    WAITING = "waiting"  # a minute's wait; asked "ready to carry on?"
    CHECK = "check"  # an unclear symptom word: asked "is that pain?"
    GENTLER = "gentler"  # discomfort: offered a gentler version of `current`
    PAIN = "pain"  # pain: `current` stopped; offered to skip on to the next stretch
    DELETE = "delete"  # asked to confirm deleting her data
    VERSION = "version"  # offered a routine version (`offer`): her last choice, or seated
    REMINDER = "reminder"  # restated a reminder (`draft`, complete) and asked to set it
    REMINDER_DAYS = "reminder_days"  # asked which days she would like a reminder on
    REMINDER_TIME = "reminder_time"  # asked what time (`draft` has the days)


# Modes that sit on top of another and return to `back` once answered.
OVERLAYS = frozenset(
    {
        Mode.DESCRIBED,
        Mode.WAITING,
        Mode.CHECK,
        Mode.GENTLER,
        Mode.PAIN,
        Mode.DELETE,
        Mode.VERSION,
        Mode.REMINDER,
        Mode.REMINDER_DAYS,
        Mode.REMINDER_TIME,
    }
)
# Modes that ask about a reminder; they carry a `draft`.
REMINDING = frozenset({Mode.REMINDER, Mode.REMINDER_DAYS, Mode.REMINDER_TIME})
# Modes in which a stretch is under way (guided, or paused in the middle of).
STRETCHING = frozenset({Mode.ROUTINE, Mode.SINGLE})


@dataclass(frozen=True)
class RoutineState:
    order: tuple[str, ...]
    mode: Mode = Mode.IDLE
    back: Mode | None = None
    current: str | None = None
    settings: Settings = Settings()
    done: tuple[str, ...] = ()
    spent_s: float = 0.0
    topic: str | None = None
    about: str | None = None
    tipped: bool = False
    version: str = DEFAULT_VERSION
    offer: str | None = None
    draft: Draft | None = None  # the reminder she is choosing (modes in REMINDING)

    @property
    def total(self) -> int:
        return len(self.order)

    @property
    def index(self) -> int | None:
        return self.order.index(self.current) if self.current is not None else None

    @property
    def next_id(self) -> str | None:
        i = self.index
        if i is None:
            return self.order[0]
        return self.order[i + 1] if i + 1 < len(self.order) else None

    @property
    def previous_id(self) -> str | None:
        i = self.index
        return self.order[i - 1] if i else None

    @property
    def base(self) -> Mode:
        """The mode underneath an overlay (the mode itself otherwise)."""
        return self.back if self.mode in OVERLAYS and self.back is not None else self.mode


# --- predicates -----------------------------------------------------------------------


def stretching(state: RoutineState) -> bool:
    """A stretch is under way: guided, or interrupted by a wait, a question or a symptom."""
    return state.current is not None and state.base in STRETCHING


def in_routine(state: RoutineState) -> bool:
    return state.current is not None and state.base is Mode.ROUTINE


def finished_all(state: RoutineState) -> bool:
    """Every stretch of the routine was done, none skipped: only then is it a finished routine."""
    return set(state.order) <= set(state.done)


# --- transitions ----------------------------------------------------------------------


def fresh(
    order: Sequence[str], settings: Settings = Settings(), version: str = DEFAULT_VERSION
) -> RoutineState:
    return RoutineState(order=tuple(order), settings=settings, version=version)


def start(state: RoutineState, exercise_id: str | None = None) -> RoutineState:
    """A new routine from `exercise_id` (the first stretch by default): nothing done yet."""
    first = exercise_id or state.order[0]
    return replace(
        state,
        mode=Mode.ROUTINE,
        back=None,
        current=first,
        done=(),
        spent_s=0.0,
        about=None,
        offer=None,
        draft=None,
    )


def restart(state: RoutineState, order: Sequence[str]) -> RoutineState:
    """Nothing running, the same version and settings, its stretches in `order` (the content's)."""
    return fresh(order, state.settings, state.version)


def switch(state: RoutineState, version: str, order: Sequence[str]) -> RoutineState:
    """Another version of the routine, from the top, nothing of it done yet."""
    return replace(
        state,
        version=version,
        order=tuple(order),
        current=None,
        done=(),
        spent_s=0.0,
        mode=Mode.IDLE,
        back=None,
        about=None,
        offer=None,
        draft=None,
    )


def at(state: RoutineState, mode: Mode, exercise_id: str | None) -> RoutineState:
    if exercise_id is not None and exercise_id not in state.order:
        raise ValueError(f"unknown stretch {exercise_id!r}")
    return replace(state, mode=mode, back=None, current=exercise_id, about=None, draft=None)


def bring_forward(state: RoutineState, exercise_id: str, *, after_current: bool) -> RoutineState:
    """`exercise_id` moved to just after state.current in the order (just before it with
    after_current=False), the others kept in their order: a stretch asked for by name
    mid-routine comes now, and the ones it jumped over still come after it."""
    rest = [i for i in state.order if i != exercise_id]
    at = rest.index(state.current) + after_current if state.current in rest else 0
    return replace(state, order=(*rest[:at], exercise_id, *rest[at:]))


def overlay(state: RoutineState, mode: Mode, **changes: Any) -> RoutineState:
    """Put a question on top of the current mode; answering it returns to state.base."""
    return replace(state, mode=mode, back=state.base, **changes)


def unwind(state: RoutineState) -> RoutineState:
    """Drop an overlay: back to the mode underneath, place intact."""
    return replace(state, mode=state.base, back=None, about=None, offer=None, draft=None)


def mark_done(state: RoutineState) -> RoutineState:
    current = state.current
    if current is None or current in state.done:
        return state
    return replace(state, done=(*state.done, current))


def guided(state: RoutineState, seconds: float) -> RoutineState:
    return replace(state, spent_s=min(round(state.spent_s + seconds, 1), MAX_SPENT_S), topic=None)


def shift(options: Sequence[str], value: str, step: int) -> str | None:
    """The neighbouring setting, or None when already at the end of the scale."""
    i = options.index(value) + step
    return options[i] if 0 <= i < len(options) else None


def with_settings(state: RoutineState, settings: Settings) -> RoutineState:
    return replace(state, settings=settings)


# Questions the coach answers from content (see skill.core.coach.talk).
TOPICS = ("frequency", "trimester", "warning_signs", "list", "progress", "help")


def check_place(
    order: Any,
    current: Any,
    done: Any,
    spent_s: Any,
    known_ids: Sequence[str],
    stretches: Sequence[str] | None = None,
) -> tuple[tuple[str, ...], str | None, tuple[str, ...], float]:
    """Validate a place in the routine read back from the session or from storage: `order`
    holds exactly `stretches` (a version's), in any order, all of them known."""
    if (
        not isinstance(order, list)
        or not all(isinstance(i, str) and i in known_ids for i in order)
        or len(set(order)) != len(order)
        or not order
        or (stretches is not None and sorted(order) != sorted(stretches))
    ):
        raise ValueError("order is not a permutation of the version's stretches")
    if current is not None and current not in order:
        raise ValueError(f"current stretch {current!r} is unknown")
    if not isinstance(done, list) or not all(isinstance(d, str) and d in order for d in done):
        raise ValueError("done holds unknown stretches")
    if type(spent_s) not in (int, float) or not math.isfinite(spent_s) or not 0 <= spent_s <= MAX_SPENT_S:
        raise ValueError("spent_s is not a number of seconds in range")
    return tuple(order), current, tuple(dict.fromkeys(done)), float(spent_s)
