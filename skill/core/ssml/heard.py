"""SSML -> what is heard and for how long: text, timed pauses and audio clips, in order.

The reader behind transcripts in tests and notes, and behind the espeak-ng renderer
(skill/commands/_audio.py), which must time pauses the way Alexa would.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass

from skill.core.ssml.markup import parse, parse_time


@dataclass(frozen=True)
class AudioClip:
    src: str


def events(ssml: str) -> Iterator[str | float | AudioClip]:
    """What is heard, in order: text pieces (str), timed pauses (float seconds) and audio
    clips. Breaks given only a strength have no fixed length and are skipped; <sub> yields
    its alias, which is what is heard."""
    root = parse(ssml)

    def visit(element: ET.Element) -> Iterator[str | float | AudioClip]:
        if element.tag == "break":
            seconds = parse_time(element.attrib.get("time", ""))
            if seconds:
                yield seconds
        elif element.tag == "audio":
            yield AudioClip(element.attrib.get("src", ""))
        elif element.tag == "sub":
            yield element.attrib.get("alias", "")
        else:
            if element.text:
                yield element.text
            for child in element:
                yield from visit(child)
        # tail is outside the element, so it follows whatever the element was
        if element is not root and element.tail:
            yield element.tail

    return visit(root)


def heard(ssml: str) -> Iterator[tuple[float, str | AudioClip | None]]:
    """events() with adjacent pauses merged: (seconds of silence before, sound) pairs.
    Whitespace-only text takes no pause with it; a closing silence comes as (seconds, None)."""
    pause = 0.0
    for item in events(ssml):
        if isinstance(item, float):
            pause += item
        elif isinstance(item, str) and not item.strip():
            yield 0.0, item
        else:
            yield pause, item
            pause = 0.0
    if pause:
        yield pause, None


def format_pause(seconds: float) -> str:
    rounded = round(seconds, 1)
    shown = f"{rounded:.0f}" if rounded == int(rounded) else f"{rounded:.1f}"
    return f"[{shown} s]"


def transcript(ssml: str) -> str:
    """Plain text with pauses as "[4 s]" (adjacent breaks summed), for tests and notes."""
    pieces: list[str] = []
    for pause, item in heard(ssml):
        if pause:
            pieces.append(f" {format_pause(pause)} ")
        if item is not None:
            # raw text, so text split across tags joins up as written
            pieces.append("[audio]" if isinstance(item, AudioClip) else item)
    return " ".join("".join(pieces).split())


def total_break_seconds(ssml: str) -> float:
    """Sum of all timed breaks in seconds."""
    return sum(item for item in events(ssml) if isinstance(item, float))
