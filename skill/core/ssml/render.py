"""Timelines and plain text -> inner Alexa SSML.

Handlers pass the result to ask-sdk's `ResponseFactory.speak()`, which adds `<speak>` itself
and escapes nothing, so escaping happens here.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Iterator
from xml.sax.saxutils import escape as _xml_escape

from skill.core import voice
from skill.core.timeline import Silence, Speech, Timeline

# Pauses shorter than this are below a phoneme's length: inaudible, so not worth 23 chars.
MIN_BREAK_MS = 50
MAX_BREAK_S = voice.MAX_BREAK_S  # one <break time> at most 10 s; chain for longer silence
_QUOTES = {'"': "&quot;", "'": "&apos;"}

Part = str | Timeline | Silence | Speech


def escape(text: str) -> str:
    """Text -> SSML text node. Quotes too, so a string is also safe inside an attribute."""
    return _xml_escape(text, _QUOTES)


def _items(parts: Iterable[Part]) -> Iterator[str | float]:
    """Flatten into text (str) and silence (float seconds), in order."""
    for part in parts:
        if isinstance(part, str):
            yield part
        elif isinstance(part, Speech):
            yield part.text
        elif isinstance(part, Silence):
            yield float(part.seconds)
        elif isinstance(part, Timeline):
            yield from _items(part.segments)
        else:
            raise TypeError(f"cannot render {type(part).__name__}")


def split_break_ms(seconds: float) -> list[int]:
    """One silence -> break lengths in ms, each <= MAX_BREAK_S, summing to the rounded
    total. Equal shares (45 s -> 5 x 9 s) rather than greedy (10+10+10+10+5) so no chain
    ends in a stub that would fall under MIN_BREAK_MS."""
    total_ms = round(seconds * 1000)
    if total_ms < MIN_BREAK_MS:
        return []
    cap = round(MAX_BREAK_S * 1000)
    n = math.ceil(total_ms / cap)
    base, extra = divmod(total_ms, n)
    return [base + 1 if i < extra else base for i in range(n)]


# Both caches are keyed by content: the words and pause lengths of five stretches at three
# paces and doses are a few hundred strings, rendered on every stretch turn.
@functools.lru_cache(maxsize=1024)
def _breaks(seconds: float) -> str:
    return "".join(f'<break time="{ms}ms"/>' for ms in split_break_ms(seconds))


@functools.lru_cache(maxsize=4096)
def _text(item: str) -> str:
    """Whitespace collapsed, XML escaped; "" for blank text."""
    return escape(" ".join(item.split()))


def render(parts: Iterable[Part]) -> str:
    """Text, silences and timelines -> inner SSML (no <speak>), calm delivery applied once.

    Adjacent silences merge before splitting, across part boundaries too. No <s> tags: a
    break already ends a sentence for the voice, and each <s></s> costs 7 of the 8000 chars.
    """
    out: list[str] = []
    pending_silence = 0.0
    for item in _items(parts):
        if isinstance(item, float):
            pending_silence += item
            continue
        text = _text(item)
        if not text:
            continue
        breaks = _breaks(pending_silence)
        pending_silence = 0.0
        # a break separates words by itself; otherwise texts need a space between them
        out.append(breaks or (" " if out else ""))
        out.append(text)
    out.append(_breaks(pending_silence))
    inner = "".join(out)
    if not inner or voice.PROSODY_RATE_PERCENT == 100:
        return inner
    # The only delivery tag: amazon:emotion/domain are limited to some voices and locales.
    return f'<prosody rate="{voice.PROSODY_RATE_PERCENT}%">{inner}</prosody>'
