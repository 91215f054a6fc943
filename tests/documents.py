"""What a stored profile document holds: one list for the coach's and the HTTP tests."""

from __future__ import annotations

PROFILE_FIELDS = frozenset(
    {
        "v",
        "position",
        "settings",
        "completed",
        "disclaimer_heard",
        "check_in",
        "time_zone",
        "last_seen",
        "routine",
        "reminder",  # issue 12: her reminder's days, time and alert tokens (no health detail)
        "reminder_offered",
        "reminder_declined",
    }
)
