"""The interaction model, generated: a small grammar in interaction_model/source/ plus the
exercises from the skill's own content -> interaction_model/<locale>.json.
Longer than ~250 lines: the grammar expander, Alexa's sample rules and the phrase matcher
that reads a sentence back are one language definition; the matcher must agree with the
expander sample for sample, which is easiest to keep true in one file.

Pure functions (no files, no Flask, no ask-sdk) so tests call them directly; the `model`
command does the reading and writing.

Grammar of one sample pattern (expanded with itertools.product, duplicates dropped):
    (a|b|c)     one of the alternatives
    [a|b]       optional: one of the alternatives, or nothing
    <name>      one of the patterns listed under [phrases] name (carrier phrases)
    {slot}      a slot of the intent, left as it is for Alexa
Text is joined as written and then spaces are collapsed, so "what(| i)s" works too.

Sources: a locale's model is model.toml (written for en-US) with, for another locale, its
<locale>.toml applied on top (see apply_override): only what really differs is written
there. The EXERCISE type is never written in the source; it comes from the content, so
the names Alexa resolves and the names the server knows are one list.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

BASE_LOCALE = "en-US"
# Multiple-value slots (an intent's `multiple = ["slot"]` in the source: "Mondays, Wednesdays
# and Fridays" in one slot) exist in these locales only; elsewhere the slot takes one value.
# https://developer.amazon.com/en-US/docs/alexa/custom-skills/collect-multiple-values-in-a-slot.html
MULTIPLE_VALUE_LOCALES = frozenset({"en-US", "en-GB", "en-CA", "en-AU"})
CONTENT_TYPE = "EXERCISE"  # the slot type generated from the content's exercises

# Alexa's sample rules ("Create intents, utterances, and slots"): words in lower case,
# no digits, no punctuation but apostrophes (possessives, contractions) and periods (of
# abbreviations); a slot as {name}.
_WORD = r"[a-z'.]+"
SAMPLE_RE = re.compile(rf"(?:{_WORD}|\{{[a-z_]+\}})(?: (?:{_WORD}|\{{[a-z_]+\}}))*")
VALUE_RE = re.compile(rf"{_WORD}(?: {_WORD})*")
SLOT_RE = re.compile(r"\{([a-z_]+)\}")

_TOKEN_RE = re.compile(r"[()\[\]|]|<[a-z_]+>|[^()\[\]|<>]+")


class ModelSourceError(ValueError):
    """The source breaks a grammar or an Alexa rule; the message names intent and sample."""


class Named(Protocol):
    """What the generator needs of an exercise (skill.core.content's Exercise has it)."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def synonyms(self) -> Sequence[str]: ...


# ---------------------------------------------------------------------------------------
# The grammar


def _parse(pattern: str) -> list[list[Any]]:
    """A pattern -> alternatives, each a sequence of text, <name> and nested alternatives."""
    tokens = _TOKEN_RE.findall(pattern)
    if "".join(tokens) != pattern:
        raise ModelSourceError(f"pattern {pattern!r}: stray '<' or '>'")
    pos = 0

    def alternatives(close: str | None) -> list[list[Any]]:
        nonlocal pos
        options: list[list[Any]] = [[]]
        while pos < len(tokens):
            token = tokens[pos]
            pos += 1
            if token == "|":
                options.append([])
            elif token in ")]":
                if token != close:
                    raise ModelSourceError(f"pattern {pattern!r}: unexpected {token!r}")
                return options
            elif token in "([":
                inner = alternatives(")" if token == "(" else "]")
                options[-1].append([*inner, []] if token == "[" else inner)
            else:
                options[-1].append(token)
        if close is not None:
            raise ModelSourceError(f"pattern {pattern!r}: {close!r} missing")
        return options

    return alternatives(None)


def expand(pattern: str, phrases: Mapping[str, Sequence[str]] | None = None) -> list[str]:
    """Every sample a pattern stands for, in order, without duplicates."""
    phrases = phrases or {}

    def options_of(options: list[list[Any]], seen: tuple[str, ...]) -> list[str]:
        out: list[str] = []
        for sequence in options:
            choices = [choices_of(part, seen) for part in sequence]
            out.extend("".join(combo) for combo in itertools.product(*choices))
        return out

    def choices_of(part: Any, seen: tuple[str, ...]) -> list[str]:
        if isinstance(part, list):
            return options_of(part, seen)
        if part.startswith("<"):
            name = part[1:-1]
            if name not in phrases:
                raise ModelSourceError(f"pattern {pattern!r}: no phrase list <{name}>")
            if name in seen:
                raise ModelSourceError(f"pattern {pattern!r}: <{name}> refers to itself")
            return [text for p in phrases[name] for text in options_of(_parse(p), (*seen, name))]
        return [part]

    return _unique(" ".join(text.split()) for text in options_of(_parse(pattern), ()))


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(item for item in items if item))


def spoken(text: str) -> str:
    """A content name as Alexa hears it: lower case, hyphens as spaces ("cat-cow" -> "cat cow")."""
    return " ".join(text.lower().replace("\u2019", "'").replace("-", " ").replace("_", " ").split())


def normal(text: str) -> str:
    """How entity resolution compares words: blind to case and punctuation."""
    text = text.lower().replace("\u2019", "'")
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", re.sub(r"['.]", "", text)).split())


# ---------------------------------------------------------------------------------------
# Source -> model


def apply_override(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """A locale's source: the base with a small override file on top.

    The override may set `invocation`; replace a phrase list under [phrases]; per intent,
    `[intent.<Name>] add = [patterns]` and `drop = [samples]`; per slot type value,
    `[type.<TYPE>.<id>] add = [synonyms]` and `drop = [synonyms]`.
    """
    unknown = set(override) - {"invocation", "phrases", "intent", "type"}
    if unknown:
        raise ModelSourceError(f"override: unknown key {', '.join(sorted(unknown))}")
    merged: dict[str, Any] = {
        "invocation": override.get("invocation", base["invocation"]),
        "phrases": {**base.get("phrases", {}), **override.get("phrases", {})},
        "intents": [dict(i) for i in base["intents"]],
        "types": [{**t, "values": [dict(v) for v in t.get("values", [])]} for t in base.get("types", [])],
    }
    intents = {i["name"]: i for i in merged["intents"]}
    for name, change in override.get("intent", {}).items():
        if name not in intents:
            raise ModelSourceError(f"override: no intent {name}")
        intent = intents[name]
        intent["samples"] = [*intent.get("samples", []), *change.get("add", [])]
        intent["drop"] = [*intent.get("drop", []), *change.get("drop", [])]
    types = {t["name"]: t for t in merged["types"]}
    for type_name, per_id in override.get("type", {}).items():
        if type_name not in types:
            raise ModelSourceError(f"override: no slot type {type_name} in the source")
        values = {v["id"]: v for v in types[type_name]["values"]}
        for value_id, change in per_id.items():
            if value_id not in values:
                raise ModelSourceError(f"override: {type_name} has no value {value_id}")
            value = values[value_id]
            dropped = set(change.get("drop", []))
            value["synonyms"] = [
                s for s in [*value.get("synonyms", []), *change.get("add", [])] if s not in dropped
            ]
    return merged


def exercise_type(exercises: Iterable[Named]) -> dict[str, Any]:
    """The EXERCISE slot type: each exercise's name as the value, its synonyms as synonyms."""
    values = []
    for exercise in exercises:
        value = spoken(exercise.name)
        synonyms = [s for s in _unique(spoken(s) for s in exercise.synonyms) if s != value]
        values.append({"id": exercise.id, "name": {"value": value, "synonyms": synonyms}})
    return {"name": CONTENT_TYPE, "values": values}


def _source_type(raw: Mapping[str, Any]) -> dict[str, Any]:
    values = []
    for value in raw.get("values", []):
        name = value["name"]
        synonyms = [s for s in _unique(value.get("synonyms", [])) if s != name]
        values.append({"id": value["id"], "name": {"value": name, "synonyms": synonyms}})
    return {"name": raw["name"], "values": values}


def build_model(
    source: Mapping[str, Any], exercises: Iterable[Named], locale: str = BASE_LOCALE
) -> dict[str, Any]:
    """The interaction model JSON (as a dict) of one locale's source; checked, or it raises."""
    phrases = source.get("phrases", {})
    intents = []
    for raw in source["intents"]:
        dropped = set(raw.get("drop", []))
        samples = [s for p in raw.get("samples", []) for s in expand(p, phrases) if s not in dropped]
        intent: dict[str, Any] = {"name": raw["name"]}
        if raw.get("slots"):
            many = set(raw.get("multiple", ())) if locale in MULTIPLE_VALUE_LOCALES else set()
            intent["slots"] = [
                {"name": n, "type": t, **({"multipleValues": {"enabled": True}} if n in many else {})}
                for n, t in raw["slots"].items()
            ]
        intent["samples"] = _unique(samples)
        intents.append(intent)
    types = [_source_type(t) for t in source.get("types", [])]
    if any(t["name"] == CONTENT_TYPE for t in types):
        raise ModelSourceError(f"{CONTENT_TYPE} comes from the content; do not write it in the source")
    types.append(exercise_type(exercises))
    used = {slot["type"] for intent in intents for slot in intent.get("slots", [])}
    types = [t for t in types if t["name"] in used]
    model = {
        "interactionModel": {
            "languageModel": {"invocationName": source["invocation"], "intents": intents, "types": types}
        }
    }
    check(model)
    return model


def check(model: Mapping[str, Any]) -> None:
    """The rules Alexa's model build enforces, so a broken source fails here, not on upload."""
    lm = language_model(model)
    problems: list[str] = []
    if not re.fullmatch(r"[a-z]+(?: [a-z]+)+", lm["invocationName"]):
        problems.append(f"invocation name {lm['invocationName']!r}: two or more lower-case words")
    types = {t["name"]: t for t in lm.get("types", [])}
    owner: dict[str, str] = {}
    for intent in lm["intents"]:
        declared = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
        for slot_type in declared.values():
            if not slot_type.startswith("AMAZON.") and slot_type not in types:
                problems.append(f"{intent['name']}: slot type {slot_type} is not defined")
        for sample in intent.get("samples", []):
            where = f"{intent['name']}: {sample!r}"
            if not SAMPLE_RE.fullmatch(sample):
                problems.append(f"{where}: only lower-case words, apostrophes, periods and {{slots}}")
            used = SLOT_RE.findall(sample)
            if len(used) != len(set(used)):
                problems.append(f"{where}: a slot used twice")
            problems += [f"{where}: undeclared slot {{{s}}}" for s in used if s not in declared]
            if re.search(r"\}\s*\{", sample):
                problems.append(f"{where}: two slots need a word between them")
            if sample in owner and owner[sample] != intent["name"]:
                problems.append(f"{where}: also a sample of {owner[sample]}")
            owner.setdefault(sample, intent["name"])
    for slot_type in types.values():
        seen: dict[str, str] = {}
        for value in slot_type["values"]:
            for said in (value["name"]["value"], *value["name"].get("synonyms", [])):
                if not VALUE_RE.fullmatch(said):
                    problems.append(f"{slot_type['name']}.{value['id']}: {said!r} is not plain words")
                key = normal(said)
                if seen.get(key, value["id"]) != value["id"]:
                    problems.append(f"{slot_type['name']}: {said!r} names both {seen[key]} and {value['id']}")
                seen[key] = value["id"]
    if problems:
        raise ModelSourceError("\n".join(problems))


def language_model(model: Mapping[str, Any]) -> Mapping[str, Any]:
    return model["interactionModel"]["languageModel"] if "interactionModel" in model else model


# ---------------------------------------------------------------------------------------
# Reading a model back: which intent (and slot values) a phrase is a sample of


# What a built-in slot type can match when reading a phrase back (chat, tests): Alexa's own
# recognition is far wider; this only keeps a bare "{time}" sample from matching anything.
_NUMBER = r"(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
BUILT_IN_PATTERNS = {
    "AMAZON.TIME": (
        rf"(?:(?:half past |quarter past |quarter to )?{_NUMBER}(?:[: ](?:\d\d|o'clock|fifteen|thirty|forty five))?"
        r"(?: ?(?:am|pm|a\.m\.|p\.m\.|in the morning|in the afternoon|in the evening|at night|tonight))?"
        r"|noon|midnight|morning|afternoon|evening|tonight)"
    ),
}


def match(model: Mapping[str, Any], utterance: str) -> list[tuple[str, dict[str, str]]]:
    """(intent, {slot: words}) for every sample the utterance fits, a custom-type slot
    matching only that type's values and synonyms (so no ER_SUCCESS_NO_MATCH reading)."""
    lm = language_model(model)
    said = {
        t["name"]: [s for v in t["values"] for s in (v["name"]["value"], *v["name"].get("synonyms", []))]
        for t in lm.get("types", [])
    }
    text = " ".join(utterance.lower().split())
    found = []
    for intent in lm["intents"]:
        slot_types = {s["name"]: s["type"] for s in intent.get("slots", [])}
        for sample in intent.get("samples", []):
            regex = ""
            for part in re.split(r"(\{[a-z_]+\})", sample):
                name = part[1:-1] if part.startswith("{") else None
                if name is None:
                    regex += re.escape(part)
                else:
                    kind = slot_types.get(name, "")
                    words = said.get(kind)
                    any_words = BUILT_IN_PATTERNS.get(kind, ".+")
                    regex += f"(?P<{name}>{'|'.join(map(re.escape, words)) if words else any_words})"
            hit = re.fullmatch(regex, text)
            if hit:
                found.append((intent["name"], hit.groupdict()))
    return found


def difference(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> list[str]:
    """What regenerating would change, one line per intent or type (for --check)."""
    if old is None:
        return ["the file is missing"]
    a, b = language_model(old), language_model(new)
    lines = []
    if a.get("invocationName") != b.get("invocationName"):
        lines.append(f"invocation name: {a.get('invocationName')!r} -> {b.get('invocationName')!r}")
    old_intents = {i["name"]: i for i in a.get("intents", [])}
    new_intents = {i["name"]: i for i in b.get("intents", [])}
    for name in sorted(old_intents.keys() - new_intents.keys()):
        lines.append(f"intent {name}: removed")
    for name in sorted(new_intents.keys() - old_intents.keys()):
        lines.append(f"intent {name}: added")
    for name in sorted(old_intents.keys() & new_intents.keys()):
        before, after = old_intents[name], new_intents[name]
        if before.get("slots") != after.get("slots"):
            lines.append(f"intent {name}: slots differ")
        gone = [s for s in before.get("samples", []) if s not in after.get("samples", [])]
        came = [s for s in after.get("samples", []) if s not in before.get("samples", [])]
        if gone or came:
            example = ", ".join([*(f"+{s!r}" for s in came[:2]), *(f"-{s!r}" for s in gone[:2])])
            lines.append(f"intent {name}: +{len(came)} -{len(gone)} samples ({example})")
    old_types = {t["name"]: t for t in a.get("types", [])}
    new_types = {t["name"]: t for t in b.get("types", [])}
    for name in sorted(old_types.keys() | new_types.keys()):
        if old_types.get(name) != new_types.get(name):
            state = (
                "added" if name not in old_types else "removed" if name not in new_types else "values differ"
            )
            lines.append(f"slot type {name}: {state}")
    if not lines and old != new:
        lines.append("same content, different order or layout")
    return lines
