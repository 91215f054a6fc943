"""Content is complete and a broken content file stops start-up with a useful message."""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import pytest

from skill.core.content import DIRECTORY as CONTENT_DIR
from skill.core.content import ContentError, Dose, Exercise, default, load

CONTENT = default()
say, placeholders, prompt_keys = CONTENT.say, CONTENT.placeholders, CONTENT.prompt_keys
ROUTINE = ("cat_cow", "shoulder_squeezes", "wall_angels", "childs_pose", "chest_opener")
# The source document's ranges (seed/upper-back-stretches-pregnancy.txt).
SOURCE_DOSES = {
    "cat_cow": Dose(5, 10, "breaths"),
    "shoulder_squeezes": Dose(10, 15, "reps"),
    "wall_angels": Dose(10, 15, "reps"),
    "childs_pose": Dose(30, 60, "seconds"),
    "chest_opener": Dose(30, 60, "seconds"),
}
REQUIRED_PROMPTS = (
    "welcome",
    "first_use",
    "frequency",
    "trimester",
    "warning_signs",
    "help_start",
)


def _all_texts(ex: Exercise) -> list[str]:
    texts = [ex.name, ex.closing, *ex.synonyms, *ex.setup]
    texts += [cue for phase in ex.phases for cue in phase.cues]
    texts += [cue for pool in vars(ex.cues).values() for cue in pool]
    return texts


# --- the exercises -----------------------------------------------------------------------


def test_routine_order_and_names():
    # the source's five come first; the standard routine puts the two floor stretches together
    assert tuple(ex.id for ex in CONTENT.exercises[:5]) == ROUTINE
    assert [ex.name for ex in CONTENT.exercises[:5]] == [
        "cat-cow",
        "shoulder blade squeezes",
        "wall angels",
        "child's pose",
        "chest opener",
    ]
    assert CONTENT.routine("standard").stretches == (
        "cat_cow",
        "childs_pose",
        "shoulder_squeezes",
        "wall_angels",
        "chest_opener",
    )


@pytest.mark.parametrize("exercise_id", ROUTINE)
def test_doses_are_the_source_ranges(exercise_id):
    assert CONTENT.exercise(exercise_id).dose == SOURCE_DOSES[exercise_id]


@pytest.mark.parametrize("exercise_id", ROUTINE)
def test_every_exercise_is_complete(exercise_id):
    ex = CONTENT.exercise(exercise_id)
    assert ex.synonyms and 1 <= len(ex.setup) <= 2 and ex.phases and ex.settle_s > 0
    for text in _all_texts(ex):
        assert text.strip(), f"{exercise_id} has an empty string"


def test_movements_match_the_source():
    kinds = {ex.id: [p.kind for p in ex.phases] for ex in CONTENT.exercises}
    assert kinds == {
        "cat_cow": ["inhale", "exhale"],
        "shoulder_squeezes": ["squeeze", "hold", "release"],
        "wall_angels": ["slide_up", "slide_down"],
        "childs_pose": ["hold"],
        "chest_opener": ["hold"],
        "seated_cat_cow": ["inhale", "exhale"],
        "seated_squeezes": ["squeeze", "hold", "release"],
        "seated_childs_pose": ["hold"],
        "seated_chest_opener": ["hold"],
    }


def test_setups_carry_the_pregnancy_care():
    setup = {ex.id: " ".join(ex.setup).lower() for ex in CONTENT.exercises}
    assert "under your shoulders" in setup["cat_cow"] and "sag" in setup["cat_cow"]
    assert "relaxed" in setup["shoulder_squeezes"]
    assert "hip-width" in setup["wall_angels"] and "comfortable" in setup["wall_angels"]
    assert "knees wide" in setup["childs_pose"] and "bump" in setup["childs_pose"]
    assert "cushion" in setup["childs_pose"]
    assert "knees soft" in setup["chest_opener"] and "don't force" in setup["chest_opener"]


def test_holds_remind_her_to_breathe():
    for ex_id in ("childs_pose", "chest_opener"):
        ex = CONTENT.exercise(ex_id)
        spoken = " ".join(ex.phases[0].cues + ex.cues.breathing).lower()
        assert "breath" in spoken


def test_exercise_lookup():
    assert CONTENT.exercise("wall_angels").name == "wall angels"
    with pytest.raises(KeyError):
        CONTENT.exercise("plank")
    assert CONTENT.lookup("Child's Pose").id == "childs_pose"
    assert CONTENT.lookup("childs pose").id == "childs_pose"
    assert CONTENT.lookup("cat cow").id == "cat_cow"
    assert CONTENT.lookup("shoulder squeezes").id == "shoulder_squeezes"
    assert CONTENT.lookup("plank") is None


# --- prompts -----------------------------------------------------------------------------


def test_required_prompts_exist():
    assert set(REQUIRED_PROMPTS) <= prompt_keys()


@pytest.mark.parametrize("key", sorted(prompt_keys()))
def test_every_prompt_renders(key):
    params = {name: f"<{name}>" for name in placeholders(key)}
    text = say(key, **params)
    assert text.strip()
    assert "{" not in text and "}" not in text
    for value in params.values():
        assert value in text


SAY_TABLE = 'greet = "Hello, {name}."\nplain = "Hello."\n'


def test_say_fills_placeholders(content_copy):
    (content_copy / "zz_say.toml").write_text(SAY_TABLE)
    loaded = load(content_copy)
    assert loaded.say("greet", name="wall angels") == "Hello, wall angels."
    assert loaded.placeholders("greet") == {"name"}
    assert loaded.placeholders("plain") == set()


def test_say_refuses_unknown_keys_and_wrong_params(content_copy):
    (content_copy / "zz_say.toml").write_text(SAY_TABLE)
    loaded = load(content_copy)
    with pytest.raises(KeyError, match="no_such_prompt"):
        loaded.say("no_such_prompt")
    with pytest.raises(ValueError, match="missing name"):
        loaded.say("greet")
    with pytest.raises(ValueError, match="unexpected colour"):
        loaded.say("plain", colour="blue")


def test_safety_prompts_keep_the_facts():
    text = {key: template.lower() for key, template in CONTENT.prompts.items()}
    signs = text["warning_signs"]
    for sign in (
        "bleeding",
        "fluid",
        "contractions",
        "chest pain",
        "dizz",
        "faint",
        "short of breath",
        "headache",
        "calf",
        "balance",
    ):
        assert sign in signs
    assert "doctor or midwife" in signs  # en-US; every locale: tests/test_locales.py
    trimester = text["trimester"]
    assert "doctor or midwife" in trimester and "second or third trimester" in trimester
    assert "flat" not in trimester  # none of the five lies flat; nothing to warn about
    assert "not medical advice" in text["first_use"] and "doctor or midwife" in text["first_use"]
    frequency = text["frequency"]
    assert "three to four times a week" in frequency and "rest" in frequency


def test_every_prompt_file_joins_the_key_space():
    # prompts.toml and any other table (the lead's conversation.toml) are all readable
    files = sorted(p for p in CONTENT_DIR.glob("*.toml") if p.name not in ("exercises.toml", "routines.toml"))
    assert "prompts.toml" in {p.name for p in files}
    for path in files:
        keys = set(tomllib.loads(path.read_text()))
        assert keys and keys <= prompt_keys(), path.name


def test_default_content_is_read_once():
    assert default() is default()
    assert load() == default() and load() is not default()


# --- broken content fails start-up, naming file and field ---------------------------------


@pytest.fixture
def content_copy(tmp_path):
    for path in CONTENT_DIR.glob("*.toml"):
        shutil.copy(path, tmp_path / path.name)
    shutil.copytree(CONTENT_DIR / "locales", tmp_path / "locales")
    return tmp_path


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, count))


def test_a_copy_loads_like_the_original(content_copy):
    copy = load(content_copy)
    assert copy.exercises == CONTENT.exercises
    assert dict(copy.prompts) == dict(CONTENT.prompts)


BROKEN_EXERCISES = [
    # (what is changed in exercises.toml, what it becomes, the error that must name it)
    (
        'dose = { min = 10, max = 15, unit = "reps" }\n\n[[exercise.phase]]\nkind = "slide_up"',
        'dose = { min = 10, max = 5, unit = "reps" }\n\n[[exercise.phase]]\nkind = "slide_up"',
        re.escape("exercises.toml: exercise 'wall_angels': dose.max must be >= dose.min"),
    ),
    (
        'closing = "Nice work. Lower your arms, and step away from the wall."\n',
        "",
        re.escape("exercises.toml: exercise 'wall_angels': closing"),
    ),
    ('unit = "breaths"', 'unit = "minutes"', r"exercise 'cat_cow': dose\.unit"),
    (
        '"Sit or stand tall. Arms by your sides, shoulders relaxed."',
        '" "',
        r"exercise 'shoulder_squeezes': setup\[0\]",
    ),
    (
        'progress = ["That\'s {done}. {left} more."]',
        'progress = ["That\'s {dne}."]',
        r"exercise 'cat_cow': cues\.progress\[0\]",
    ),
    (
        "settle_s = 8.0",
        "setle_s = 8.0",
        r"exercise 'childs_pose': (unknown field setle_s|settle_s is missing)",
    ),
    (
        '  "Cat-cow is a slow movement on your hands and knees, in time with your breath.",\n',
        "",
        re.escape("exercises.toml: exercise 'cat_cow': about has two or three sentences"),
    ),
    (
        'kind = "slide_up"',
        'kind = "inhale"',
        re.escape("exercise 'wall_angels': phase[0].kind 'inhale' does not fit unit 'reps'"),
    ),
    (
        'unit = "breaths" }',
        'unit = "breaths", step = 2 }',
        re.escape("exercise 'cat_cow': dose: unknown field step"),
    ),
    ("settle_s = 8.0", "settle_s = true", re.escape("exercise 'childs_pose': settle_s must be a number")),
    (
        'in_sentence = "the chest opener"',
        'in_sentence = "the chest stretch"',
        re.escape("exercise 'chest_opener': in_sentence must contain the name 'chest opener'"),
    ),
    (
        'in_sentence = "the chest opener"',
        'in_sentence = "the chest openers"',
        re.escape("exercise 'chest_opener': in_sentence must contain the name 'chest opener' as whole"),
    ),
    (
        'in_sentence = "the chest opener"',
        'in_sentence = " "',
        r"'chest_opener': in_sentence must be non-empty",
    ),
    (
        'in_sentence = "the chest opener"',
        'in_sentence = "the {name}"',
        re.escape("exercise 'chest_opener': in_sentence uses placeholders ['name']"),
    ),
]


@pytest.mark.parametrize(
    "old, new, error",
    BROKEN_EXERCISES,
    ids=[
        "dose-range",
        "missing-field",
        "unit",
        "empty-setup",
        "placeholder",
        "field-typo",
        "short-about",
        "kind-unit",
        "dose-field",
        "bool-number",
        "in-sentence-without-name",
        "in-sentence-name-not-whole",
        "in-sentence-empty",
        "in-sentence-placeholder",
    ],
)
def test_a_broken_exercise_fails_naming_the_field(content_copy, old, new, error):
    _edit(content_copy / "exercises.toml", old, new)
    with pytest.raises(ContentError, match=error):
        load(content_copy)


def test_in_sentence_left_out_is_the_name_itself(content_copy):
    assert CONTENT.exercise("chest_opener").in_sentence == "the chest opener"
    assert CONTENT.exercise("wall_angels").in_sentence == "wall angels"
    _edit(content_copy / "exercises.toml", 'in_sentence = "the chest opener"\n', "")
    assert load(content_copy).exercise("chest_opener").in_sentence == "chest opener"


def test_invalid_toml_names_the_file(content_copy):
    (content_copy / "prompts.toml").write_text('welcome = "unterminated\n')
    with pytest.raises(ContentError, match=r"^prompts\.toml: not valid TOML"):
        load(content_copy)


def test_duplicate_prompt_key_across_files_fails(content_copy):
    (content_copy / "zz_extra.toml").write_text('welcome = "Hello again."\n')
    with pytest.raises(ContentError, match=r"zz_extra\.toml: welcome is already defined in prompts\.toml"):
        load(content_copy)


def test_every_other_toml_is_a_prompt_table(content_copy):
    (content_copy / "extra.toml").write_text('extra_line = "Hello, {name}."\n')
    loaded = load(content_copy)
    assert loaded.say("extra_line", name="you") == "Hello, you."


def test_prompt_that_is_not_text_fails(content_copy):
    (content_copy / "extra.toml").write_text("extra_line = 3\n")
    with pytest.raises(ContentError, match=r"extra\.toml: extra_line must be non-empty text"):
        load(content_copy)


def test_a_synonym_naming_two_exercises_fails(content_copy):
    _edit(content_copy / "exercises.toml", '"wall slides", "wall slide"', '"wall slides", "cat cow"')
    with pytest.raises(ContentError, match=r"exercise 'wall_angels': 'cat cow' also names 'cat_cow'"):
        load(content_copy)


def test_missing_exercises_file_is_named(tmp_path):
    with pytest.raises(ContentError, match=r"exercises\.toml: file is missing"):
        load(tmp_path)
