"""Where she is: the conversation's state (a Mode from one enum plus her place in the
routine), kept in session attributes, with a tested upgrade from the previous versions.

Pure: no ask-sdk, no Flask. Session attributes hold one object under STATE_KEY ("coach"),
schema version 3:

    {
      "v": 3,
      "mode": "routine",         # a Mode value, see below
      "back": "routine" | null,  # for the modes that sit on top of another: where to return
      "version": "seated",       # the routine version (content routines.toml) she is doing
      "offer": "seated" | null,  # the version offered (mode "version")
      "order": ["seated_cat_cow", ...], # the version's stretches, by content id
      "current": "wall_angels",  # the stretch she is on, by id (never by index), or null
      "done": ["cat_cow"],       # stretches finished (not skipped) in this routine
      "spent_s": 312.5,          # planned seconds of the stretches guided in this routine
      "pace": "normal", "dose": "standard",
      "topic": "frequency" | null,   # the last answer, for "repeat" when no stretch runs
      "about": "childs_pose" | null, # the stretch just described (mode "described")
      "tipped": true             # "Alexa, next / Alexa, wait" was said this session
    }

Older schemas are upgraded on read, one step at a time: 1 (index-based, string modes
"resume_offer"...) -> 2 (by id, Mode values) -> 3 (adds "version", which was always the
one routine there was, "standard", and "offer"). `order` is kept as saved, so a state
written before the standard order changed finishes in the order it began; it must hold
exactly the version's stretches. Anything unreadable is reported to the caller, which
restarts her current stretch gracefully.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any, Mapping, Sequence

from skill.core.pacing import Settings

STATE_KEY = "coach"
SCHEMA_VERSION = 3
DEFAULT_VERSION = "standard"  # the content's first routine; what schema 1 and 2 states were doing
MAX_SPENT_S = 24 * 3600.0  # a routine takes minutes; anything beyond a day is not ours


class Mode(str, Enum):
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


# Modes that sit on top of another and return to `back` once answered.
OVERLAYS = frozenset({Mode.DESCRIBED, Mode.WAITING, Mode.CHECK, Mode.GENTLER, Mode.PAIN, Mode.DELETE,
                      Mode.VERSION})
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


def on_last_stretch(state: RoutineState) -> bool:
    return state.current is not None and state.next_id is None


def finished_all(state: RoutineState) -> bool:
    """Every stretch of the routine was done, none skipped: only then is it a finished routine."""
    return set(state.order) <= set(state.done)


# --- transitions ----------------------------------------------------------------------

def fresh(order: Sequence[str], settings: Settings = Settings(), version: str = DEFAULT_VERSION) -> RoutineState:
    return RoutineState(order=tuple(order), settings=settings, version=version)


def start(state: RoutineState, exercise_id: str | None = None) -> RoutineState:
    """A new routine from `exercise_id` (the first stretch by default): nothing done yet."""
    first = exercise_id or state.order[0]
    return replace(state, mode=Mode.ROUTINE, back=None, current=first, done=(), spent_s=0.0,
                   about=None, offer=None)


def restart(state: RoutineState) -> RoutineState:
    """Nothing running, the same version and settings, its stretches in the content's order."""
    return fresh(stretches_of(state.version), state.settings, state.version)


def switch(state: RoutineState, version: str, order: Sequence[str]) -> RoutineState:
    """Another version of the routine, from the top, nothing of it done yet."""
    return replace(state, version=version, order=tuple(order), current=None, done=(), spent_s=0.0,
                   mode=Mode.IDLE, back=None, about=None, offer=None)


def at(state: RoutineState, mode: Mode, exercise_id: str | None) -> RoutineState:
    if exercise_id is not None and exercise_id not in state.order:
        raise ValueError(f"unknown stretch {exercise_id!r}")
    return replace(state, mode=mode, back=None, current=exercise_id, about=None)


def overlay(state: RoutineState, mode: Mode, **changes: Any) -> RoutineState:
    """Put a question on top of the current mode; answering it returns to state.base."""
    return replace(state, mode=mode, back=state.base, **changes)


def unwind(state: RoutineState) -> RoutineState:
    """Drop an overlay: back to the mode underneath, place intact."""
    return replace(state, mode=state.base, back=None, about=None, offer=None)


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


# --- session attributes <-> state -----------------------------------------------------

def to_attributes(state: RoutineState) -> dict[str, Any]:
    return {
        STATE_KEY: {
            "v": SCHEMA_VERSION,
            "mode": state.mode.value,
            "back": state.back.value if state.back else None,
            "version": state.version,
            "offer": state.offer,
            "order": list(state.order),
            "current": state.current,
            "done": list(state.done),
            "spent_s": state.spent_s,
            "pace": state.settings.pace,
            "dose": state.settings.dose,
            "topic": state.topic,
            "about": state.about,
            "tipped": state.tipped,
        }
    }


class StateError(ValueError):
    """Session attributes we cannot read; `salvaged` is her current stretch if it could be found."""

    def __init__(self, reason: str, salvaged: str | None = None) -> None:
        super().__init__(reason)
        self.salvaged = salvaged


def from_attributes(attributes: Mapping[str, Any] | None, known_ids: Sequence[str]) -> RoutineState | None:
    """The state kept in the session, None when there is none. Raises StateError when it
    cannot be read (an unknown version, a mode we no longer have, a garbled field)."""
    raw = (attributes or {}).get(STATE_KEY) if isinstance(attributes, Mapping) else None
    if raw is None:
        return None
    known = tuple(known_ids)
    if not isinstance(raw, Mapping):
        raise StateError("session state is not an object")
    try:
        if raw.get("v") == 1:
            raw = upgrade_v1(raw)
        if raw.get("v") == 2:
            raw = upgrade_v2(raw)
        if raw.get("v") != SCHEMA_VERSION:
            raise ValueError(f"schema version {raw.get('v')!r}, expected {SCHEMA_VERSION}")
        return _parse(raw, known)
    except (TypeError, ValueError, KeyError, IndexError, AttributeError) as exc:
        raise StateError(f"session state discarded: {exc}", _salvage(raw, known)) from None


_V1_MODES = {"idle": "idle", "routine": "routine", "single": "single", "resume_offer": "resume",
             "fresh_offer": "fresh"}


def upgrade_v1(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Version 1 kept an index into order, string modes and a separate `asking` question."""
    order, index = raw["order"], raw["index"]
    if index is not None and (type(index) is not int or not 0 <= index < len(order)):
        raise ValueError(f"index {index!r} out of range")
    mode = _V1_MODES[raw["mode"]]
    back = None
    if raw.get("asking") == "delete":
        mode, back = "delete", mode
    replay = raw.get("replay")
    topic = None
    if isinstance(replay, list) and len(replay) == 2 and replay[0] == "answer":
        topic = _V1_TOPICS.get(replay[1])
    return {
        "v": 2, "mode": mode, "back": back, "order": order,
        "current": order[index] if index is not None else None, "done": raw["done"],
        "spent_s": raw["spent_s"], "pace": raw["pace"], "dose": raw["dose"], "topic": topic,
        "about": None, "tipped": True,
    }


def upgrade_v2(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Version 2 had one routine, the standard one, and no offers of another."""
    return {**raw, "v": 3, "version": DEFAULT_VERSION, "offer": None}


_V1_TOPICS = {"FrequencyIntent": "frequency", "TrimesterIntent": "trimester",
              "WarningSignsIntent": "warning_signs", "ListExercisesIntent": "list",
              "ProgressIntent": "progress", "AMAZON.HelpIntent": "help"}


def _parse(raw: Mapping[str, Any], known: tuple[str, ...]) -> RoutineState:
    mode = Mode(raw["mode"])
    back = Mode(raw["back"]) if raw.get("back") is not None else None
    if back is not None and (mode not in OVERLAYS or back in OVERLAYS):
        raise ValueError(f"mode {mode.value} cannot return to {back.value}")
    version = raw["version"]
    order, current, done, spent = check_place(raw["order"], raw["current"], raw["done"], raw["spent_s"], known,
                                              stretches_of(version))
    offer = raw.get("offer")
    if offer is not None:
        stretches_of(offer)
    if (mode is Mode.VERSION) != (offer is not None):
        raise ValueError("an offer belongs to mode version, and only there")
    if (mode in STRETCHING or back in STRETCHING or mode in (Mode.RESUME, Mode.GENTLER, Mode.PAIN)) \
            and current is None:
        raise ValueError(f"mode {mode.value} needs a current stretch")
    about = raw.get("about")
    if about is not None and about not in known:
        raise ValueError("about names an unknown stretch")
    if mode is Mode.DESCRIBED and about is None:
        raise ValueError("described needs a stretch")
    topic = raw.get("topic")
    if topic is not None and topic not in TOPICS:
        raise ValueError(f"unknown topic {topic!r}")
    tipped = raw.get("tipped", False)
    if not isinstance(tipped, bool):
        raise ValueError("tipped is not a boolean")
    return RoutineState(order=order, mode=mode, back=back, current=current,
                        settings=Settings(pace=raw["pace"], dose=raw["dose"]), done=done,
                        spent_s=spent, topic=topic, about=about, tipped=tipped, version=version, offer=offer)


# Questions the coach answers from content (see skill.core.coach.talk).
TOPICS = ("frequency", "trimester", "warning_signs", "list", "progress", "help")


def stretches_of(version: Any) -> tuple[str, ...]:
    """The stretches of a routine version in the content's own order; ValueError if unknown."""
    from skill.core.content import default  # the routines are content; read once, cached

    if not isinstance(version, str):
        raise ValueError("routine version is not a string")
    try:
        return default().routine(version).stretches
    except KeyError:
        raise ValueError(f"unknown routine version {version!r}") from None


def check_place(
    order: Any, current: Any, done: Any, spent_s: Any, known_ids: Sequence[str],
    stretches: Sequence[str] | None = None,
) -> tuple[tuple[str, ...], str | None, tuple[str, ...], float]:
    """Validate a place in the routine read back from the session or from storage: `order`
    holds exactly `stretches` (a version's), in any order, all of them known."""
    if (not isinstance(order, list) or not all(isinstance(i, str) and i in known_ids for i in order)
            or len(set(order)) != len(order) or not order
            or (stretches is not None and sorted(order) != sorted(stretches))):
        raise ValueError("order is not a permutation of the version's stretches")
    if current is not None and current not in order:
        raise ValueError(f"current stretch {current!r} is unknown")
    if not isinstance(done, list) or not all(isinstance(d, str) and d in order for d in done):
        raise ValueError("done holds unknown stretches")
    if type(spent_s) not in (int, float) or not math.isfinite(spent_s) or not 0 <= spent_s <= MAX_SPENT_S:
        raise ValueError("spent_s is not a number of seconds in range")
    return tuple(order), current, tuple(dict.fromkeys(done)), float(spent_s)


def _salvage(raw: Mapping[str, Any], known: tuple[str, ...]) -> str | None:
    """Her current stretch from a state we cannot otherwise read, if it names one we know."""
    current = raw.get("current")
    if isinstance(current, str) and current in known:
        return current
    order, index = raw.get("order"), raw.get("index")
    if isinstance(order, list) and type(index) is int and 0 <= index < len(order):
        candidate = order[index]
        if isinstance(candidate, str) and candidate in known:
            return candidate
    return None
