"""Lint the interaction model against the rules Alexa's build and certification enforce.

The console rejects or silently mis-routes many of these mistakes only after an upload,
so catching them here keeps the model the single, trustworthy source of utterances.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

MODEL_DIR = Path(__file__).resolve().parent.parent / "interaction_model"
MODEL_FILES = sorted(MODEL_DIR.glob("*.json"))

# Source: "Choose the invocation name for a custom skill" (ASK docs). Launch and connecting
# words would make "Alexa, open <name>" ambiguous; brand words are reserved by Amazon.
LAUNCH_WORDS = {
    "open", "ask", "start", "tell", "launch", "begin", "load", "play", "resume", "run", "use",
    "talk", "enable", "say", "from", "to", "for", "about", "and", "by", "if", "whether", "of",
}
RESERVED_WORDS = {"alexa", "amazon", "echo", "skill", "app", "computer"}

REQUIRED_BUILTINS = {
    "AMAZON.HelpIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.FallbackIntent",
    "AMAZON.NavigateHomeIntent", "AMAZON.NextIntent", "AMAZON.PreviousIntent", "AMAZON.RepeatIntent",
    "AMAZON.StartOverIntent", "AMAZON.PauseIntent", "AMAZON.ResumeIntent", "AMAZON.YesIntent",
    "AMAZON.NoIntent",
}
CUSTOM_INTENTS = {
    "StartRoutineIntent", "ExerciseIntent", "FrequencyIntent", "TrimesterIntent", "WarningSignsIntent",
    "ListExercisesIntent", "ProgressIntent", "SlowerIntent", "FasterIntent", "ShorterIntent",
    "LongerIntent", "SkipIntent", "SymptomIntent", "DeleteDataIntent",
}
MIN_CUSTOM_SAMPLES = 15
# Phrases the built-in intents already own. A custom intent claiming one of them would
# steal it (e.g. "start over" landing in StartRoutineIntent instead of StartOverIntent).
BUILTIN_PHRASES = {
    "help", "stop", "cancel", "never mind", "next", "previous", "go back", "repeat", "start over",
    "pause", "resume", "yes", "no", "go home",
}
EXERCISE_IDS_FALLBACK = ["cat_cow", "shoulder_squeezes", "wall_angels", "childs_pose", "chest_opener"]

# Letters, apostrophes, periods and spaces, plus {slot} references (ASK sample rules).
SAMPLE_RE = re.compile(r"^(?:[a-zA-Z'.]+|\{[A-Za-z_][A-Za-z0-9_]*\})(?: (?:[a-zA-Z'.]+|\{[A-Za-z_][A-Za-z0-9_]*\}))*$")
SLOT_RE = re.compile(r"\{([^}]*)\}")


def normalize(sample: str) -> str:
    return " ".join(sample.lower().split())


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))["interactionModel"]["languageModel"]


@pytest.fixture(params=MODEL_FILES, ids=lambda p: p.stem)
def model(request) -> dict:
    return load(request.param)


def intents_by_name(model: dict) -> dict[str, dict]:
    return {intent["name"]: intent for intent in model["intents"]}


def test_there_is_an_en_us_model() -> None:
    assert (MODEL_DIR / "en-US.json") in MODEL_FILES


def test_shape(model: dict) -> None:
    assert isinstance(model["invocationName"], str)
    assert isinstance(model["intents"], list) and model["intents"]
    assert isinstance(model.get("types", []), list)
    names = [intent["name"] for intent in model["intents"]]
    assert len(names) == len(set(names)), "intent declared twice"
    for intent in model["intents"]:
        assert isinstance(intent.get("samples", []), list), intent["name"]
        assert all(isinstance(s, str) for s in intent.get("samples", [])), intent["name"]


def test_invocation_name_follows_the_rules(model: dict) -> None:
    name = model["invocationName"]
    assert name == "my back stretches"
    assert name == name.lower()
    assert re.fullmatch(r"[a-z]+(?: [a-z]+)+", name), "letters and single spaces, two or more words"
    words = set(name.split())
    assert not words & LAUNCH_WORDS, words & LAUNCH_WORDS
    assert not words & RESERVED_WORDS, words & RESERVED_WORDS


def test_sample_characters(model: dict) -> None:
    bad = [
        (intent["name"], s)
        for intent in model["intents"]
        for s in intent.get("samples", [])
        if not SAMPLE_RE.match(s)
    ]
    assert not bad


def test_custom_intents_have_enough_samples(model: dict) -> None:
    intents = intents_by_name(model)
    assert CUSTOM_INTENTS <= intents.keys(), CUSTOM_INTENTS - intents.keys()
    thin = {
        name: len(intent.get("samples", []))
        for name, intent in intents.items()
        if not name.startswith("AMAZON.") and len(intent.get("samples", [])) < MIN_CUSTOM_SAMPLES
    }
    assert not thin


def test_no_sample_is_used_twice(model: dict) -> None:
    seen: dict[str, str] = {}
    clashes = []
    for intent in model["intents"]:
        for sample in intent.get("samples", []):
            key = normalize(sample)
            if key in seen:
                clashes.append((key, seen[key], intent["name"]))
            seen[key] = intent["name"]
    assert not clashes


def test_slot_samples_do_not_expand_into_another_intents_sample(model: dict) -> None:
    # "do the {exercise}" with a synonym filled in must not equal a literal sample of a
    # different intent, or Alexa has two equally good readings of the same words.
    values = {
        t["name"]: [v["name"]["value"] for v in t["values"]]
        + [syn for v in t["values"] for syn in v["name"].get("synonyms", [])]
        for t in model.get("types", [])
    }
    literal = {
        normalize(s): intent["name"]
        for intent in model["intents"]
        for s in intent.get("samples", [])
        if "{" not in s
    }
    clashes = []
    for intent in model["intents"]:
        slot_types = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
        for sample in intent.get("samples", []):
            names = SLOT_RE.findall(sample)
            if len(names) != 1 or slot_types.get(names[0]) not in values:
                continue
            for value in values[slot_types[names[0]]]:
                text = normalize(sample.replace("{%s}" % names[0], value))
                other = literal.get(text)
                if other and other != intent["name"]:
                    clashes.append((text, intent["name"], other))
    assert not clashes


def test_custom_intents_do_not_claim_builtin_phrases(model: dict) -> None:
    claimed = [
        (intent["name"], s)
        for intent in model["intents"]
        if not intent["name"].startswith("AMAZON.")
        for s in intent.get("samples", [])
        if normalize(s) in BUILTIN_PHRASES
    ]
    assert not claimed


def test_slots_are_declared_and_typed(model: dict) -> None:
    declared_types = {t["name"] for t in model.get("types", [])}
    problems = []
    for intent in model["intents"]:
        slots = intent.get("slots", [])
        slot_names = [slot["name"] for slot in slots]
        if len(slot_names) != len(set(slot_names)):
            problems.append((intent["name"], "slot declared twice"))
        for slot in slots:
            if not (slot["type"] in declared_types or slot["type"].startswith("AMAZON.")):
                problems.append((intent["name"], slot["name"], slot["type"]))
        for sample in intent.get("samples", []):
            for used in SLOT_RE.findall(sample):
                if used not in slot_names:
                    problems.append((intent["name"], sample, f"undeclared slot {used}"))
    assert not problems


def test_every_declared_type_is_used(model: dict) -> None:
    used = {slot["type"] for intent in model["intents"] for slot in intent.get("slots", [])}
    assert {t["name"] for t in model.get("types", [])} <= used


def test_exercise_slot(model: dict) -> None:
    intent = intents_by_name(model)["ExerciseIntent"]
    assert [(s["name"], s["type"]) for s in intent["slots"]] == [("exercise", "EXERCISE")]
    assert "{exercise}" in intent["samples"], "the bare exercise name should work mid-routine"


def expected_exercise_ids() -> list[str]:
    try:
        from skill.core.content import CONTENT
    except ImportError:
        return EXERCISE_IDS_FALLBACK
    return [exercise.id for exercise in CONTENT.exercises]


def test_exercise_values_match_the_content(model: dict) -> None:
    types = {t["name"]: t for t in model["types"]}
    values = types["EXERCISE"]["values"]
    ids = [v["id"] for v in values]
    assert ids == EXERCISE_IDS_FALLBACK
    assert sorted(ids) == sorted(expected_exercise_ids())
    for value in values:
        synonyms = value["name"].get("synonyms", [])
        assert len(synonyms) >= 4, value["id"]
        spoken = [value["name"]["value"], *synonyms]
        assert all(SAMPLE_RE.match(s) and "{" not in s for s in spoken), value["id"]
    everything = [normalize(s) for v in values for s in [v["name"]["value"], *v["name"].get("synonyms", [])]]
    assert len(everything) == len(set(everything)), "a name resolves to two exercises"


def test_required_builtins_are_present(model: dict) -> None:
    names = intents_by_name(model).keys()
    assert REQUIRED_BUILTINS <= names, REQUIRED_BUILTINS - names


def test_lint_catches_a_duplicate() -> None:
    # Guard the guard: a model with a cross-intent duplicate must fail the check.
    broken = {
        "intents": [
            {"name": "AIntent", "samples": ["start"]},
            {"name": "BIntent", "samples": ["Start "]},
        ]
    }
    with pytest.raises(AssertionError):
        test_no_sample_is_used_twice(broken)


def test_every_spoken_form_in_the_model_names_the_same_stretch_in_content() -> None:
    """Content's synonyms back up entity resolution (and `plan`); they must agree with the model."""
    from skill.core.content import CONTENT

    model = json.loads((MODEL_DIR / "en-US.json").read_text())["interactionModel"]["languageModel"]
    exercise_type = next(t for t in model["types"] if t["name"] == "EXERCISE")
    for value in exercise_type["values"]:
        for spoken in (value["name"]["value"], *value["name"].get("synonyms", ())):
            found = CONTENT.lookup(spoken)
            assert found is not None and found.id == value["id"], spoken


def test_every_intent_in_the_model_has_a_handler_and_every_handler_intent_is_in_the_model() -> None:
    from skill.alexa.handlers import HANDLED_INTENTS

    model = json.loads((MODEL_DIR / "en-US.json").read_text())["interactionModel"]["languageModel"]
    assert {i["name"] for i in model["intents"]} == set(HANDLED_INTENTS)
