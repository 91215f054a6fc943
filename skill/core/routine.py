"""Where she is: the routine state kept in session attributes, and its transitions.

Pure: no ask-sdk, no Flask. Handlers read a RoutineState from the session, call a
transition, and write it back.

Session attributes hold one object under STATE_KEY ("coach"), version 1:

    {
      "v": 1,
      "mode": "idle" | "routine" | "single" | "resume_offer" | "fresh_offer",
      "order": ["cat_cow", "shoulder_squeezes", "wall_angels", "childs_pose", "chest_opener"],
      "index": 2,              # the stretch she is on (0-based into order), or null
      "pace": "normal",        # slower | normal | faster: breath timing
      "dose": "standard",      # short | standard | full: breaths, reps, hold length
      "done": ["cat_cow"],     # stretches finished in this routine
      "spent_s": 312.5,        # planned seconds of the stretches guided in this routine
      "replay": ["stretch", "wall_angels"] | ["answer", "FrequencyIntent"] | null,
      "asking": "delete" | null  # a yes/no question pending on top of the mode
    }

mode: "routine" means the last response guided order[index] (or offered it); "single"
means she asked for one stretch by name outside a routine and order[index] was guided;
"resume_offer" and "fresh_offer" are yes/no questions at launch. "asking" is a question
asked on top of any mode (before deleting her data): answering it, or saying anything
else, returns her to the mode she was in, place intact. Anything missing, older or malformed is replaced
by a fresh state and the problem is reported to the caller to log; it never raises.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Mapping, Sequence

from skill.core.pacing import Settings

STATE_KEY = "coach"
SCHEMA_VERSION = 1
MODES = ("idle", "routine", "single", "resume_offer", "fresh_offer")
QUESTIONS = ("delete",)
REPLAY_KINDS = ("stretch", "answer")


@dataclass(frozen=True)
class RoutineState:
    order: tuple[str, ...]
    mode: str = "idle"
    index: int | None = None
    settings: Settings = Settings()
    done: tuple[str, ...] = ()
    spent_s: float = 0.0
    replay: tuple[str, str] | None = None
    asking: str | None = None

    @property
    def total(self) -> int:
        return len(self.order)

    @property
    def current_id(self) -> str | None:
        return self.order[self.index] if self.index is not None else None

    @property
    def next_id(self) -> str | None:
        if self.index is None:
            return self.order[0]
        nxt = self.index + 1
        return self.order[nxt] if nxt < len(self.order) else None


# --- predicates -------------------------------------------------------------------------

def in_routine(state: RoutineState) -> bool:
    return state.mode == "routine" and state.index is not None


def on_last_stretch(state: RoutineState) -> bool:
    return in_routine(state) and state.index == len(state.order) - 1


def awaiting_answer(state: RoutineState) -> bool:
    """A yes/no question is pending."""
    return state.asking is not None or state.mode in ("resume_offer", "fresh_offer", "single")


# --- transitions ------------------------------------------------------------------------

def fresh(order: Sequence[str], settings: Settings = Settings()) -> RoutineState:
    return RoutineState(order=tuple(order), settings=settings)


def start(state: RoutineState, index: int = 0) -> RoutineState:
    return replace(state, mode="routine", index=index, done=(), spent_s=0.0)


def go_to(state: RoutineState, index: int) -> RoutineState:
    if not 0 <= index < len(state.order):
        raise IndexError(f"no stretch at index {index}")
    return replace(state, mode="routine", index=index)


def mark_done(state: RoutineState) -> RoutineState:
    current = state.current_id
    if current is None or current in state.done:
        return state
    return replace(state, done=state.done + (current,))


def guided(state: RoutineState, exercise_id: str, seconds: float) -> RoutineState:
    """Record that a stretch was just spoken: it is what Repeat replays and counts as time spent."""
    return replace(state, spent_s=round(state.spent_s + seconds, 1), replay=("stretch", exercise_id))


def answered(state: RoutineState, intent_name: str) -> RoutineState:
    return replace(state, replay=("answer", intent_name))


def single(state: RoutineState, exercise_id: str) -> RoutineState:
    return replace(state, mode="single", index=state.order.index(exercise_id))


def with_mode(state: RoutineState, mode: str) -> RoutineState:
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}")
    return replace(state, mode=mode)


def ask(state: RoutineState, question: str | None) -> RoutineState:
    if question is not None and question not in QUESTIONS:
        raise ValueError(f"unknown question {question!r}")
    return replace(state, asking=question)


def shift(options: Sequence[str], value: str, step: int) -> str | None:
    """The neighbouring setting, or None when already at the end of the scale."""
    i = options.index(value) + step
    return options[i] if 0 <= i < len(options) else None


def with_settings(state: RoutineState, *, pace: str | None = None, dose: str | None = None) -> RoutineState:
    return replace(state, settings=Settings(pace=pace or state.settings.pace, dose=dose or state.settings.dose))


# --- session attributes <-> state -------------------------------------------------------

def to_attributes(state: RoutineState) -> dict[str, Any]:
    return {
        STATE_KEY: {
            "v": SCHEMA_VERSION,
            "mode": state.mode,
            "order": list(state.order),
            "index": state.index,
            "pace": state.settings.pace,
            "dose": state.settings.dose,
            "done": list(state.done),
            "spent_s": state.spent_s,
            "replay": list(state.replay) if state.replay else None,
            "asking": state.asking,
        }
    }


def from_attributes(
    attributes: Mapping[str, Any] | None, known_ids: Sequence[str], default: RoutineState | None = None
) -> tuple[RoutineState, str | None]:
    """Read the state back; on any problem return (default or fresh state, reason)."""
    base = default or fresh(known_ids)
    raw = (attributes or {}).get(STATE_KEY)
    if raw is None:
        return base, None
    try:
        return _parse(raw, tuple(known_ids)), None
    except (TypeError, ValueError, KeyError, IndexError) as exc:
        return base, f"session state discarded: {exc}"


def _parse(raw: Any, known_ids: tuple[str, ...]) -> RoutineState:
    if not isinstance(raw, Mapping):
        raise TypeError("not an object")
    if raw.get("v") != SCHEMA_VERSION:
        raise ValueError(f"schema version {raw.get('v')!r}, expected {SCHEMA_VERSION}")
    mode = raw["mode"]
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}")
    order, index, done, spent = check_place(raw["order"], raw["index"], raw["done"], raw["spent_s"], known_ids)
    if mode in ("routine", "single", "resume_offer") and index is None:
        raise ValueError(f"mode {mode} needs an index")
    settings = Settings(pace=raw["pace"], dose=raw["dose"])  # raises ValueError on unknown values
    asking = raw.get("asking")
    if asking is not None and asking not in QUESTIONS:
        raise ValueError(f"unknown question {asking!r}")
    replay = raw.get("replay")
    if replay is not None:
        if (not isinstance(replay, list) or len(replay) != 2 or replay[0] not in REPLAY_KINDS
                or not isinstance(replay[1], str)):
            raise ValueError("replay is malformed")
        if replay[0] == "stretch" and replay[1] not in known_ids:
            raise ValueError("replay names an unknown stretch")
        replay = (replay[0], replay[1])
    return RoutineState(order=order, mode=mode, index=index, settings=settings, done=done,
                        spent_s=spent, replay=replay, asking=asking)


def check_place(
    order: Any, index: Any, done: Any, spent_s: Any, known_ids: Sequence[str]
) -> tuple[tuple[str, ...], int | None, tuple[str, ...], float]:
    """Validate a place in the routine read back from the session or from storage."""
    if not isinstance(order, list) or sorted(order) != sorted(known_ids) or len(set(order)) != len(order):
        raise ValueError("order is not a permutation of the known stretches")
    if index is not None and (type(index) is not int or not 0 <= index < len(order)):
        raise ValueError(f"index {index!r} out of range")
    if not isinstance(done, list) or not all(d in known_ids for d in done):
        raise ValueError("done holds unknown stretches")
    if type(spent_s) not in (int, float) or spent_s < 0:
        raise ValueError("spent_s is not a non-negative number")
    return tuple(order), index, tuple(done), float(spent_s)
