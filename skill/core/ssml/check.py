"""Alexa's rules for outputSpeech SSML, and the one validator every response goes through.

Every limit is a constant here with its source; every tag Alexa supports is one row of
_TAGS (attribute -> checker), so a rule is added where a reader looks for it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from skill.core import voice
from skill.core.ssml.markup import SSMLError, full, parse, parse_time

# --- Alexa limits, in one place -------------------------------------------------------
# D: = https://developer.amazon.com/en-US/docs/alexa/
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

_PERCENT = re.compile(r"^(\d+(?:\.\d+)?)%$")
_SIGNED_PERCENT = re.compile(r"^[+-]\d+(?:\.\d+)?%$")
_DECIBELS = re.compile(r"^[+-]\d+(?:\.\d+)?dB$")
_LANG = re.compile(r"^[a-z]{2}-[A-Z]{2}$")


Check = Callable[[str], str | None]  # value -> problem, or None when fine


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
            "characters",
            "spell-out",
            "cardinal",
            "number",
            "ordinal",
            "digits",
            "fraction",
            "unit",
            "date",
            "time",
            "telephone",
            "address",
            "interjection",
            "expletive",
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
    text = full(ssml)
    if len(text) > MAX_SPEECH_CHARS:
        raise SSMLError(f"speech is {len(text)} characters; Alexa allows {MAX_SPEECH_CHARS}")
    root = parse(text)
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
