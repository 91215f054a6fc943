"""How the skill sounds, in one place: the delivery the SSML renderer applies and the
speaking rate the pacing engine assumes for it. Change them together.

Amazon publishes no words-per-minute figure for Alexa's voices; conversational English
runs at about 150 words a minute, so that is the base rate. The calm delivery slows it
to PROSODY_RATE_PERCENT of normal, and the estimate scales with it.
"""

from __future__ import annotations

BASE_WORDS_PER_MINUTE = 150.0
PROSODY_RATE_PERCENT = 90  # Alexa accepts 20 % and above
WORDS_PER_SECOND = BASE_WORDS_PER_MINUTE / 60.0 * PROSODY_RATE_PERCENT / 100.0

MAX_BREAK_S = 10.0  # Alexa's ceiling for one <break time="...">
