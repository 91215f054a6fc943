"""Safety comes first: words like pain, dizzy, bleeding or contractions stop everything."""

from __future__ import annotations

import logging

from skill import coach
from skill.handlers.base import simple

log = logging.getLogger("skill.handlers")

# Registered before every other handler. Only that a safety stop happened is logged:
# what she said is health information and is neither logged nor stored.
SymptomIntentHandler = simple("SymptomIntentHandler", ("SymptomIntent",), coach.symptom)
