"""The interaction model: generated from its source and the content, current, and within the
rules Alexa's build and certification enforce; the phrases people say reach the right intent,
and the names they use resolve to the right stretch.

The console rejects or silently mis-routes many of these mistakes only after an upload, so
catching them here keeps the model the single, trustworthy source of utterances.
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest

from skill.commands._model_source import (
    ModelSourceError,
    apply_override,
    build_model,
    expand,
    match,
    normal,
)
from skill.commands.model import SOURCE_DIR, generate, load_source, render
from skill.core.content import default
from tests.envelopes import SKILL_ID, resolved_slot
from tests.names import NAMES_PEOPLE_USE

MODEL_DIR = Path(__file__).resolve().parent.parent / "interaction_model"
MODEL_FILE = MODEL_DIR / "en-US.json"
MODEL = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
LM = MODEL["interactionModel"]["languageModel"]
INTENTS = {intent["name"]: intent for intent in LM["intents"]}
CONTENT = default()
TYPES = {t["name"]: t for t in LM.get("types", [])}

# Source: "Choose the invocation name for a custom skill" (ASK docs). Launch and connecting
# words would make "Alexa, open <name>" ambiguous; brand words are reserved by Amazon.
LAUNCH_WORDS = {
    "open",
    "ask",
    "start",
    "tell",
    "launch",
    "begin",
    "load",
    "play",
    "resume",
    "run",
    "use",
    "talk",
    "enable",
    "say",
    "from",
    "to",
    "for",
    "about",
    "and",
    "by",
    "if",
    "whether",
    "of",
}
RESERVED_WORDS = {"alexa", "amazon", "echo", "skill", "app", "computer"}

BUILTINS = {
    "AMAZON.HelpIntent",
    "AMAZON.StopIntent",
    "AMAZON.CancelIntent",
    "AMAZON.FallbackIntent",
    "AMAZON.NavigateHomeIntent",
    "AMAZON.NextIntent",
    "AMAZON.PreviousIntent",
    "AMAZON.RepeatIntent",
    "AMAZON.StartOverIntent",
    "AMAZON.PauseIntent",
    "AMAZON.ResumeIntent",
    "AMAZON.YesIntent",
    "AMAZON.NoIntent",
}
CUSTOM = {
    "StartRoutineIntent": {"version": "ROUTINE_VERSION"},
    "NoFloorIntent": {},
    "ExerciseIntent": {"exercise": "EXERCISE"},
    "DescribeExerciseIntent": {"exercise": "EXERCISE"},
    "FrequencyIntent": {},
    "TrimesterIntent": {},
    "WarningSignsIntent": {},
    "ListExercisesIntent": {},
    "ProgressIntent": {},
    "SlowerIntent": {},
    "FasterIntent": {},
    "ShorterIntent": {},
    "LongerIntent": {},
    "SkipIntent": {},
    "SymptomIntent": {"symptom": "SYMPTOM"},
    "DeleteDataIntent": {},
    # issue 12: weekly reminders (days: a multiple-value DAY slot)
    "SetReminderIntent": {"days": "DAY", "time": "AMAZON.TIME"},
    "ChangeReminderIntent": {"days": "DAY", "time": "AMAZON.TIME"},
    "CancelRemindersIntent": {},
}
# Built-in slot types have no values in the model; a few of what people say stand for them.
BUILT_IN_EXAMPLES = {"AMAZON.TIME": {"seven pm", "half past six in the evening", "noon"}}
# Amazon's guidance is many varied samples; the intents people open with get the most.
MAIN_INTENTS = {
    "StartRoutineIntent",
    "ExerciseIntent",
    "DescribeExerciseIntent",
    "FrequencyIntent",
    "SymptomIntent",
}
MIN_MAIN_SAMPLES, MIN_CUSTOM_SAMPLES, MIN_SLOT_CARRIERS = 30, 15, 3
# Phrases the built-in intents already own. A custom intent claiming one of them would
# steal it (e.g. "start over" landing in StartRoutineIntent instead of StartOverIntent).
BUILTIN_PHRASES = {
    "help",
    "stop",
    "cancel",
    "never mind",
    "next",
    "previous",
    "go back",
    "repeat",
    "start over",
    "pause",
    "resume",
    "yes",
    "no",
    "go home",
}
SYMPTOM_TIERS = {"discomfort", "unclear", "pain", "dizzy", "warning"}

SAMPLE_RE = re.compile(r"(?:[a-z'.]+|\{[a-z_]+\})(?: (?:[a-z'.]+|\{[a-z_]+\}))*")
SLOT_RE = re.compile(r"\{([^}]*)\}")


def samples(intent: str) -> list[str]:
    return INTENTS[intent].get("samples", [])


def spoken_forms(type_name: str) -> dict[str, set[str]]:
    """id -> every value and synonym of a slot type, normalised."""
    if type_name in BUILT_IN_EXAMPLES:
        return {type_name: BUILT_IN_EXAMPLES[type_name]}
    return {
        v["id"]: {normal(s) for s in (v["name"]["value"], *v["name"].get("synonyms", []))}
        for v in TYPES[type_name]["values"]
    }


def expansions(intent: dict) -> set[str]:
    """Every sample of the intent with each custom slot filled by each of its values."""
    slot_types = {s["name"]: s["type"] for s in intent.get("slots", [])}
    out = set()
    for sample in intent.get("samples", []):
        names = SLOT_RE.findall(sample)
        choices = [sorted(set().union(*spoken_forms(slot_types[n]).values())) for n in names]
        for combo in itertools.product(*choices):
            text = sample
            for name, value in zip(names, combo, strict=False):
                text = text.replace(f"{{{name}}}", value)
            out.add(normal(text))
    return out


# --- generated, and current -------------------------------------------------------------


def test_the_committed_model_is_what_the_source_generates() -> None:
    assert MODEL_FILE.read_text(encoding="utf-8") == render(generate()), "run `python -m skill model`"


def test_model_check_passes_on_the_committed_file(capsys) -> None:
    from skill.__main__ import main

    assert main(["model", "--check"]) == 0
    assert "en-US.json: up to date" in capsys.readouterr().out


def test_model_check_names_what_is_stale_and_regenerating_fixes_it(tmp_path, capsys) -> None:
    from skill.__main__ import main

    out = ["--out", str(tmp_path)]
    assert main(["model", "--check", *out]) == 1
    assert "the file is missing" in capsys.readouterr().out
    assert main(["model", *out]) == 0
    assert main(["model", "--check", *out]) == 0
    written = tmp_path / "en-US.json"
    stale = json.loads(written.read_text())
    frequency = next(
        i for i in stale["interactionModel"]["languageModel"]["intents"] if i["name"] == "FrequencyIntent"
    )
    frequency["samples"].remove("how often")
    written.write_text(json.dumps(stale, indent=2))
    capsys.readouterr()
    assert main(["model", "--check", *out]) == 1
    report = capsys.readouterr().out
    assert (
        "en-US.json: stale" in report
        and "FrequencyIntent: +1 -0 samples" in report
        and "'how often'" in report
    )
    assert main(["model", *out]) == 0 and main(["model", "--check", *out]) == 0


def test_a_broken_source_is_reported_not_written(tmp_path, capsys) -> None:
    from skill.__main__ import main

    source = (SOURCE_DIR / "model.toml").read_text(encoding="utf-8")
    (tmp_path / "model.toml").write_text(source.replace('"how often",', '"how often", "Wait",', 1))
    assert main(["model", "--source", str(tmp_path), "--out", str(tmp_path)]) == 1
    assert "'Wait'" in capsys.readouterr().out
    assert not (tmp_path / "en-US.json").exists()


# --- the grammar ---------------------------------------------------------------------------

PHRASES = {"lets": ["let's", "can we"], "polite": ["<lets>", "please"], "loop": ["<loop> again"]}


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("how often", ["how often"]),
        ("(start|begin) now", ["start now", "begin now"]),
        ("do [the] {exercise}", ["do the {exercise}", "do {exercise}"]),
        ("[please|now] stretch", ["please stretch", "now stretch", "stretch"]),
        ("<lets> stretch", ["let's stretch", "can we stretch"]),
        ("<polite> go", ["let's go", "can we go", "please go"]),
        (
            "(what is|what's) [a (big|small)] x",
            [
                "what is a big x",
                "what is a small x",
                "what is x",
                "what's a big x",
                "what's a small x",
                "what's x",
            ],
        ),
        ("what(| i)s it", ["whats it", "what is it"]),
        ("a [b] [b]", ["a b b", "a b", "a"]),  # duplicates dropped, order kept
        ("one|two", ["one", "two"]),
    ],
)
def test_expand(pattern: str, expected: list[str]) -> None:
    assert expand(pattern, PHRASES) == expected


@pytest.mark.parametrize(
    ("pattern", "says"),
    [
        ("(start", "')' missing"),
        ("start)", "unexpected ')'"),
        ("[start)", "unexpected ')'"),
        ("<nothing> here", "no phrase list <nothing>"),
        ("<loop>", "refers to itself"),
        ("a > b", "stray"),
    ],
)
def test_expand_rejects_a_broken_pattern(pattern: str, says: str) -> None:
    with pytest.raises(ModelSourceError, match=re.escape(says)):
        expand(pattern, PHRASES)


def _source(*intents: dict, types: list | None = None) -> dict:
    return {"invocation": "my back stretches", "phrases": {}, "intents": list(intents), "types": types or []}


@pytest.mark.parametrize(
    ("source", "says"),
    [
        (
            _source(
                {"name": "AIntent", "samples": ["start"]}, {"name": "BIntent", "samples": ["(begin|start)"]}
            ),
            "also a sample of AIntent",
        ),
        (_source({"name": "AIntent", "samples": ["Start"]}), "only lower-case words"),
        (_source({"name": "AIntent", "samples": ["do it five times"]}), ""),
        (_source({"name": "AIntent", "samples": ["do it 5 times"]}), "only lower-case words"),
        (_source({"name": "AIntent", "samples": ["stop, please"]}), "only lower-case words"),
        (_source({"name": "AIntent", "samples": ["do {exercise}"]}), "undeclared slot {exercise}"),
        (
            _source(
                {"name": "AIntent", "slots": {"a": "EXERCISE", "b": "EXERCISE"}, "samples": ["do {a} {b}"]}
            ),
            "two slots need a word between them",
        ),
        (
            _source({"name": "AIntent", "slots": {"s": "MOOD"}, "samples": ["{s}"]}),
            "slot type MOOD is not defined",
        ),
        (
            _source(
                {"name": "AIntent", "slots": {"s": "EXERCISE"}, "samples": ["{s}"]},
                types=[{"name": "EXERCISE", "values": []}],
            ),
            "comes from the content",
        ),
        (
            _source(
                {"name": "AIntent", "slots": {"s": "MOOD"}, "samples": ["{s}"]},
                types=[
                    {
                        "name": "MOOD",
                        "values": [
                            {"id": "a", "name": "glad", "synonyms": ["happy"]},
                            {"id": "b", "name": "Happy"},
                        ],
                    }
                ],
            ),
            "names both a and b",
        ),
        (
            {**_source({"name": "AIntent", "samples": ["go"]}), "invocation": "Back Stretches"},
            "invocation name",
        ),
    ],
)
def test_build_rejects_what_alexa_would_reject(source: dict, says: str) -> None:
    if not says:  # the control case: spelled-out numbers are fine
        build_model(source, CONTENT.exercises)
        return
    with pytest.raises(ModelSourceError, match=re.escape(says)):
        build_model(source, CONTENT.exercises)


def test_a_locale_override_changes_only_what_it_names() -> None:
    base = load_source()
    override = {
        "invocation": "my back stretches",
        "intent": {
            "FrequencyIntent": {
                "add": ["how often should i do my stretches (mate|love)"],
                "drop": ["how often please"],
            }
        },
        "type": {"SYMPTOM": {"warning": {"add": ["my waters have gone"], "drop": ["my water broke"]}}},
    }
    local = build_model(apply_override(base, override), CONTENT.exercises)["interactionModel"][
        "languageModel"
    ]
    frequency = next(i for i in local["intents"] if i["name"] == "FrequencyIntent")["samples"]
    assert "how often should i do my stretches mate" in frequency and "how often please" not in frequency
    warning = next(
        v for v in next(t for t in local["types"] if t["name"] == "SYMPTOM")["values"] if v["id"] == "warning"
    )
    assert (
        "my waters have gone" in warning["name"]["synonyms"]
        and "my water broke" not in warning["name"]["synonyms"]
    )
    assert [i["name"] for i in local["intents"]] == list(INTENTS)
    others = {i["name"]: i for i in local["intents"] if i["name"] != "FrequencyIntent"}
    assert all(others[name] == INTENTS[name] for name in others), "other intents unchanged"
    assert load_source() == base, "the base is not modified"
    with pytest.raises(ModelSourceError, match="no intent NopeIntent"):
        apply_override(base, {"intent": {"NopeIntent": {"add": ["x"]}}})
    with pytest.raises(ModelSourceError, match="unknown key"):
        apply_override(base, {"intents": []})


# --- the model's shape and Alexa's rules ---------------------------------------------------


def test_invocation_name_follows_the_rules() -> None:
    name = LM["invocationName"]
    assert name == "my back stretches"
    assert re.fullmatch(r"[a-z]+(?: [a-z]+)+", name), (
        "lower-case letters and single spaces, two or more words"
    )
    assert not set(name.split()) & (LAUNCH_WORDS | RESERVED_WORDS)


def test_every_intent_is_declared_once_with_its_slots() -> None:
    names = [intent["name"] for intent in LM["intents"]]
    assert len(names) == len(set(names))
    assert set(names) == BUILTINS | CUSTOM.keys()
    for name, slots in CUSTOM.items():
        assert {s["name"]: s["type"] for s in INTENTS[name].get("slots", [])} == slots, name
    assert all(not INTENTS[name].get("slots") for name in BUILTINS)


def test_sample_characters() -> None:
    bad = [(name, s) for name in INTENTS for s in samples(name) if not SAMPLE_RE.fullmatch(s)]
    assert not bad


def test_no_sample_is_used_twice() -> None:
    owners: dict[str, set[str]] = {}
    for name in INTENTS:
        for sample in samples(name):
            owners.setdefault(normal(sample), set()).add(name)
    assert not {s: o for s, o in owners.items() if len(o) > 1}


def test_no_phrase_is_a_sample_of_two_intents_once_slots_are_filled() -> None:
    # "do the {exercise}" with a synonym filled in must not equal what another intent says,
    # or Alexa has two equally good readings of the same words.
    owners: dict[str, set[str]] = {}
    for name, intent in INTENTS.items():
        for text in expansions(intent):
            owners.setdefault(text, set()).add(name)
    assert not {text: o for text, o in owners.items() if len(o) > 1}


def test_no_literal_sample_hides_a_slot_value_of_its_own_intent() -> None:
    # "it hurts" as a plain SymptomIntent sample would compete with {symptom} = "it hurts",
    # and the coach would get no tier.
    for name, intent in INTENTS.items():
        if not intent.get("slots"):
            continue
        literal = {normal(s) for s in samples(name) if "{" not in s}
        slotted = expansions({**intent, "samples": [s for s in samples(name) if "{" in s]})
        assert not literal & slotted, name


def test_custom_intents_do_not_claim_builtin_phrases() -> None:
    claimed = [(n, s) for n in CUSTOM for s in samples(n) if normal(s) in BUILTIN_PHRASES]
    assert not claimed


@pytest.mark.parametrize("name", sorted(CUSTOM))
def test_custom_intents_have_enough_samples(name: str) -> None:
    assert len(samples(name)) >= (MIN_MAIN_SAMPLES if name in MAIN_INTENTS else MIN_CUSTOM_SAMPLES)


@pytest.mark.parametrize(("intent", "slot"), [(n, s) for n, slots in CUSTOM.items() for s in slots])
def test_every_slot_is_said_in_several_carrier_phrases(intent: str, slot: str) -> None:
    carriers = [s for s in samples(intent) if f"{{{slot}}}" in s and s != f"{{{slot}}}"]
    assert len(carriers) >= MIN_SLOT_CARRIERS, carriers


def test_every_type_is_used_and_every_value_is_plain_words() -> None:
    used = {slot["type"] for intent in LM["intents"] for slot in intent.get("slots", [])}
    assert set(TYPES) == used - set(BUILT_IN_EXAMPLES) == {"EXERCISE", "SYMPTOM", "ROUTINE_VERSION", "DAY"}
    for slot_type in TYPES.values():
        named: dict[str, set[str]] = {}
        for v in slot_type["values"]:
            for said in (v["name"]["value"], *v["name"].get("synonyms", [])):
                named.setdefault(normal(said), set()).add(v["id"])
        assert not {said: ids for said, ids in named.items() if len(ids) > 1}, slot_type["name"]
        assert all(
            re.fullmatch(r"[a-z'.]+(?: [a-z'.]+)*", s)
            for v in slot_type["values"]
            for s in (v["name"]["value"], *v["name"].get("synonyms", []))
        )


# --- model = content -----------------------------------------------------------------------


def test_exercise_values_are_the_content_names_and_synonyms() -> None:
    content = {ex.id: {normal(s) for s in (ex.name, *ex.synonyms)} for ex in CONTENT.exercises}
    assert spoken_forms("EXERCISE") == content
    assert [v["id"] for v in TYPES["EXERCISE"]["values"]] == list(CONTENT.ids)


def test_every_spoken_form_in_the_model_names_the_same_stretch_in_content() -> None:
    for value in TYPES["EXERCISE"]["values"]:
        exercise_id = value["id"]
        for form in (value["name"]["value"], *value["name"].get("synonyms", [])):
            found = CONTENT.lookup(form)
            assert found is not None and found.id == exercise_id, form


# --- the backend answers every intent the model sends --------------------------------------


def _handled() -> frozenset[str]:
    from skill.alexa.handlers import HANDLED_INTENTS

    return HANDLED_INTENTS


@pytest.mark.parametrize("intent", INTENTS)
def test_every_intent_in_the_model_has_a_handler(intent: str) -> None:
    assert intent in _handled()


def test_every_handled_intent_is_in_the_model() -> None:
    assert set(_handled()) <= INTENTS.keys()


# --- what people say lands in the right intent, with the right value ------------------------


def heard_as(utterance: str) -> set[tuple[str, tuple[tuple[str, str | None], ...]]]:
    """(intent, ((slot, resolved id), ...)) for each sample the utterance fits."""
    readings = set()
    for intent, slots in match(MODEL, utterance):
        ids = []
        for slot, words in sorted(slots.items()):
            resolution = resolved_slot(MODEL, intent, slot, words)["resolutions"]["resolutionsPerAuthority"][
                0
            ]
            ids.append((slot, resolution["values"][0]["value"]["id"] if "values" in resolution else None))
        readings.add((intent, tuple(ids)))
    return readings


@pytest.mark.parametrize(
    ("utterance", "intent", "slots"),
    [
        ("do cat cow", "ExerciseIntent", {"exercise": "cat_cow"}),
        ("let's do wall angels", "ExerciseIntent", {"exercise": "wall_angels"}),
        ("do child's pose", "ExerciseIntent", {"exercise": "childs_pose"}),
        ("can we do the chest opener please", "ExerciseIntent", {"exercise": "chest_opener"}),
        ("the squeeze one", "ExerciseIntent", {"exercise": "shoulder_squeezes"}),
        ("begin my stretches", "StartRoutineIntent", {}),
        ("do the whole routine", "StartRoutineIntent", {"version": "standard"}),
        # issue 13: choosing a version of the routine by voice; the floor is hard
        ("do the quick version", "StartRoutineIntent", {"version": "quick"}),
        ("i only have a couple of minutes", "StartRoutineIntent", {"version": "quick"}),
        ("i can't get down on the floor", "StartRoutineIntent", {"version": "seated"}),
        ("a seated version", "StartRoutineIntent", {"version": "seated"}),
        ("the chair version", "StartRoutineIntent", {"version": "seated"}),
        ("the full routine", "StartRoutineIntent", {"version": "standard"}),
        ("the floor is hard", "NoFloorIntent", {}),
        ("i can't kneel", "NoFloorIntent", {}),
        ("how often should i do this", "FrequencyIntent", {}),
        ("how many times a week should i stretch", "FrequencyIntent", {}),
        ("should i do these every day", "FrequencyIntent", {}),
        ("what is child's pose", "DescribeExerciseIntent", {"exercise": "childs_pose"}),
        ("how do i do wall angels", "DescribeExerciseIntent", {"exercise": "wall_angels"}),
        ("tell me about the cat one", "DescribeExerciseIntent", {"exercise": "cat_cow"}),
        ("what's balasana", "DescribeExerciseIntent", {"exercise": "childs_pose"}),
        ("how does the chest opener work", "DescribeExerciseIntent", {"exercise": "chest_opener"}),
        ("wait", "AMAZON.PauseIntent", {}),
        ("give me a minute", "AMAZON.PauseIntent", {}),
        ("i'm ready", "AMAZON.ResumeIntent", {}),
        ("it pulls", "SymptomIntent", {"symptom": "discomfort"}),
        ("that's uncomfortable", "SymptomIntent", {"symptom": "discomfort"}),
        ("ouch", "SymptomIntent", {"symptom": "unclear"}),
        ("i've got a cramp", "SymptomIntent", {"symptom": "unclear"}),
        ("it hurts", "SymptomIntent", {"symptom": "pain"}),
        ("i have sharp pain", "SymptomIntent", {"symptom": "pain"}),
        ("i feel dizzy", "SymptomIntent", {"symptom": "dizzy"}),
        ("i'm light headed", "SymptomIntent", {"symptom": "dizzy"}),
        ("i'm bleeding", "SymptomIntent", {"symptom": "warning"}),
        ("my waters broke", "SymptomIntent", {"symptom": "warning"}),
        ("i'm having contractions", "SymptomIntent", {"symptom": "warning"}),
        ("i can't breathe", "SymptomIntent", {"symptom": "warning"}),
        ("i've got a bad headache", "SymptomIntent", {"symptom": "warning"}),
        ("my legs feel weak", "SymptomIntent", {"symptom": "warning"}),
        ("i feel sick", "SymptomIntent", {}),
    ],
)
def test_what_people_say_is_a_sample_of_the_right_intent(utterance: str, intent: str, slots: dict) -> None:
    assert heard_as(utterance) == {(intent, tuple(sorted(slots.items())))}


@pytest.mark.parametrize(
    ("intent", "required"),
    [
        (
            "AMAZON.PauseIntent",
            [
                "wait",
                "hold on",
                "give me a minute",
                "one moment",
                "hang on",
                "just a second",
                "give me a second",
                "i need a break",
                "pause",
            ],
        ),
        (
            "AMAZON.ResumeIntent",
            [
                "i'm ready",
                "go on",
                "resume",
                "carry on",
                "continue",
                "keep going",
                "i'm back",
                "let's keep going",
            ],
        ),
    ],
)
def test_wait_and_carry_on_have_their_everyday_words(intent: str, required: list[str]) -> None:
    assert set(required) <= set(samples(intent))


# --- the SYMPTOM tiers ------------------------------------------------------------------------

# DESIGN.md "Content facts", first bullet (ACOG 804; SOGC/CSEP; RCOG), one phrase per sign;
# dizziness or feeling faint is its own tier.
WARNING_SIGNS = {
    "vaginal bleeding": "vaginal bleeding",
    "fluid leaking": "fluid leaking",
    "regular painful contractions": "painful contractions",
    "chest pain": "chest pain",
    "shortness of breath": "shortness of breath",
    "headache": "headache",
    "calf pain": "calf pain",
    "calf swelling": "calf swelling",
    "muscle weakness affecting balance": "muscle weakness",
}


def test_symptom_ids_are_exactly_the_tiers() -> None:
    assert set(spoken_forms("SYMPTOM")) == SYMPTOM_TIERS


@pytest.mark.parametrize("sign", sorted(WARNING_SIGNS))
def test_each_warning_sign_is_the_warning_tier(sign: str) -> None:
    assert normal(WARNING_SIGNS[sign]) in spoken_forms("SYMPTOM")["warning"]


@pytest.mark.parametrize(
    ("tier", "words"),
    [
        (
            "discomfort",
            ["it pulls", "uncomfortable", "too much", "too intense", "strong stretch", "too hard"],
        ),
        ("unclear", ["ouch", "ow", "cramp", "cramping"]),
        ("pain", ["it hurts", "hurts", "pain", "sharp pain", "painful", "my back hurts"]),
        ("dizzy", ["dizzy", "faint", "light headed", "woozy", "going to faint"]),
        (
            "warning",
            [
                "bleeding",
                "spotting",
                "my waters broke",
                "leaking fluid",
                "contractions",
                "can't breathe",
                "out of breath",
                "short of breath",
                "bad headache",
                "my calf hurts",
                "swollen calf",
                "my legs feel weak",
            ],
        ),
    ],
)
def test_everyday_symptom_words_resolve_to_their_tier(tier: str, words: list[str]) -> None:
    for said in words:
        assert _resolved_id("SymptomIntent", "symptom", said) == tier, said


# --- the resolver the tests and `try` use --------------------------------------------------


def _resolved_id(intent: str, slot: str, heard: str) -> str | None:
    resolution = resolved_slot(MODEL, intent, slot, heard)["resolutions"]["resolutionsPerAuthority"][0]
    return (
        resolution["values"][0]["value"]["id"] if resolution["status"]["code"] == "ER_SUCCESS_MATCH" else None
    )


@pytest.mark.parametrize(("heard", "exercise_id"), NAMES_PEOPLE_USE)
def test_names_people_use_resolve_to_the_stretch(heard: str, exercise_id: str) -> None:
    for intent in ("ExerciseIntent", "DescribeExerciseIntent"):
        assert _resolved_id(intent, "exercise", heard) == exercise_id


def test_a_match_looks_like_alexas() -> None:
    slot = resolved_slot(MODEL, "ExerciseIntent", "exercise", "the cat one")
    assert slot == {
        "name": "exercise",
        "value": "the cat one",
        "confirmationStatus": "NONE",
        "source": "USER",
        "resolutions": {
            "resolutionsPerAuthority": [
                {
                    "authority": f"amzn1.er-authority.echo-sdk.{SKILL_ID}.EXERCISE",
                    "status": {"code": "ER_SUCCESS_MATCH"},
                    "values": [{"value": {"name": "cat cow", "id": "cat_cow"}}],
                }
            ]
        },
    }


def test_unknown_words_are_no_match_and_silence_is_no_value() -> None:
    slot = resolved_slot(MODEL, "ExerciseIntent", "exercise", "banana bread")
    authority = slot["resolutions"]["resolutionsPerAuthority"][0]
    assert slot["value"] == "banana bread"
    assert authority == {
        "authority": f"amzn1.er-authority.echo-sdk.{SKILL_ID}.EXERCISE",
        "status": {"code": "ER_SUCCESS_NO_MATCH"},
    }
    symptom = resolved_slot(MODEL, "SymptomIntent", "symptom", "itchy")["resolutions"][
        "resolutionsPerAuthority"
    ][0]
    assert symptom["authority"].endswith(".SYMPTOM") and symptom["status"]["code"] == "ER_SUCCESS_NO_MATCH"
    assert resolved_slot(MODEL, "ExerciseIntent", "exercise", None) == {
        "name": "exercise",
        "confirmationStatus": "NONE",
    }


def test_built_in_slot_types_carry_no_resolutions_and_undeclared_slots_are_refused() -> None:
    model = {
        "intents": [{"name": "AgeIntent", "slots": [{"name": "weeks", "type": "AMAZON.NUMBER"}]}],
        "types": [],
    }
    assert "resolutions" not in resolved_slot(model, "AgeIntent", "weeks", "twenty")
    with pytest.raises(KeyError, match="has no slot"):
        resolved_slot(MODEL, "FrequencyIntent", "exercise", "cat")
    with pytest.raises(KeyError, match="no intent"):
        resolved_slot(MODEL, "JuggleIntent", "ball", "red")


# --- every English locale, from the one source (issue 15) ------------------------------------

LOCALES = ("en-US", "en-CA", "en-GB", "en-AU", "en-IN")
LOCALE_MODELS = {loc: json.loads((MODEL_DIR / f"{loc}.json").read_text(encoding="utf-8")) for loc in LOCALES}


def test_the_locales_are_exactly_the_sources() -> None:
    from skill.commands.model import locales

    assert sorted(locales()) == sorted(LOCALES)
    assert sorted(p.stem for p in MODEL_DIR.glob("*.json")) == sorted(LOCALES)


@pytest.mark.parametrize("locale", LOCALES)
def test_each_committed_locale_model_is_what_its_source_generates(locale: str) -> None:
    path = MODEL_DIR / f"{locale}.json"
    assert path.read_text(encoding="utf-8") == render(generate(locale)), "run `python -m skill model`"


def _shape(model: dict) -> tuple:
    """What must not differ between locales: intents with their slots, and every slot type's ids."""
    lm = model["interactionModel"]["languageModel"]
    intents = tuple(
        (i["name"], tuple((s["name"], s["type"]) for s in i.get("slots", []))) for i in lm["intents"]
    )
    types = tuple((t["name"], tuple(v["id"] for v in t["values"])) for t in lm.get("types", []))
    return lm["invocationName"], intents, types


@pytest.mark.parametrize("locale", LOCALES[1:])
def test_locales_are_identical_in_intents_slots_and_slot_ids(locale: str) -> None:
    assert _shape(LOCALE_MODELS[locale]) == _shape(MODEL)
    # The exercise names come from the content in every locale: the server knows each one.
    types = {t["name"]: t for t in LOCALE_MODELS[locale]["interactionModel"]["languageModel"]["types"]}
    assert types["EXERCISE"] == TYPES["EXERCISE"]


@pytest.mark.parametrize("locale", LOCALES[1:])
def test_an_override_only_adds_and_every_us_sample_stays(locale: str) -> None:
    """Small override files: a locale says more, never less, so a phrase that works in
    en-US works everywhere; and each override really changes something."""
    import tomllib

    override = tomllib.loads((SOURCE_DIR / f"{locale}.toml").read_text(encoding="utf-8"))
    assert set(override) <= {"phrases", "intent", "type"}, "the invocation name stays 'my back stretches'"
    assert all(set(change) == {"add"} for change in override.get("intent", {}).values())
    ours = {
        i["name"]: set(i.get("samples", []))
        for i in LOCALE_MODELS[locale]["interactionModel"]["languageModel"]["intents"]
    }
    for name, us_samples in ((i["name"], set(i.get("samples", []))) for i in LM["intents"]):
        assert us_samples <= ours[name], (name, sorted(us_samples - ours[name])[:3])
    assert LOCALE_MODELS[locale] != MODEL


@pytest.mark.parametrize(
    ("locale", "utterance", "intent"),
    [
        ("en-GB", "when should i ring my midwife", "WarningSignsIntent"),
        ("en-GB", "when should i call my g. p.", "WarningSignsIntent"),
        ("en-GB", "start my antenatal stretches", "StartRoutineIntent"),
        ("en-GB", "i feel poorly", "SymptomIntent"),
        ("en-AU", "i feel crook", "SymptomIntent"),
        ("en-AU", "when should i call my obstetrician", "WarningSignsIntent"),
        ("en-IN", "when should i consult my gynaecologist", "WarningSignsIntent"),
        ("en-IN", "is this safe as antenatal exercise", "TrimesterIntent"),
        ("en-CA", "when should i call my health care provider", "WarningSignsIntent"),
    ],
)
def test_locale_phrasing_reaches_the_right_intent(locale: str, utterance: str, intent: str) -> None:
    assert [name for name, _ in match(LOCALE_MODELS[locale], utterance)] == [intent]
    assert not match(MODEL, utterance) or locale == "en-CA"  # en-US did not have it (nor needs it)


def test_every_example_phrase_resolves_in_its_own_locales_model() -> None:
    from skill.commands.package import phrase_utterance

    manifest = json.loads((MODEL_DIR.parent / "deploy" / "skill.json").read_text(encoding="utf-8"))
    publishing = manifest["manifest"]["publishingInformation"]["locales"]
    assert sorted(publishing) == sorted(LOCALES)
    for locale, info in publishing.items():
        model = LOCALE_MODELS[locale]
        asked = 0
        for phrase in info["examplePhrases"]:
            utterance = phrase_utterance(phrase, model["interactionModel"]["languageModel"]["invocationName"])
            if utterance is None:
                continue
            asked += 1
            assert match(model, utterance), f"{locale}: {phrase!r} -> {utterance!r} is no sample"
        assert asked >= 1, f"{locale}: at least one example phrase asks something"


def test_model_check_finds_a_stale_locale_and_a_model_without_a_source(tmp_path, capsys) -> None:
    from skill.__main__ import main

    out = ["--out", str(tmp_path)]
    assert main(["model", *out]) == 0
    assert sorted(p.stem for p in tmp_path.glob("*.json")) == sorted(LOCALES)
    gb = tmp_path / "en-GB.json"
    model = json.loads(gb.read_text())
    warning = next(
        i for i in model["interactionModel"]["languageModel"]["intents"] if i["name"] == "WarningSignsIntent"
    )
    warning["samples"].remove("when should i ring my midwife")
    gb.write_text(json.dumps(model, indent=2))
    (tmp_path / "en-ZA.json").write_text((tmp_path / "en-US.json").read_text())
    capsys.readouterr()
    assert main(["model", "--check", *out]) == 1
    report = capsys.readouterr().out
    assert "en-GB.json: stale" in report and "'when should i ring my midwife'" in report
    assert "en-ZA.json: no source (source/en-ZA.toml)" in report
    assert "en-US.json: up to date" in report
    (tmp_path / "en-ZA.json").unlink()
    assert main(["model", *out]) == 0 and main(["model", "--check", *out]) == 0
