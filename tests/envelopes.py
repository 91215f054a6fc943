"""The envelope builders live in skill.envelopes (the `try` command uses them too)."""

from skill.envelopes import *  # noqa: F401,F403
from skill.envelopes import SKILL_ID, USER_ID, DEVICE_ID  # noqa: F401
