"""The envelope builders live in skill.alexa.envelopes (the `try` command uses them too)."""

from skill.alexa.envelopes import *  # noqa: F401,F403
from skill.alexa.envelopes import SKILL_ID, USER_ID, DEVICE_ID  # noqa: F401
