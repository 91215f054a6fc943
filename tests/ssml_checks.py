"""Platform invariants every spoken response must keep; tests call this on each one."""

from __future__ import annotations

import re

from skill.core import ssml

# What should never be heard: markup escaped twice (said as "less than break") and
# content placeholders left unfilled (said as "curly brace name").
_LEAKS = re.compile(r"<|>|\{|\}|&(amp|lt|gt|quot|apos);")


def assert_alexa_ssml(text: str, *, reprompt: bool = False) -> None:
    """Full <speak> or inner SSML: Alexa accepts it and nothing odd would be read out."""
    try:
        ssml.validate(text, reprompt=reprompt)
    except ssml.SSMLError as exc:
        raise AssertionError(f"Alexa would reject this SSML: {exc}\n{text}") from None
    heard = ssml.transcript(text)
    assert heard.strip(), f"the response says nothing: {text!r}"
    leak = _LEAKS.search(heard)
    assert leak is None, f"would read out {leak.group(0)!r}: {heard}"
