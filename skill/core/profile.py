"""What is kept about her between sessions, and nothing more.
Longer than ~250 lines because every stored field is read back defensively, one by one,
with the upgrade from each earlier version beside it; that reading is the whole module.

Pure: no ask-sdk, no storage code. The persistence adapter stores this document as JSON,
keyed by the Alexa user id. Version 4:

    {
      "v": 4,
      "position": {                   # an unfinished routine, or null
        "version": "seated",          # which version of the routine it was
        "order": [...], "current": "wall_angels", "done": ["cat_cow", ...], "spent_s": 300.0,
        "saved_at": "2026-11-25T10:00:00Z"
      },
      "settings": {"pace": "normal", "dose": "standard"},
      "routine": "seated",            # the version she last started: a setting, offered at
                                      # the next launch; never a reason why (no health detail)
      "completed": ["2026-11-20T09:12:00Z", ...],   # finished routines, last 90 days
      "disclaimer_heard": true,
      "check_in": false,              # the last session ended in a symptom stop
      "time_zone": "Europe/London",   # the device's, from Alexa's Settings API, or null
      "last_seen": "2026-11-25T10:00:00Z",
      "reminder": {                   # her weekly reminder as Alexa holds it, or null
        "days": ["MO", "WE", "FR"], "time": "19:00",
        "tokens": ["<alertToken>"]    # to change or cancel it (never listed: see reminders.py)
      },
      "reminder_offered": "2026-11-25T10:00:00Z",   # the last offer after a finished routine
      "reminder_declined": null       # the last time she said no to a reminder
    }

Version 1 kept the position as an index into order; it is read as the stretch at that index.
Version 3 had no reminders: it reads as no reminder, never offered, never declined.
Versions 1 and 2 had one routine: their position is the standard version's, and "routine"
is null (nothing chosen). The position's order is kept as saved; the coach maps it onto the
version's current order by exercise id when she resumes (coach/session.py).
"check_in" records only that a stop happened, never what she felt.

No symptoms, answers, trimester or free text are ever stored (Amazon's rules for health
skills; see DESIGN.md). A document that is missing, older or malformed in part keeps what
is still valid and drops the rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from skill.core.content import Content
from skill.core.pacing import Settings
from skill.core.reminders import DAYS, Reminder, parse_time
from skill.core.routine import DEFAULT_VERSION, check_place

PROFILE_VERSION = 4
HISTORY_DAYS = 90
RESUME_WITHIN = timedelta(hours=24)
# The reminder offer after a finished routine: at most once a week, and not within a week
# of a "no" (issue 12).
OFFER_EVERY = timedelta(days=7)
MAX_TOKENS = 8  # alertTokens kept for one reminder (an old one not yet deleted, and so on)
MAX_TOKEN_LENGTH = 512


@dataclass(frozen=True)
class Position:
    order: tuple[str, ...]
    current: str
    done: tuple[str, ...]
    spent_s: float
    saved_at: datetime
    version: str = DEFAULT_VERSION


@dataclass(frozen=True)
class Profile:
    position: Position | None = None
    settings: Settings = Settings()
    completed: tuple[datetime, ...] = ()
    disclaimer_heard: bool = False
    check_in: bool = False
    time_zone: str | None = None
    last_seen: datetime | None = None
    routine: str | None = None  # the version she last started (None: never chose one)
    reminder: Reminder | None = None  # her weekly reminder, as created through Alexa
    reminder_offered: datetime | None = None  # the last offer after a finished routine
    reminder_declined: datetime | None = None  # the last "no" to a reminder


def _ts(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


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
        "position": None
        if pos is None
        else {
            "version": pos.version,
            "order": list(pos.order),
            "current": pos.current,
            "done": list(pos.done),
            "spent_s": pos.spent_s,
            "saved_at": _ts(pos.saved_at),
        },
        "settings": {"pace": profile.settings.pace, "dose": profile.settings.dose},
        "routine": profile.routine,
        "completed": [_ts(t) for t in profile.completed],
        "disclaimer_heard": profile.disclaimer_heard,
        "check_in": profile.check_in,
        "time_zone": profile.time_zone,
        "last_seen": _ts(profile.last_seen) if profile.last_seen else None,
        "reminder": None
        if profile.reminder is None
        else {
            "days": list(profile.reminder.days),
            "time": profile.reminder.time,
            "tokens": list(profile.reminder.tokens),
        },
        "reminder_offered": _ts(profile.reminder_offered) if profile.reminder_offered else None,
        "reminder_declined": _ts(profile.reminder_declined) if profile.reminder_declined else None,
    }


def from_document(doc: Mapping[str, Any] | None, content: Content) -> tuple[Profile, list[str]]:
    """Rebuild a profile, field by field; returns the problems found so the caller can log them."""
    problems: list[str] = []
    if not doc:
        return Profile(), problems
    if not isinstance(doc, Mapping):
        return Profile(), ["stored document is not an object"]
    if doc.get("v") not in (1, 2, 3, PROFILE_VERSION):
        problems.append(f"stored document version {doc.get('v')!r}; reading what still fits")

    position = None
    raw = doc.get("position")
    if raw is not None:
        try:
            current = raw.get("current")
            if current is None and type(raw.get("index")) is int and isinstance(raw.get("order"), list):
                index = raw["index"]  # version 1 kept an index into order
                current = raw["order"][index] if 0 <= index < len(raw["order"]) else None
            version = raw.get("version", DEFAULT_VERSION)
            order, current, done, spent = check_place(
                raw["order"],
                current,
                raw["done"],
                raw["spent_s"],
                content.ids,
                content.routine(version).stretches,
            )
            if current is None:
                raise ValueError("position without a current stretch")
            position = Position(order, current, done, spent, _parse_ts(raw["saved_at"]), version)
        except (TypeError, ValueError, KeyError) as exc:
            problems.append(f"stored position dropped: {exc}")

    settings = Settings()
    raw_settings = doc.get("settings")
    if isinstance(raw_settings, Mapping):
        try:
            settings = Settings(pace=str(raw_settings.get("pace")), dose=str(raw_settings.get("dose")))
        except ValueError:
            problems.append("stored settings dropped")

    completed: list[datetime] = []
    for item in doc.get("completed") or ():
        try:
            completed.append(_parse_ts(item))
        except ValueError:
            problems.append("a stored completion date was dropped")

    last_seen = _optional_ts(doc, "last_seen", problems)
    offered = _optional_ts(doc, "reminder_offered", problems)
    declined = _optional_ts(doc, "reminder_declined", problems)
    reminder = None
    if doc.get("reminder") is not None:
        try:
            reminder = _reminder(doc["reminder"])
        except (TypeError, ValueError, KeyError) as exc:
            problems.append(f"stored reminder dropped: {exc}")

    routine = doc.get("routine")
    if routine is not None:
        try:
            if not isinstance(routine, str):
                raise KeyError(routine)
            content.routine(routine)
        except KeyError:
            problems.append("stored routine version dropped")
            routine = None

    time_zone = doc.get("time_zone")
    if time_zone is not None and zone(time_zone) is None:
        problems.append("stored time zone dropped")
        time_zone = None

    return Profile(
        position=position,
        settings=settings,
        completed=tuple(sorted(set(completed))),
        disclaimer_heard=doc.get("disclaimer_heard") is True,
        check_in=doc.get("check_in") is True,
        time_zone=time_zone,
        last_seen=last_seen,
        routine=routine,
        reminder=reminder,
        reminder_offered=offered,
        reminder_declined=declined,
    ), problems


def _optional_ts(doc: Mapping[str, Any], key: str, problems: list[str]) -> datetime | None:
    if not doc.get(key):
        return None
    try:
        return _parse_ts(doc[key])
    except ValueError:
        problems.append(f"stored {key} dropped")
        return None


def _reminder(raw: Any) -> Reminder:
    days, time, tokens = raw["days"], raw["time"], raw["tokens"]
    if not isinstance(days, list) or not days or not all(isinstance(d, str) and d in DAYS for d in days):
        raise ValueError("days are not days")
    if not isinstance(time, str) or parse_time(time) != time:
        raise ValueError("time is not HH:MM")
    if (
        not isinstance(tokens, list)
        or not 0 < len(tokens) <= MAX_TOKENS
        or not all(isinstance(t, str) and 0 < len(t) <= MAX_TOKEN_LENGTH for t in tokens)
    ):
        raise ValueError("tokens are not alert tokens")
    return Reminder(tuple(d for d in DAYS if d in days), time, tuple(dict.fromkeys(tokens)))


# --- behaviour built on the profile --------------------------------------------------------


def resumable(profile: Profile, now: datetime) -> bool:
    return profile.position is not None and now - profile.position.saved_at < RESUME_WITHIN


def zone(name: Any) -> ZoneInfo | None:
    """An IANA zone we can use, or None."""
    if not isinstance(name, str) or not 0 < len(name) <= 64:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def local_day(profile: Profile, moment: datetime) -> date:
    """The calendar day in her time zone (UTC when we do not know it)."""
    return moment.astimezone(zone(profile.time_zone) or UTC).date()


def completions_in_last_week(profile: Profile, now: datetime) -> int:
    """Finished routines on this local day and the six before it."""
    today = local_day(profile, now)
    return sum(1 for t in profile.completed if t <= now and (today - local_day(profile, t)).days < 7)


def completed_today(profile: Profile, now: datetime) -> bool:
    today = local_day(profile, now)
    return any(local_day(profile, t) == today for t in profile.completed if t <= now)


def record_completion(profile: Profile, now: datetime) -> Profile:
    kept = tuple(t for t in profile.completed if now - t < timedelta(days=HISTORY_DAYS))
    return replace(profile, completed=(*kept, now), position=None)


def save_position(profile: Profile, position: Position | None) -> Profile:
    return replace(profile, position=position)


def reminder_offer_due(profile: Profile, now: datetime) -> bool:
    """After a finished routine: she has no reminder, was not offered one in the last week,
    and did not say no to one in the last week."""
    return (
        profile.reminder is None
        and (profile.reminder_offered is None or now - profile.reminder_offered >= OFFER_EVERY)
        and not declined_lately(profile, now)
    )


def forget_reminder(profile: Profile) -> Profile:
    """Alexa deleted her reminders itself (she took the permission back in the Alexa app):
    the stored one is forgotten, so she is never told of it and its tokens are never used."""
    return replace(profile, reminder=None)


def declined_lately(profile: Profile, now: datetime) -> bool:
    return profile.reminder_declined is not None and now - profile.reminder_declined < OFFER_EVERY


def seen(profile: Profile, now: datetime) -> Profile:
    return replace(profile, last_seen=now)
