"""Alexa SSML, in three jobs: render (timeline -> SSML), check (Alexa's rules) and heard
(SSML -> what is heard and for how long); markup holds the parser the last two share.

Pure: no Flask, no ask-sdk. Handlers build the inner SSML with `render()` and pass it to
ask-sdk's `ResponseFactory.speak()`, which adds `<speak>` itself (and escapes nothing, so
`render()` escapes). `speak()` wraps for tests, the CLI and `validate()`.

The names below are re-exported so `from skill.core.ssml import render` keeps working;
new code may import from the submodule that does the job (`from skill.core.ssml.render
import render`). Mind that the package attributes `render` and `heard` are the functions,
which shadow the submodules of the same name.
"""

from skill.core.ssml.check import (
    MAX_AUDIO_S,
    MAX_AUDIO_TAGS,
    MAX_BREAK_S,
    MAX_REPROMPT_AUDIO_S,
    MAX_SPEECH_CHARS,
    MIN_PROSODY_RATE,
    validate,
)
from skill.core.ssml.heard import AudioClip, events, format_pause, heard, total_break_seconds, transcript
from skill.core.ssml.markup import SSMLError, parse, parse_time, speak
from skill.core.ssml.render import MIN_BREAK_MS, Part, escape, render, split_break_ms

__all__ = [
    "MAX_AUDIO_S",
    "MAX_AUDIO_TAGS",
    "MAX_BREAK_S",
    "MAX_REPROMPT_AUDIO_S",
    "MAX_SPEECH_CHARS",
    "MIN_BREAK_MS",
    "MIN_PROSODY_RATE",
    "AudioClip",
    "Part",
    "SSMLError",
    "escape",
    "events",
    "format_pause",
    "heard",
    "parse",
    "parse_time",
    "render",
    "speak",
    "split_break_ms",
    "total_break_seconds",
    "transcript",
    "validate",
]
