"""The envelope builders live in skill.alexa.envelopes (the `try` command uses them too)."""

from skill.alexa.envelopes import *  # noqa: F403
from skill.alexa.envelopes import DEVICE_ID, SKILL_ID, USER_ID  # noqa: F401
