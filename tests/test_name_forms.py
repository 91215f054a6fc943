"""Which form of a stretch's name each template gets: the bare name ("chest opener") for a
label or a list, or the name as said inside a sentence ("the chest opener", exercises.toml
`in_sentence`). FORMS below lists every template with a name placeholder, so a new one is a
conscious choice: the content test fails until it is listed here, and the coach walk checks
that the coach fills it with the form listed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from skill.core import coach
from skill.core.content import Content, default
from skill.core.events import SYMPTOM_TIERS, Event, Kind
from skill.core.profile import Position, Profile
from skill.core.reminders import SUGGESTED, Draft
from skill.core.routine import OVERLAYS, TOPICS, Mode, RoutineState, fresh

CONTENT = default()
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
NAME_FIELDS = frozenset({"name", "next_name", "names"})  # placeholders a stretch's name fills
BARE, IN_SENTENCE = "bare", "in_sentence"

# Every template with a stretch's name in it, and the form each placeholder takes.
FORMS: dict[str, dict[str, str]] = {
    "stretch_intro": {"name": BARE},  # a label: "Stretch 5 of 5: chest opener."
    "which_one": {"names": BARE},  # a list of what she can say
    "list_exercises": {"names": BARE},  # a list, after a colon
    "progress_remaining_some": {"names": BARE},  # "After this one: wall angels and chest opener."
    "single_intro": {"name": IN_SENTENCE},
    "ask_ready": {"name": IN_SENTENCE},
    "ask_ready_reprompt": {"name": IN_SENTENCE},
    "ask_resume": {"name": IN_SENTENCE},
    "ask_resume_reprompt": {"name": IN_SENTENCE},
    "ask_next": {"next_name": IN_SENTENCE},
    "ask_next_reprompt": {"next_name": IN_SENTENCE, "name": IN_SENTENCE},
    "ask_finish_reprompt": {"name": IN_SENTENCE},
    "ask_rest": {"next_name": IN_SENTENCE},
    "ask_rest_from_top": {"next_name": IN_SENTENCE},
    "ask_rest_reprompt": {"next_name": IN_SENTENCE},
    "ask_do_it": {"name": IN_SENTENCE},
    "jump_then": {"name": IN_SENTENCE, "next_name": IN_SENTENCE},
    "jump_again": {"name": IN_SENTENCE},
    "jump_after": {"next_name": IN_SENTENCE},
    "ask_do_it_reprompt": {"name": IN_SENTENCE},
    "ask_carry_on": {"name": IN_SENTENCE},
    "ask_carry_on_reprompt": {"name": IN_SENTENCE},
    "ask_gentler": {"name": IN_SENTENCE},
    "ask_gentler_reprompt": {"name": IN_SENTENCE},
    "ask_skip_on": {"next_name": IN_SENTENCE},
    "ask_skip_on_reprompt": {"next_name": IN_SENTENCE},
    "welcome_back_resume": {"name": IN_SENTENCE},
    "resume_stale": {"name": IN_SENTENCE},
    "progress_in_routine": {"name": IN_SENTENCE},  # "You're on stretch 5 of 5, the chest opener."
    "help_stretching": {"name": IN_SENTENCE},
    "setting_replay": {"name": IN_SENTENCE},
    "stop_in_routine": {"name": IN_SENTENCE},
    "error_place": {"name": IN_SENTENCE},
}

# Which names take an article inside a sentence. A countable singular ("opener") needs one;
# plurals (squeezes, angels) and names used like proper names (cat-cow, child's pose) read
# well bare, as in their own "about" lines ("Cat-cow is...", "Wall angels are...").
IN_SENTENCE_FORMS = {
    "cat_cow": "cat-cow",
    "shoulder_squeezes": "shoulder blade squeezes",
    "wall_angels": "wall angels",
    "childs_pose": "child's pose",
    "chest_opener": "the chest opener",
    "seated_cat_cow": "seated cat-cow",
    "seated_childs_pose": "seated child's pose",
    "seated_squeezes": "seated shoulder squeezes",
    "seated_chest_opener": "the seated chest opener",
}


def test_which_names_take_an_article_in_a_sentence() -> None:
    assert {ex.id: ex.in_sentence for ex in CONTENT.exercises} == IN_SENTENCE_FORMS
    for ex in CONTENT.exercises:
        assert ex.name in ex.in_sentence and "your" not in ex.in_sentence.split()


# --- the content: every template with a name is listed ----------------------------------


def _named_placeholders(content: Content) -> dict[str, set[str]]:
    found = {key: content.placeholders(key) & NAME_FIELDS for key in content.prompt_keys()}
    return {key: fields for key, fields in found.items() if fields}


@pytest.mark.parametrize("locale", sorted(CONTENT.locales))
def test_every_template_with_a_name_is_listed_with_its_form(locale: str) -> None:
    found = _named_placeholders(CONTENT.for_locale(locale))
    listed = {key: set(fields) for key, fields in FORMS.items()}
    unlisted = {key: fields for key, fields in found.items() if listed.get(key) != fields}
    assert not unlisted, f"add these to FORMS, choosing bare (label, list) or in_sentence: {unlisted}"
    assert found == listed


def test_no_template_starts_a_sentence_with_a_name() -> None:
    # Nothing capitalises a name, so "the chest opener" must never open a sentence; a template
    # that needs it there would need a capitalised form first.
    for words in CONTENT.locales.values():
        for key, fields in _named_placeholders(words).items():
            for name in fields:
                starts = re.search(rf"(^|[.!?]\s+)\{{{name}\}}", words.prompts[key])
                assert not starts, f"{words.locale}: {key} starts a sentence with {{{name}}}"


# --- the coach: each template is filled with its form --------------------------------------

# Names whose two forms differ: only they show which form a template was given.
ARTICLED = {ex.name: ex.in_sentence for ex in CONTENT.exercises if ex.in_sentence != ex.name}


def _form(value: str) -> str | None:
    """The form a filled value shows, or None when it names no stretch with an article."""
    if any(said in value for said in ARTICLED.values()):
        return IN_SENTENCE
    if any(name in value for name in ARTICLED):
        return BARE
    return None


# Where the walk stands: each stretch with an article as the current one and as the next one,
# in the versions that have it; the last is an order made up to put one first ("ready?").
PLACES = [
    ("standard", CONTENT.routine("standard").stretches, "wall_angels"),
    ("standard", CONTENT.routine("standard").stretches, "chest_opener"),
    ("seated", CONTENT.routine("seated").stretches, "seated_squeezes"),
    ("seated", CONTENT.routine("seated").stretches, "seated_chest_opener"),
    ("standard", ("chest_opener", "seated_chest_opener"), "chest_opener"),
]


def _states(version: str, order: tuple[str, ...], current: str) -> Iterator[RoutineState]:
    base = replace(fresh(order, version=version), tipped=True)
    on = replace(base, current=current, done=order[: order.index(current)])
    articled = next(i for i in order if CONTENT.exercise(i).name in ARTICLED)
    drafts = {Mode.REMINDER: SUGGESTED, Mode.REMINDER_DAYS: Draft(), Mode.REMINDER_TIME: Draft(("MO",))}
    for mode in Mode:
        if mode in (Mode.IDLE, Mode.READY, Mode.AGAIN, Mode.FRESH):
            yield replace(base, mode=mode)
            yield replace(on, mode=mode)  # "ready?" names the stretch she is on, if any
        elif mode in OVERLAYS:
            for back in (Mode.ROUTINE, Mode.SINGLE):
                extra = {
                    "about": articled if mode is Mode.DESCRIBED else None,
                    "offer": "seated" if mode is Mode.VERSION else None,
                    "draft": drafts.get(mode),
                }
                yield replace(on, mode=mode, back=back, **extra)
        else:
            yield replace(on, mode=mode)
    # Every stretch done and back on the first: a name asked for now is one done again.
    yield replace(base, mode=Mode.ROUTINE, current=order[0], done=order)


def _events(order: tuple[str, ...]) -> Iterator[Event]:
    args: dict[Kind, tuple[str | None, ...]] = {
        Kind.EXERCISE: (*order, None),  # None: a name she said that is none of ours
        Kind.DESCRIBE: (*order, None),
        Kind.ASK: TOPICS,
        Kind.ADJUST: ("slower", "longer"),
        Kind.SYMPTOM: SYMPTOM_TIERS,
        Kind.PERMISSION: ("denied",),
    }
    for kind in Kind:
        for arg in args.get(kind, (None,)):
            yield Event(kind, arg, days=("MO",), at="19:00") if kind is Kind.REMIND else Event(kind, arg)


@pytest.fixture
def filled(monkeypatch: pytest.MonkeyPatch) -> dict[tuple[str, str], set[str]]:
    """(template, placeholder) -> the forms the coach filled it with, over the whole walk."""
    seen: dict[tuple[str, str], set[str]] = {}
    say = Content.say

    def recording(self: Content, key: str, **params: object) -> str:
        for field in NAME_FIELDS & params.keys():
            form = _form(str(params[field]))
            if form is not None:
                seen.setdefault((key, field), set()).add(form)
        return say(self, key, **params)

    monkeypatch.setattr(Content, "say", recording)
    heard = Profile(disclaimer_heard=True)
    for version, order, current in PLACES:
        for state in _states(version, order, current):
            ctx = coach.Context(state, heard, NOW, CONTENT)
            coach.error(ctx)
            for event in _events(order):
                coach.step(ctx, event)
        # the next launch, with her place saved at this stretch: recent (resume) and stale
        for age in (timedelta(hours=1), timedelta(days=3)):
            place = Position(order, current, order[: order.index(current)], 100.0, NOW - age, version)
            profile = replace(heard, position=place)
            coach.launch(coach.Context(coach.new_session_state(profile, NOW, CONTENT), profile, NOW, CONTENT))
    return seen


def test_the_coach_fills_each_template_with_its_form(filled: dict[tuple[str, str], set[str]]) -> None:
    expected = {(key, field): {form} for key, fields in FORMS.items() for field, form in fields.items()}
    never = sorted(set(expected) - set(filled))
    assert not never, f"the walk never filled these with a name that has an article: {never}"
    wrong = {pair: filled[pair] for pair in expected if filled[pair] != expected[pair]}
    assert not wrong, f"filled with another form than FORMS lists: {wrong}"
    assert set(filled) <= set(expected), sorted(set(filled) - set(expected))
