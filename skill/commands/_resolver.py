"""Typed words -> the request Alexa would send for them, from the interaction model alone
(for `python -m skill chat`).

Words are resolved the way Alexa's samples work: "open|start|launch|... my back stretches" is
a LaunchRequest; "ask|tell my back stretches (to|for|about|...) <words>" is that request in a
new session; anything else goes to the open session. The words are matched against every
intent's sample utterances with their slots (skill.commands._model_source.match: a custom slot
matches only its type's values and synonyms), then against the common utterances Amazon
documents for the built-in intents the model declares (BUILT_IN_UTTERANCES). Slots go out with
entity resolution (skill.alexa.envelopes.resolved_slot: ER_SUCCESS_MATCH and the value's id).
Nothing matched: AMAZON.FallbackIntent, as Alexa does for an out-of-domain utterance.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from skill.alexa.envelopes import resolved_slot
from skill.commands._model_source import language_model, match

FALLBACK = "AMAZON.FallbackIntent"
# How a user opens a skill, and joins a request to it ("Understand how users invoke custom
# skills", D:custom-skills/understanding-how-users-invoke-custom-skills.html).
LAUNCH_WORDS = ("open", "start", "launch", "begin", "load", "run", "talk to", "use", "play")
ASK_WORDS = ("ask", "tell")
CONNECTING_WORDS = ("to", "for", "about", "if", "whether", "that", "and")
# A subset of the common utterances of the standard built-in intents ("Standard Built-in
# Intents", D:custom-skills/standard-built-in-intents.html). Alexa knows these without
# samples, so the model does not list them; only the intents the model declares are used.
BUILT_IN_UTTERANCES: Mapping[str, tuple[str, ...]] = {
    "AMAZON.YesIntent": ("yes", "yeah", "yep", "sure", "yes please"),
    "AMAZON.NoIntent": ("no", "nope", "no thanks"),
    "AMAZON.StopIntent": ("stop", "off", "shut up"),
    "AMAZON.CancelIntent": ("cancel", "never mind", "forget it"),
    "AMAZON.HelpIntent": ("help", "help me", "can you help me"),
    "AMAZON.PauseIntent": ("pause", "pause that"),
    "AMAZON.ResumeIntent": ("resume", "continue", "keep going"),
    "AMAZON.RepeatIntent": ("repeat", "say that again", "repeat that"),
    "AMAZON.StartOverIntent": ("start over", "restart", "start again"),
    "AMAZON.NextIntent": ("next", "next one"),
    "AMAZON.PreviousIntent": ("previous", "go back", "back up"),
    "AMAZON.NavigateHomeIntent": ("go home", "home"),
}


def words_of(text: str) -> str:
    """Typed text as Alexa would hear it: lower case, no punctuation but apostrophes."""
    text = text.lower().replace("\u2019", "'")
    text = re.sub(r"^\s*alexa\b[,!.]?", "", text)  # "Alexa, next" while she is talking
    return " ".join(re.sub(r"[^a-z0-9' ]", " ", text).split())


@dataclass(frozen=True)
class Heard:
    """What Alexa would send for one utterance."""

    kind: str  # "LaunchRequest", "IntentRequest" or "SessionEndedRequest"
    intent: str | None = None
    slots: dict[str, dict[str, Any]] = field(default_factory=dict)
    new_session: bool = False  # a launch or a one-shot ("ask ... to ...") opens a new session

    def describe(self) -> str:
        """One line for the transcript: what the words became."""
        if self.intent is None:
            return self.kind
        parts = [self.intent]
        for name, slot in self.slots.items():
            if "value" not in slot:
                continue
            resolution = (slot.get("resolutions") or {}).get("resolutionsPerAuthority") or [{}]
            if resolution[0].get("status", {}).get("code") == "ER_SUCCESS_MATCH":
                parts.append(f'{name}: "{slot["value"]}" = {resolution[0]["values"][0]["value"]["id"]}')
            else:
                parts.append(f'{name}: "{slot["value"]}"')
        return ", ".join(parts)


class Resolver:
    """Typed words -> the request Alexa would send, from the interaction model alone."""

    def __init__(self, model: Mapping[str, Any]) -> None:
        self.model = model
        lm = language_model(model)
        self.invocation = words_of(lm["invocationName"])
        declared = {intent["name"] for intent in lm["intents"]}
        self.built_ins = {
            phrase: name
            for name, phrases in BUILT_IN_UTTERANCES.items()
            if name in declared
            for phrase in phrases
        }
        self.builtin_slot_types = {
            intent["name"]: {s["name"] for s in intent.get("slots", []) if s["type"].startswith("AMAZON.")}
            for intent in lm["intents"]
        }
        self.declared_slots = {
            intent["name"]: [s["name"] for s in intent.get("slots", [])] for intent in lm["intents"]
        }

    def hear(self, text: str) -> Heard:
        said = words_of(text)
        inv = re.escape(self.invocation)
        launch = "|".join(map(re.escape, LAUNCH_WORDS))
        if re.fullmatch(rf"(?:(?:{launch}) )?{inv}", said):
            return Heard("LaunchRequest", new_session=True)
        ask = "|".join(ASK_WORDS + LAUNCH_WORDS)
        joined = "|".join(CONNECTING_WORDS)
        one_shot = re.fullmatch(rf"(?:{ask}) {inv}(?: (?:{joined}))? (.+)", said)
        if one_shot:
            return self.intent(one_shot[1], new_session=True)
        return self.intent(said)

    def intent(self, said: str, *, new_session: bool = False) -> Heard:
        found = match(self.model, said)
        if found:
            # Several samples may fit; prefer the one that left the least to free-form slots.
            name, words = min(found, key=lambda hit: len(self.builtin_slot_types[hit[0]] & hit[1].keys()))
        elif said in self.built_ins:
            name, words = self.built_ins[said], {}
        else:
            name, words = FALLBACK, {}
        slots = {
            slot: resolved_slot(self.model, name, slot, words.get(slot))
            for slot in self.declared_slots.get(name, [])
        }
        return Heard("IntentRequest", name, slots, new_session)
