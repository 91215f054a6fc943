"""What is kept about her between sessions, and nothing more.

Pure: no ask-sdk, no storage code. The persistence adapter stores this document as JSON,
keyed by the Alexa user id. Version 1:

    {
      "v": 1,
      "position": {                   # an unfinished routine, or null
        "order": [...], "index": 2, "done": ["cat_cow", ...], "spent_s": 300.0,
        "saved_at": "2026-11-25T10:00:00Z"
      },
      "settings": {"pace": "normal", "dose": "standard"},
      "completed": ["2026-11-20T09:12:00Z", ...],   # finished routines, last 90 days
      "disclaimer_heard": true,
      "last_seen": "2026-11-25T10:00:00Z"
    }

No symptoms, answers, trimester or free text are ever stored (Amazon's rules for health
skills; see DESIGN.md). A document that is missing, older or malformed in part keeps what
is still valid and drops the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Any, Mapping, Sequence

from skill.core.pacing import Settings
from skill.core.routine import check_place

PROFILE_VERSION = 1
HISTORY_DAYS = 90
RESUME_WITHIN = timedelta(hours=24)
WEEK = timedelta(days=7)


@dataclass(frozen=True)
class Position:
    order: tuple[str, ...]
    index: int
    done: tuple[str, ...]
    spent_s: float
    saved_at: datetime


@dataclass(frozen=True)
class Profile:
    position: Position | None = None
    settings: Settings = Settings()
    completed: tuple[datetime, ...] = ()
    disclaimer_heard: bool = False
    last_seen: datetime | None = None


def _ts(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_ts(value: Any) -> datetime:
    if not isinstance(value, str):
        raise ValueError("timestamp is not a string")
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError("timestamp has no zone")
    return parsed


def to_document(profile: Profile) -> dict[str, Any]:
    pos = profile.position
    return {
        "v": PROFILE_VERSION,
        "position": None if pos is None else {
            "order": list(pos.order), "index": pos.index, "done": list(pos.done),
            "spent_s": pos.spent_s, "saved_at": _ts(pos.saved_at),
        },
        "settings": {"pace": profile.settings.pace, "dose": profile.settings.dose},
        "completed": [_ts(t) for t in profile.completed],
        "disclaimer_heard": profile.disclaimer_heard,
        "last_seen": _ts(profile.last_seen) if profile.last_seen else None,
    }


def from_document(doc: Mapping[str, Any] | None, known_ids: Sequence[str]) -> tuple[Profile, list[str]]:
    """Rebuild a profile, field by field; returns the problems found so the caller can log them."""
    problems: list[str] = []
    if not doc:
        return Profile(), problems
    if not isinstance(doc, Mapping):
        return Profile(), ["stored document is not an object"]
    if doc.get("v") != PROFILE_VERSION:
        problems.append(f"stored document version {doc.get('v')!r}; reading what still fits")

    position = None
    raw = doc.get("position")
    if raw is not None:
        try:
            order, index, done, spent = check_place(raw["order"], raw["index"], raw["done"], raw["spent_s"],
                                                    known_ids)
            if index is None:
                raise ValueError("position without an index")
            position = Position(order, index, done, spent, _parse_ts(raw["saved_at"]))
        except (TypeError, ValueError, KeyError) as exc:
            problems.append(f"stored position dropped: {exc}")

    settings = Settings()
    raw_settings = doc.get("settings")
    if isinstance(raw_settings, Mapping):
        try:
            settings = Settings(pace=raw_settings.get("pace"), dose=raw_settings.get("dose"))
        except ValueError:
            problems.append("stored settings dropped")

    completed: list[datetime] = []
    for item in doc.get("completed") or ():
        try:
            completed.append(_parse_ts(item))
        except ValueError:
            problems.append("a stored completion date was dropped")

    last_seen = None
    if doc.get("last_seen"):
        try:
            last_seen = _parse_ts(doc["last_seen"])
        except ValueError:
            problems.append("stored last_seen dropped")

    return Profile(
        position=position, settings=settings, completed=tuple(sorted(completed)),
        disclaimer_heard=doc.get("disclaimer_heard") is True, last_seen=last_seen,
    ), problems


# --- behaviour built on the profile --------------------------------------------------------

def resumable(profile: Profile, now: datetime) -> bool:
    return profile.position is not None and now - profile.position.saved_at < RESUME_WITHIN


def completions_in_last_week(profile: Profile, now: datetime) -> int:
    return sum(1 for t in profile.completed if now - WEEK < t <= now)


def record_completion(profile: Profile, now: datetime) -> Profile:
    kept = tuple(t for t in profile.completed if now - t < timedelta(days=HISTORY_DAYS))
    return replace(profile, completed=kept + (now,), position=None)


def save_position(profile: Profile, position: Position | None) -> Profile:
    return replace(profile, position=position)


def seen(profile: Profile, now: datetime) -> Profile:
    return replace(profile, last_seen=now)
