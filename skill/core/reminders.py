"""Weekly reminders as data: which days, what time, and how Alexa's Reminders API spells them.

Pure: no ask-sdk, no clock. The coach keeps a Draft in the session while she chooses, the
profile keeps the Reminder once Alexa has created it (its alertTokens, so it can be
changed or cancelled without listing her reminders: get_reminders in ask-sdk-model 1.82
raises SerializationException whenever a reminder has alertInfo, alexa-apis-for-python
issue 4). skill/alexa/reminders.py turns a Draft into the API's request.

One reminder, one recurrence rule per chosen day, in her local time (RFC 5545 rules as the
Reminders API takes them: "FREQ=WEEKLY;BYDAY=MO;BYHOUR=19;BYMINUTE=0;BYSECOND=0").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

# Monday first, as people list them; the ids are RFC 5545's BYDAY codes.
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_NAMES = {
    "MO": "Monday",
    "TU": "Tuesday",
    "WE": "Wednesday",
    "TH": "Thursday",
    "FR": "Friday",
    "SA": "Saturday",
    "SU": "Sunday",
}
# The DAY slot type's ids that stand for several days (interaction_model/source/model.toml).
DAY_GROUPS = {"WEEKDAYS": DAYS[:5], "WEEKENDS": DAYS[5:], "DAILY": DAYS}
# The offer: three days, spread over the week (the source's three to four times a week), at
# 7 pm, when most people are home. She can name her own days (any 1 to 7) and time.
SUGGESTED_DAYS = ("MO", "WE", "FR")
SUGGESTED_TIME = "19:00"
# AMAZON.TIME sends these for "in the morning", "afternoon", "evening", "tonight"; we pick
# a round hour and restate it, so she can correct it before anything is set.
_TIME_OF_DAY = {"MO": "08:00", "AF": "14:00", "EV": "19:00", "NI": "21:00"}
_HH_MM = re.compile(r"(?P<h>[01]\d|2[0-3]):(?P<m>[0-5]\d)(?::[0-5]\d)?")
# The permission the skill asks for (skill.json "permissions" and the AskFor directive).
REMINDERS_SCOPE = "alexa::alerts:reminders:skill:readwrite"


@dataclass(frozen=True)
class Draft:
    """What she has chosen so far (session state): days in week order, time as "HH:MM"."""

    days: tuple[str, ...] = ()
    time: str | None = None

    @property
    def complete(self) -> bool:
        return bool(self.days) and self.time is not None

    def merged(self, days: tuple[str, ...], time: str | None) -> Draft:
        """What she said now, on top of what she said before."""
        return Draft(days or self.days, time or self.time)


SUGGESTED = Draft(SUGGESTED_DAYS, SUGGESTED_TIME)


@dataclass(frozen=True)
class Reminder:
    """Her reminder as Alexa holds it: the days and time she agreed to, and the alertTokens
    to delete (normally one; more when an old one could not be deleted when she changed it)."""

    days: tuple[str, ...]
    time: str
    tokens: tuple[str, ...]


class Result(StrEnum):
    """How a call to the Reminders API went, in the coach's words."""

    OK = "ok"
    UNAUTHORIZED = "unauthorized"  # 401: no permission (never given, or taken back): ask again
    FORBIDDEN = "forbidden"  # 403: this device cannot set reminders
    FAILED = "failed"  # timeout, 429, 5xx, anything else: said honestly, nothing stored


@dataclass(frozen=True)
class Created:
    result: Result
    token: str | None = None  # the new reminder's alertToken (result OK)
    kept: tuple[str, ...] = ()  # tokens of the old reminder that could not be deleted


@dataclass(frozen=True)
class Deleted:
    result: Result  # OK when every token is gone (404 counts as gone)
    kept: tuple[str, ...] = ()  # tokens still there


def days_of(ids: Iterable[str]) -> tuple[str, ...]:
    """DAY slot ids (MO..SU, WEEKDAYS, WEEKENDS, DAILY) -> days in week order, each once."""
    chosen: set[str] = set()
    for day_id in ids:
        chosen.update(DAY_GROUPS.get(day_id, (day_id,) if day_id in DAYS else ()))
    return tuple(d for d in DAYS if d in chosen)


def parse_time(value: str | None) -> str | None:
    """An AMAZON.TIME value ("19:00", "07:30", "EV") -> "HH:MM", or None when unusable."""
    if not value:
        return None
    if value in _TIME_OF_DAY:
        return _TIME_OF_DAY[value]
    match = _HH_MM.fullmatch(value)
    return f"{match['h']}:{match['m']}" if match else None


def hour_minute(time: str) -> tuple[int, int]:
    hours, minutes = time.split(":")
    return int(hours), int(minutes)


def rules(days: Iterable[str], time: str) -> list[str]:
    """One weekly recurrence rule per day, in her local time."""
    hour, minute = hour_minute(time)
    return [f"FREQ=WEEKLY;BYDAY={day};BYHOUR={hour};BYMINUTE={minute};BYSECOND=0" for day in days]


def spoken_days(days: tuple[str, ...]) -> str:
    """ "Monday, Wednesday and Friday"; "every day"; "every weekday"."""
    if days == DAYS:
        return "every day"
    if days == DAYS[:5]:
        return "every weekday"
    names = [DAY_NAMES[d] for d in days]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def spoken_time(time: str) -> str:
    """ "7 pm", "7:30 am", "noon", "midnight"."""
    hour, minute = hour_minute(time)
    if (hour, minute) == (12, 0):
        return "noon"
    if (hour, minute) == (0, 0):
        return "midnight"
    half = "am" if hour < 12 else "pm"
    h12 = hour % 12 or 12
    return f"{h12} {half}" if minute == 0 else f"{h12}:{minute:02d} {half}"


# The AskFor token: Alexa hands it back untouched in Connections.Response, so what she was
# doing survives even a response that arrives without the session's attributes.
def token_for(draft: Draft | None) -> str:
    """ "create:MO,WE,FR@19:00" for a reminder to set; "cancel" for reminders to delete."""
    if draft is None or not draft.complete:
        return "cancel"
    return f"create:{','.join(draft.days)}@{draft.time}"


def draft_of_token(token: str | None) -> Draft | None:
    """The Draft a token carries; None for "cancel" or anything we did not write."""
    match = re.fullmatch(r"create:([A-Z,]+)@(\d\d:\d\d)", token or "")
    if not match:
        return None
    days = days_of(match[1].split(","))
    time = parse_time(match[2])
    return Draft(days, time) if days and time else None
