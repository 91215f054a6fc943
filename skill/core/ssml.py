"""Timelines and plain text -> Alexa SSML, and the one validator every response goes through.

Pure: no Flask, no ask-sdk. Handlers build the inner SSML with `render()` and pass it to
ask-sdk's `ResponseFactory.speak()`, which adds `<speak>` itself (and escapes nothing, so
escaping happens here). `speak()` wraps for tests, the CLI and `validate()`.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Mapping, Union

from skill.core import voice
from skill.core.timeline import Silence, Speech, Timeline

# --- Alexa limits, in one place -------------------------------------------------------
# D: = https://developer.amazon.com/en-US/docs/alexa/ ; see /work/shared/DESIGN.md,
# "Alexa platform facts".
# D:custom-skills/speech-synthesis-markup-language-ssml-reference.html
MAX_BREAK_S = voice.MAX_BREAK_S  # one <break time> at most 10 s; chain for longer silence
MIN_PROSODY_RATE = 20  # percent; prosody rate below 20 % is rejected
# D:custom-skills/request-and-response-json-reference.html ("length 9503 exceeds allowed
# size of 8000 characters"). Alexa counts the whole outputSpeech `ssml` string, tags and
# the <speak> wrapper included, so validate() counts exactly that string.
MAX_SPEECH_CHARS = 8000
# D:custom-skills/speech-synthesis-markup-language-ssml-reference.html#audio: 240 s of
# audio in outputSpeech, 90 s in the reprompt; older docs also cap a response at 5 tags.
MAX_AUDIO_TAGS = 5
MAX_AUDIO_S = 240.0
MAX_REPROMPT_AUDIO_S = 90.0

# --- Renderer choices ------------------------------------------------------------------
# Pauses shorter than this are below a phoneme's length: inaudible, so not worth 23 chars.
MIN_BREAK_MS = 50
# Namespace we bind the `amazon:` prefix to so ElementTree can parse Alexa's undeclared
# prefix; any URI works, Alexa never sees it.
_AMAZON_NS = "urn:alexa:ssml"
_SSML_NS = "http://www.w3.org/2001/10/synthesis"  # harmless if someone declares it
_XML_NS = "http://www.w3.org/XML/1998/namespace"
_AMAZON_DECLARATION = re.compile(r"""\sxmlns:amazon\s*=\s*("[^"]*"|'[^']*')""")

Part = Union[str, Timeline, Silence, Speech]


class SSMLError(ValueError):
    """The SSML would make Alexa answer "There was a problem with the requested skill's
    response"; the message says why."""


# ---------------------------------------------------------------------------------------
# Rendering


def escape(text: str) -> str:
    """Text -> SSML text node. Quotes too, so a string is also safe inside an attribute."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&apos;")
    )


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


def _breaks(seconds: float) -> str:
    return "".join(f'<break time="{ms}ms"/>' for ms in split_break_ms(seconds))


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
        text = " ".join(item.split())
        if not text:
            continue
        breaks = _breaks(pending_silence)
        pending_silence = 0.0
        # a break separates words by itself; otherwise texts need a space between them
        out.append(breaks or (" " if out else ""))
        out.append(escape(text))
    out.append(_breaks(pending_silence))
    inner = "".join(out)
    if not inner or voice.PROSODY_RATE_PERCENT == 100:
        return inner
    # The only delivery tag: amazon:emotion/domain are limited to some voices and locales.
    return f'<prosody rate="{voice.PROSODY_RATE_PERCENT}%">{inner}</prosody>'


def speak(inner: str) -> str:
    """Inner SSML -> the full string Alexa receives (what ask-sdk's speak() produces)."""
    return f"<speak>{inner}</speak>"


def _full(ssml: str) -> str:
    return ssml if ssml.lstrip().startswith("<speak") else speak(ssml)


# ---------------------------------------------------------------------------------------
# Parsing and validation

_TIME = re.compile(r"^(\d+(?:\.\d+)?)(ms|s)$")
_PERCENT = re.compile(r"^(\d+(?:\.\d+)?)%$")
_SIGNED_PERCENT = re.compile(r"^[+-]\d+(?:\.\d+)?%$")
_DECIBELS = re.compile(r"^[+-]\d+(?:\.\d+)?dB$")
_LANG = re.compile(r"^[a-z]{2}-[A-Z]{2}$")


Check = Callable[[str], Union[str, None]]  # value -> problem, or None when fine


def _one_of(*values: str) -> Check:
    def check(value: str) -> str | None:
        return None if value in values else f"must be one of {', '.join(values)}"

    return check


def _non_empty(value: str) -> str | None:
    return None if value.strip() else "must not be empty"


def _break_time(value: str) -> str | None:
    seconds = parse_time(value)
    if seconds is None:
        return "must be a number followed by s or ms"
    if seconds > MAX_BREAK_S:
        return f"is over Alexa's {MAX_BREAK_S:g} s maximum"
    return None


def _rate(value: str) -> str | None:
    if value in ("x-slow", "slow", "medium", "fast", "x-fast"):
        return None
    m = _PERCENT.match(value)
    if not m:
        return "must be x-slow..x-fast or a percentage"
    if float(m.group(1)) < MIN_PROSODY_RATE:
        return f"must be at least {MIN_PROSODY_RATE}%"
    return None


def _pitch(value: str) -> str | None:
    ok = value in ("x-low", "low", "medium", "high", "x-high") or _SIGNED_PERCENT.match(value)
    return None if ok else "must be x-low..x-high or a signed percentage"


def _volume(value: str) -> str | None:
    ok = value in ("silent", "x-soft", "soft", "medium", "loud", "x-loud") or _DECIBELS.match(value)
    return None if ok else "must be silent..x-loud or signed decibels"


def _https(value: str) -> str | None:
    return None if value.startswith("https://") and len(value) > 8 else "must be an https URL"


def _lang(value: str) -> str | None:
    return None if _LANG.match(value) else "must be a locale such as en-US"


# tag -> {attribute: checker}, and which attributes are required. From the SSML reference.
_TAGS: dict[str, dict[str, Check]] = {
    "speak": {},
    "break": {
        "time": _break_time,
        "strength": _one_of("none", "x-weak", "weak", "medium", "strong", "x-strong"),
    },
    "prosody": {"rate": _rate, "pitch": _pitch, "volume": _volume},
    "emphasis": {"level": _one_of("strong", "moderate", "reduced")},
    "say-as": {
        "interpret-as": _one_of(
            "characters", "spell-out", "cardinal", "number", "ordinal", "digits", "fraction",
            "unit", "date", "time", "telephone", "address", "interjection", "expletive",
        ),
        "format": _non_empty,
    },
    "sub": {"alias": _non_empty},
    "w": {"role": _one_of("amazon:VB", "amazon:VBD", "amazon:NN", "amazon:SENSE_1")},
    "phoneme": {"alphabet": _one_of("ipa", "x-sampa"), "ph": _non_empty},
    "p": {},
    "s": {},
    "lang": {"xml:lang": _lang},
    "voice": {"name": _non_empty},
    "audio": {"src": _https},
    "amazon:effect": {"name": _one_of("whispered")},
    "amazon:emotion": {
        "name": _one_of("excited", "disappointed"),
        "intensity": _one_of("low", "medium", "high"),
    },
    "amazon:domain": {"name": _one_of("conversational", "long-form", "music", "news", "fun")},
}
_REQUIRED: dict[str, tuple[str, ...]] = {
    "say-as": ("interpret-as",),
    "sub": ("alias",),
    "w": ("role",),
    "phoneme": ("ph",),
    "lang": ("xml:lang",),
    "voice": ("name",),
    "audio": ("src",),
    "amazon:effect": ("name",),
    "amazon:emotion": ("name", "intensity"),
    "amazon:domain": ("name",),
}


def parse_time(value: str) -> float | None:
    """'4s' / '2500ms' -> seconds; None if it is not an SSML time."""
    m = _TIME.match(value.strip())
    if not m:
        return None
    number = float(m.group(1))
    return number / 1000 if m.group(2) == "ms" else number


def _name(qualified: str) -> str:
    """ElementTree's '{uri}local' -> the name as Alexa spells it ('amazon:emotion')."""
    if not qualified.startswith("{"):
        return qualified
    uri, local = qualified[1:].split("}", 1)
    if uri == _AMAZON_NS:
        return f"amazon:{local}"
    if uri == _XML_NS:
        return f"xml:{local}"
    if uri == _SSML_NS:
        return local
    return qualified


def parse(ssml: str) -> ET.Element:
    """Full or inner SSML -> the <speak> element, names normalised (see _name).

    Alexa accepts the `amazon:` prefix undeclared; XML does not, so the document is parsed
    inside an envelope that declares it.
    """
    text = _full(ssml)
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise SSMLError("DOCTYPE and entity declarations are not SSML")
    # a document that declares the prefix itself gets ours instead, so names come out alike
    text = _AMAZON_DECLARATION.sub("", text)
    envelope = f'<envelope xmlns:amazon="{_AMAZON_NS}">{text}</envelope>'
    try:
        root = ET.fromstring(envelope)
    except ET.ParseError as exc:
        raise SSMLError(f"not well-formed XML: {exc}") from None
    children = list(root)
    if len(children) != 1 or (root.text or "").strip() or (children[0].tail or "").strip():
        raise SSMLError("there must be exactly one <speak> element and nothing outside it")
    for element in children[0].iter():
        element.tag = _name(element.tag)
        for key in list(element.attrib):
            element.attrib[_name(key)] = element.attrib.pop(key)
    if children[0].tag != "speak":
        raise SSMLError(f"the root element must be <speak>, not <{children[0].tag}>")
    return children[0]


def validate(
    ssml: str,
    *,
    audio_seconds: Mapping[str, float] | None = None,
    reprompt: bool = False,
) -> None:
    """Raise SSMLError unless Alexa would play this outputSpeech (or reprompt) SSML.

    Accepts the full <speak> string or the inner string (wrapped first, as ask-sdk does,
    so the character count is what Alexa counts). Remote audio cannot be measured here:
    pass `audio_seconds` (src -> seconds) to check the total; sources missing from it are
    only counted as tags.
    """
    full = _full(ssml)
    if len(full) > MAX_SPEECH_CHARS:
        raise SSMLError(f"speech is {len(full)} characters; Alexa allows {MAX_SPEECH_CHARS}")
    root = parse(full)
    audio_tags = 0
    audio_total = 0.0
    for element in root.iter():
        tag = element.tag
        if tag not in _TAGS:
            raise SSMLError(f"<{tag}> is not a tag Alexa supports")
        if tag == "speak" and element is not root:
            raise SSMLError("<speak> cannot be nested")
        allowed = _TAGS[tag]
        for attr, value in element.attrib.items():
            if attr not in allowed:
                raise SSMLError(f"<{tag}> does not take the attribute {attr!r}")
            problem = allowed[attr](value)
            if problem:
                raise SSMLError(f'<{tag} {attr}="{value}"> {problem}')
        for attr in _REQUIRED.get(tag, ()):
            if attr not in element.attrib:
                raise SSMLError(f"<{tag}> needs the attribute {attr!r}")
        if tag == "audio":
            audio_tags += 1
            if audio_seconds is not None:
                audio_total += audio_seconds.get(element.attrib["src"], 0.0)
    if audio_tags > MAX_AUDIO_TAGS:
        raise SSMLError(f"{audio_tags} <audio> tags; keep to {MAX_AUDIO_TAGS} per response")
    audio_limit = MAX_REPROMPT_AUDIO_S if reprompt else MAX_AUDIO_S
    if audio_total > audio_limit:
        raise SSMLError(f"{audio_total:g} s of audio; Alexa allows {audio_limit:g} s here")


# ---------------------------------------------------------------------------------------
# Reading SSML back


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
