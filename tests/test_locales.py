"""Every English locale hears its own words (issue 15): the care provider, prenatal or
antenatal, and the emergency number in the symptom advice, chosen by request.locale; any
other English locale gets en-US's words, any other language polite English that names no
country's number. Through HTTP, every reply passes the platform's SSML checks
(tests/conversation.py runs them on each one)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from skill.core.content import BASE_LOCALE, ContentError, default, load, pick_locale
from skill.core.content.model import OTHER_LANGUAGES
from tests.conversation import Conversation

CONTENT = default()
CONTENT_DIR = Path(__file__).resolve().parents[1] / "skill" / "core" / "content"
FRAME = "call your local emergency number"
CANNOT_CALL = "I can't call anyone for you"

# What each locale must say: its care provider, its word for prenatal, and the emergency
# numbers as the voice reads them (DESIGN.md, "Emergency numbers by English locale").
LOCALES = {
    "en-US": ("your doctor or midwife", "prenatal", ["such as nine one one"]),
    "en-CA": ("your health care provider", "prenatal", ["such as nine one one"]),
    "en-GB": (
        "your midwife or GP",
        "antenatal",
        ["such as nine nine nine", "For advice when it's not an emergency, call one one one"],
    ),
    "en-AU": (
        "your midwife, GP or obstetrician",
        "antenatal",
        ["triple zero in Australia", "one one one in New Zealand"],
    ),
    "en-IN": (
        "your doctor",
        "antenatal",
        ["such as one one two", "one zero eight for an ambulance in most states"],
    ),
}
# Every number any locale names, as words: another locale must not say them.
ALL_NUMBERS = (
    "nine one one",
    "nine nine nine",
    "one one one",
    "triple zero",
    "one one two",
    "one zero eight",
)


def _talk(client, locale: str) -> Conversation:
    return Conversation(client, locale=locale)


def _numbers_in(text: str) -> set[str]:
    return {n for n in ALL_NUMBERS if n in text.lower()}


# --- through HTTP: the symptom advice, with its number ----------------------------------


@pytest.mark.parametrize("locale", sorted(LOCALES))
@pytest.mark.parametrize("symptom", ["bleeding", "dizzy"])
def test_symptom_advice_names_the_locales_provider_and_number(client, locale: str, symptom: str) -> None:
    provider, _, numbers = LOCALES[locale]
    talk = _talk(client, locale)
    talk.launch()
    talk.intent("StartRoutineIntent")
    said = talk.intent("SymptomIntent", symptom=symptom)
    said.says("stop now", provider, FRAME, *numbers, CANNOT_CALL)
    assert said.ends_session
    expected = {n for n in ALL_NUMBERS if any(n in line for line in numbers)}
    assert _numbers_in(said.speech) == expected, said.speech
    # Said as words, so every voice reads them digit by digit; no digits to misread.
    assert not re.search(r"[0-9]", said.speech.split("[")[0])


@pytest.mark.parametrize("locale", sorted(LOCALES))
def test_an_unclear_symptom_stops_with_the_locales_number_too(client, locale: str) -> None:
    provider, _, numbers = LOCALES[locale]
    talk = _talk(client, locale)
    talk.launch()
    talk.intent("SymptomIntent", symptom="my toe feels funny").says(provider, FRAME, *numbers)


@pytest.mark.parametrize("locale", sorted(LOCALES))
def test_answers_use_the_locales_provider_and_prenatal_word(client, locale: str) -> None:
    provider, prenatal, _ = LOCALES[locale]
    talk = _talk(client, locale)
    talk.launch().says(f"check with {provider}")  # the first-use note
    talk.intent("TrimesterIntent").says(f"check with {provider}", f"your next {prenatal} appointment")
    talk.intent("WarningSignsIntent").says(f"contact {provider}")
    talk.intent("SymptomIntent", symptom="it hurts").says(provider)


@pytest.mark.parametrize("locale", ["en-NZ", "en-ZA", "en", "EN-us", "en_GB"])
def test_other_english_locales_fall_back_to_en_us_or_their_own(client, locale: str) -> None:
    talk = _talk(client, locale)
    talk.launch()
    said = talk.intent("SymptomIntent", symptom="bleeding")
    if locale == "en_GB":
        said.says("your midwife or GP", "nine nine nine")
    else:
        said.says("your doctor or midwife", FRAME, "nine one one")


@pytest.mark.parametrize("locale", ["de-DE", "fr-FR", "ja-JP", "es-US", "hi-IN", ""])
def test_any_other_language_gets_polite_english_without_a_countrys_number(client, locale: str) -> None:
    talk = _talk(client, locale)
    talk.launch().says("Welcome to my back stretches")
    said = talk.intent("SymptomIntent", symptom="bleeding")
    if locale == "":  # no locale at all: the base locale's words
        said.says("your doctor or midwife", "nine one one")
        return
    said.says("stop now", "your healthcare provider", f"{FRAME}.", CANNOT_CALL)
    assert _numbers_in(said.speech) == set(), said.speech


# --- every reply in every locale passes the SSML checks ------------------------------------


@pytest.mark.parametrize("locale", [*sorted(LOCALES), "de-DE"])
def test_every_reply_in_every_locale_is_valid_ssml(client, locale: str) -> None:
    """Conversation.post checks each reply (Alexa's SSML rules, ssml-check-core, nothing
    escaped twice or left as a {placeholder}); this walks every kind of reply once."""
    talk = _talk(client, locale)
    talk.launch()
    for intent, slots in [
        ("FrequencyIntent", {}),
        ("TrimesterIntent", {}),
        ("WarningSignsIntent", {}),
        ("ListExercisesIntent", {}),
        ("DescribeExerciseIntent", {"exercise": "wall angels"}),
        ("AMAZON.HelpIntent", {}),
        ("StartRoutineIntent", {}),
        ("AMAZON.YesIntent", {}),
        ("SlowerIntent", {}),
        ("AMAZON.NextIntent", {}),
        ("ProgressIntent", {}),
        ("SymptomIntent", {"symptom": "too much"}),
        ("SymptomIntent", {"symptom": "ouch"}),
        ("AMAZON.NoIntent", {}),
        ("SymptomIntent", {"symptom": "it hurts"}),
        ("AMAZON.StopIntent", {}),
    ]:
        talk.intent(intent, **slots)
    talk.launch()
    talk.intent("SymptomIntent", symptom="dizzy")
    talk.launch()
    assert len(talk.history) >= 18
    assert all(said.status == 200 for _, said in talk.history)


# --- the content: one source, small overrides -----------------------------------------------


def test_each_locale_has_its_content_and_the_fallbacks() -> None:
    assert set(CONTENT.locales) == {*LOCALES, OTHER_LANGUAGES}
    assert CONTENT.locale == BASE_LOCALE and CONTENT.for_locale("en-US").prompts == CONTENT.prompts
    for locale in LOCALES:
        words = CONTENT.for_locale(locale)
        assert words.locale == locale
        assert words.exercises is CONTENT.exercises and words.routines is CONTENT.routines
    assert pick_locale("en-NZ", CONTENT.locales) == "en-US"
    assert pick_locale("de-DE", CONTENT.locales) == OTHER_LANGUAGES
    assert pick_locale(None, CONTENT.locales) == "en-US"
    assert CONTENT.for_locale("en-GB").for_locale("en-US").locale == "en-GB"  # a variant knows no others


def test_locales_differ_only_in_the_lines_that_use_a_term() -> None:
    templates = _raw_prompts()  # read together with load(), so both see the same files
    loaded = load()
    terms = set(loaded.terms)
    with_terms = {key for key, text in templates.items() if any(f"{{{t}}}" in text for t in terms)}
    assert {"symptom_dizzy", "symptom_warning", "symptom_unknown", "trimester", "first_use"} <= with_terms
    for locale, words in loaded.locales.items():
        differs = {k for k in loaded.prompts if words.prompts[k] != loaded.prompts[k]}
        assert differs <= with_terms, (locale, differs - with_terms)


def _raw_prompts() -> dict[str, str]:
    import tomllib

    out: dict[str, str] = {}
    for path in CONTENT_DIR.glob("*.toml"):
        if path.name not in ("exercises.toml", "routines.toml"):
            out.update(tomllib.loads(path.read_text(encoding="utf-8")))
    return out


def test_no_term_is_left_unfilled_in_any_locale() -> None:
    for locale, words in CONTENT.locales.items():
        for key, text in words.prompts.items():
            assert not {"provider", "prenatal", "emergency"} & words.placeholders(key), (locale, key, text)


# Spelling differs on screens (they show the reply's sentences); speech, and so every line,
# avoids the words spelled differently across English locales.
SPELLING_VARIANTS = re.compile(
    r"\b(colou?rs?|cent(er|re)s?|favou?rite|practi[cs]e|behaviou?r|labou?r|programm?e?s?|gr[ae]y|"
    r"met(er|re)s?|\w+i[sz](e|ed|es|ing|ation)|cozy|cosy|mom|mum|pajamas|pyjamas|ton|tonne)\b",
    re.I,
)
SPELLING_OK = {
    *("exercise", "exercises", "exercised", "exercising", "otherwise", "rise", "size", "wise", "noise"),
    *("raise", "raised", "raising", "advise", "precise", "promise", "surprise", "praise", "arise"),
}


def test_speech_is_spelling_neutral() -> None:
    for words in CONTENT.locales.values():
        texts = [*words.prompts.values()]
        for ex in words.exercises:
            texts += [ex.name, *ex.setup, ex.closing, *ex.about, *(c for m in ex.phases for c in m.cues)]
        for line in texts:
            found = {m.group(0).lower() for m in SPELLING_VARIANTS.finditer(line)} - SPELLING_OK
            assert not found, (words.locale, found, line)


# --- the locale files' rules ----------------------------------------------------------------------


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    for path in CONTENT_DIR.glob("*.toml"):
        shutil.copy(path, tmp_path / path.name)
    shutil.copytree(CONTENT_DIR / "locales", tmp_path / "locales")
    return tmp_path


@pytest.mark.parametrize(
    ("file", "text", "error"),
    [
        ("en-GB.toml", '[terms]\nemergency = "call your local emergency number, such as 999"\n', "as words"),
        ("en-GB.toml", '[terms]\nemergency = "dial nine nine nine"\n', "must start with 'call your local"),
        ("en-GB.toml", '[terms]\nprovidr = "your GP"\n', r"locales/en-GB\.toml: providr: is not a term"),
        ("en-GB.toml", '[terms]\nprovider = "your {who}"\n', "no {placeholders}"),
        ("en-GB.toml", '[words]\nprovider = "your GP"\n', "unknown table words"),
        ("en-GB.toml", '[prompts]\nwelcom = "Hello."\n', "welcom: is not a prompt"),
        ("en-GB.toml", '[prompts]\nhelp_stretching = "Hello."\n', "must use the placeholders"),
        ("en-gb.toml", '[terms]\nprovider = "your GP"\n', "name a locale"),
        ("en-US.toml", "[terms]\n", "must define every term"),
        (
            "en-US.toml",
            '[terms]\nprovider = "a"\nprenatal = "b"\nemergency = "call your local emergency number"\nx = "y"\n',
            "x is used by no prompt",
        ),
    ],
)
def test_a_broken_locale_file_fails_start_up_naming_it(
    content_copy: Path, file: str, text: str, error: str
) -> None:
    (content_copy / "locales" / file).write_text(text)
    with pytest.raises(ContentError, match=error):
        load(content_copy)


def test_a_locale_may_replace_a_whole_prompt(content_copy: Path) -> None:
    (content_copy / "locales" / "en-GB.toml").write_text(
        '[terms]\nprovider = "your midwife or GP"\n[prompts]\nwelcome = "Hello, from {provider}."\n'
    )
    words = load(content_copy).for_locale("en-GB")
    assert words.say("welcome") == "Hello, from your midwife or GP."
    assert load(content_copy).say("welcome") == CONTENT.say("welcome")
