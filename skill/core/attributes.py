"""Session attributes <-> RoutineState, versioned, with a tested upgrade path.

Pure: no ask-sdk, no Flask. Session attributes hold one object under STATE_KEY ("coach"),
schema version 4:

    {
      "v": 4,
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
      "tipped": true,            # "Alexa, next / Alexa, wait" was said this session
      "draft": {"days": ["MO", "TH"], "time": "19:00"} | null   # a reminder being chosen
                                 # (modes reminder, reminder_days, reminder_time; time may be null)
    }

Older schemas are upgraded on read, one step at a time: 1 (index-based, string modes
"resume_offer"...) -> 2 (by id, Mode values) -> 3 (adds "version", which was always the
one routine there was, "standard", and "offer") -> 4 (adds "draft", the reminder she is
choosing; a version-3 state was never choosing one). `order` is kept as saved, so a state
written before the standard order changed finishes in the order it began; it must hold
exactly the version's stretches. Anything unreadable is reported to the caller, which
restarts her current stretch gracefully.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from skill.core.content import Content
from skill.core.pacing import Settings
from skill.core.reminders import DAYS, Draft, parse_time
from skill.core.routine import (
    DEFAULT_VERSION,
    OVERLAYS,
    REMINDING,
    STRETCHING,
    TOPICS,
    Mode,
    RoutineState,
    check_place,
)

STATE_KEY = "coach"
SCHEMA_VERSION = 4


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
            "draft": None
            if state.draft is None
            else {"days": list(state.draft.days), "time": state.draft.time},
        }
    }


class StateError(ValueError):
    """Session attributes we cannot read; `salvaged` is her current stretch if it could be found."""

    def __init__(self, reason: str, salvaged: str | None = None) -> None:
        super().__init__(reason)
        self.salvaged = salvaged


def from_attributes(attributes: Mapping[str, Any] | None, content: Content) -> RoutineState | None:
    """The state kept in the session, None when there is none. Raises StateError when it
    cannot be read (an unknown version, a mode we no longer have, a garbled field)."""
    raw = (attributes or {}).get(STATE_KEY) if isinstance(attributes, Mapping) else None
    if raw is None:
        return None
    known = content.ids
    if not isinstance(raw, Mapping):
        raise StateError("session state is not an object")
    try:
        if raw.get("v") == 1:
            raw = upgrade_v1(raw)
        if raw.get("v") == 2:
            raw = upgrade_v2(raw)
        if raw.get("v") == 3:
            raw = upgrade_v3(raw)
        if raw.get("v") != SCHEMA_VERSION:
            raise ValueError(f"schema version {raw.get('v')!r}, expected {SCHEMA_VERSION}")
        return _parse(raw, content)
    except (TypeError, ValueError, KeyError, IndexError, AttributeError) as exc:
        raise StateError(f"session state discarded: {exc}", _salvage(raw, known)) from None


_V1_MODES = {
    "idle": "idle",
    "routine": "routine",
    "single": "single",
    "resume_offer": "resume",
    "fresh_offer": "fresh",
}


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
        "v": 2,
        "mode": mode,
        "back": back,
        "order": order,
        "current": order[index] if index is not None else None,
        "done": raw["done"],
        "spent_s": raw["spent_s"],
        "pace": raw["pace"],
        "dose": raw["dose"],
        "topic": topic,
        "about": None,
        "tipped": True,
    }


def upgrade_v2(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Version 2 had one routine, the standard one, and no offers of another."""
    return {**raw, "v": 3, "version": DEFAULT_VERSION, "offer": None}


def upgrade_v3(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Version 3 had no reminders: nobody was choosing one."""
    return {**raw, "v": 4, "draft": None}


_V1_TOPICS = {
    "FrequencyIntent": "frequency",
    "TrimesterIntent": "trimester",
    "WarningSignsIntent": "warning_signs",
    "ListExercisesIntent": "list",
    "ProgressIntent": "progress",
    "AMAZON.HelpIntent": "help",
}


def _parse(raw: Mapping[str, Any], content: Content) -> RoutineState:
    known = content.ids
    mode = Mode(raw["mode"])
    back = Mode(raw["back"]) if raw.get("back") is not None else None
    if back is not None and (mode not in OVERLAYS or back in OVERLAYS):
        raise ValueError(f"mode {mode.value} cannot return to {back.value}")
    version = raw["version"]
    if not isinstance(version, str):
        raise ValueError("routine version is not a string")
    order, current, done, spent = check_place(
        raw["order"], raw["current"], raw["done"], raw["spent_s"], known, content.routine(version).stretches
    )
    offer = raw.get("offer")
    if offer is not None:
        content.routine(offer)  # KeyError for a version we do not have
    if (mode is Mode.VERSION) != (offer is not None):
        raise ValueError("an offer belongs to mode version, and only there")
    if (
        mode in STRETCHING or back in STRETCHING or mode in (Mode.RESUME, Mode.GENTLER, Mode.PAIN)
    ) and current is None:
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
    draft = _draft(raw.get("draft"))
    if (mode in REMINDING) != (draft is not None):
        raise ValueError("a reminder draft belongs to the reminder modes, and only there")
    if draft is not None and mode is not Mode.REMINDER_DAYS and not draft.days:
        raise ValueError(f"mode {mode.value} needs the reminder's days")
    if mode is Mode.REMINDER and not (draft and draft.complete):
        raise ValueError("mode reminder needs days and a time")
    return RoutineState(
        order=order,
        mode=mode,
        back=back,
        current=current,
        settings=Settings(pace=raw["pace"], dose=raw["dose"]),
        done=done,
        spent_s=spent,
        topic=topic,
        about=about,
        tipped=tipped,
        version=version,
        offer=offer,
        draft=draft,
    )


def _draft(raw: Any) -> Draft | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise ValueError("draft is not an object")
    days, time = raw["days"], raw.get("time")
    if not isinstance(days, list) or not all(d in DAYS for d in days) or len(set(days)) != len(days):
        raise ValueError("draft days are not days")
    if time is not None and parse_time(time) != time:
        raise ValueError("draft time is not HH:MM")
    return Draft(tuple(d for d in DAYS if d in days), time)


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
