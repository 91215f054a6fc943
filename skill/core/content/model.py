"""What the content files describe, as typed values: exercises, their doses, movements and
cue pools, and the loaded Content with its one accessor, `say(key, **params)`.

Content is one locale's words. The Content `load()` returns is en-US's, and carries every
locale's own (`for_locale(request.locale)`: the same exercises and routines, the prompts
with that locale's terms filled in; see locales/ and pick_locale for the fallbacks).

Pure data and lookups; reading and checking the files is loader.py's job.
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

UNITS = ("breaths", "reps", "seconds")
# Where her body is for an exercise. A routine's order and its spoken moves between
# positions (routines.toml [moves]) are written in these.
POSITIONS = ("floor", "seated", "standing", "wall")
# Movement kinds a content file may use, per dose unit. Timings live in pacing.py.
MOVEMENT_KINDS: Mapping[str, frozenset[str]] = {
    "breaths": frozenset({"inhale", "exhale"}),
    "reps": frozenset({"squeeze", "hold", "release", "slide_up", "slide_down"}),
    "seconds": frozenset({"hold"}),
}
# Which cue pools each unit needs, and the placeholders each pool's lines must use.
CUE_POOLS: Mapping[str, Mapping[str, frozenset[str]]] = {
    "breaths": {"progress": frozenset({"done", "left"}), "last": frozenset()},
    "reps": {"count": frozenset({"count"}), "last": frozenset()},
    "seconds": {
        "breathing": frozenset(),
        "halfway": frozenset(),
        "last_few": frozenset(),
        "release": frozenset(),
    },
}


BASE_LOCALE = "en-US"  # the prompts are written for it; any other English locale falls back to it
# Not a locale: the English words for a request in any other language (German, Japanese...).
# The model has no such locale, so it is rare; the answer is polite English that names no
# country's emergency number ("call your local emergency number").
OTHER_LANGUAGES = "international"


@functools.lru_cache(maxsize=64)  # every request asks; Alexa has a handful of locales
def _picked(locale: str | None, available: tuple[str, ...]) -> str:
    return pick_locale(locale, available)


def pick_locale(locale: object, available: Collection[str]) -> str:
    """Which of `available` serves a request's locale: the same one (any case, - or _),
    else en-US for English (en-NZ, en, ...) and for a request without a locale, else the
    international English words for any other language."""
    if not isinstance(locale, str) or not locale.strip():
        return BASE_LOCALE
    wanted = locale.strip().replace("_", "-").lower()
    for name in available:
        if name.lower() == wanted:
            return name
    if wanted == "en" or wanted.startswith("en-"):
        return BASE_LOCALE
    return OTHER_LANGUAGES if OTHER_LANGUAGES in available else BASE_LOCALE


def normal(words: str) -> str:
    """How spoken names compare: case, apostrophes, hyphens and underscores don't matter."""
    return " ".join(re.sub(r"[-_']", " ", words.lower().replace("\u2019", "'")).split())


def fields_of(template: str) -> set[str]:
    """The {placeholders} of a prompt template; ValueError if its braces do not balance."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


@dataclass(frozen=True)
class Dose:
    min: int
    max: int
    unit: str  # one of UNITS


@dataclass(frozen=True)
class Movement:
    """One step of an exercise's movement (inhale, squeeze, hold...) and its cue pool.

    Not a timeline.Phase: that is a timed stretch of a response, which pacing builds from
    these steps."""

    kind: str
    cues: tuple[str, ...]


@dataclass(frozen=True)
class Cues:
    """Named cue pools; the ones a unit does not use are empty (see CUE_POOLS)."""

    progress: tuple[str, ...] = ()
    last: tuple[str, ...] = ()
    count: tuple[str, ...] = ()
    breathing: tuple[str, ...] = ()
    halfway: tuple[str, ...] = ()
    last_few: tuple[str, ...] = ()
    release: tuple[str, ...] = ()


@dataclass(frozen=True)
class Exercise:
    id: str
    name: str  # bare: labels ("Stretch 5 of 5: chest opener.") and lists, and what Alexa resolves
    synonyms: tuple[str, ...]
    setup: tuple[str, ...]
    settle_s: float
    phases: tuple[Movement, ...]  # the movement in order (the files' `phase` tables)
    dose: Dose
    cues: Cues
    closing: str
    about: tuple[str, ...]  # two or three sentences for "what is ..." (DescribeExerciseIntent)
    position: str = "standing"  # one of POSITIONS
    form_of: str | None = None  # the exercise this is another form of (seated cat-cow: cat_cow)
    # The name inside a running sentence ("the chest opener"): a countable name needs its
    # article there, where a label does not. Empty means the bare name reads well.
    in_sentence_form: str = ""

    @property
    def in_sentence(self) -> str:
        """The name as said inside a sentence ("Would you like to do the chest opener now?")."""
        return self.in_sentence_form or self.name

    @property
    def family(self) -> str:
        """The stretch this is a form of: its own id for the originals."""
        return self.form_of or self.id


@dataclass(frozen=True)
class Routine:
    """A version of the routine (routines.toml): its stretches in order, and the doses it
    narrows the source's ranges to (the quick version's shorter doses)."""

    id: str
    name: str  # said in "your {name} again?"
    synonyms: tuple[str, ...]  # ROUTINE_VERSION slot synonyms (a test compares them to the model)
    stretches: tuple[str, ...]
    doses: Mapping[str, Dose]  # exercise id -> dose within its source range; the rest keep theirs
    summary: str  # one sentence: what this version is


@dataclass(frozen=True)
class Content:
    exercises: tuple[Exercise, ...]
    number_words: tuple[str, ...]
    prompts: Mapping[str, str]
    # Built once at load so requests neither re-normalise names nor re-parse templates.
    spoken_ids: Mapping[str, str]  # normalised id, name or synonym -> exercise id
    prompt_fields: Mapping[str, frozenset[str]]  # prompt key -> its placeholders
    routines: tuple[Routine, ...] = ()  # the versions; the first is the default
    # normalised routine id, name or synonym -> routine id
    spoken_routines: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    moves: Mapping[tuple[str, str], str] = field(
        default_factory=lambda: MappingProxyType({})
    )  # (from, to) -> line
    locale: str = BASE_LOCALE  # whose words these are (a key of `locales`, or OTHER_LANGUAGES)
    # The locale's terms as filled into the prompts (provider, prenatal, emergency), for the
    # few places outside speech that use them (the privacy notice).
    terms: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    # Every locale's Content, on the one load() returns (each of them has none of its own).
    locales: Mapping[str, Content] = field(default_factory=lambda: MappingProxyType({}), repr=False)

    def for_locale(self, locale: str | None) -> Content:
        """The words for a request's locale (pick_locale); itself when it knows no others."""
        if not self.locales:
            return self
        return self.locales[_picked(locale, self._locale_names)]

    @functools.cached_property
    def _locale_names(self) -> tuple[str, ...]:
        return tuple(self.locales)

    def routine(self, routine_id: str | None) -> Routine:
        """A version by id; the default (first) one for None."""
        if routine_id is None:
            return self.routines[0]
        for r in self.routines:
            if r.id == routine_id:
                return r
        raise KeyError(f"no routine {routine_id!r}; known: {', '.join(r.id for r in self.routines)}")

    @property
    def default_routine(self) -> str:
        return self.routines[0].id

    def lookup_routine(self, spoken: str) -> Routine | None:
        """A version's id, name or synonym (any case or punctuation) -> the version, else None."""
        routine_id = self.spoken_routines.get(normal(spoken))
        return self.routine(routine_id) if routine_id else None

    def dose_of(self, routine_id: str | None, exercise: Exercise) -> Dose:
        """The dose range an exercise has in a version (its own unless the version narrows it)."""
        if routine_id is None:
            return exercise.dose
        return self.routine(routine_id).doses.get(exercise.id, exercise.dose)

    def form_in(self, order: tuple[str, ...], exercise_id: str) -> str | None:
        """The stretch in `order` that is `exercise_id` or another form of it, else None."""
        if exercise_id in order:
            return exercise_id
        family = self.exercise(exercise_id).family
        return next((i for i in order if self.exercise(i).family == family), None)

    def exercise(self, exercise_id: str) -> Exercise:
        for ex in self.exercises:
            if ex.id == exercise_id:
                return ex
        raise KeyError(f"no exercise {exercise_id!r}; known: {', '.join(self.ids)}")

    @functools.cached_property  # read on every turn that checks a stored place
    def ids(self) -> tuple[str, ...]:
        return tuple(ex.id for ex in self.exercises)

    def lookup(self, spoken: str) -> Exercise | None:
        """An id, name or synonym (any case or punctuation) -> the exercise, else None."""
        exercise_id = self.spoken_ids.get(normal(spoken))
        return self.exercise(exercise_id) if exercise_id else None

    def number_word(self, n: int) -> str:
        if not 1 <= n <= len(self.number_words):
            raise ValueError(f"no spoken word for {n}; number_words covers 1..{len(self.number_words)}")
        return self.number_words[n - 1]

    def prompt_keys(self) -> frozenset[str]:
        return frozenset(self.prompts)

    def placeholders(self, key: str) -> set[str]:
        self._prompt(key)
        return set(self.prompt_fields[key])

    def say(self, key: str, **params: object) -> str:
        """The text of prompt `key` with its placeholders filled. KeyError for an unknown
        key, ValueError when a placeholder is missing or a parameter is not used."""
        template = self._prompt(key)
        wanted = self.prompt_fields[key]
        missing, extra = wanted - params.keys(), params.keys() - wanted
        if missing or extra:
            problems = []
            if missing:
                problems.append(f"missing {', '.join(sorted(missing))}")
            if extra:
                problems.append(f"unexpected {', '.join(sorted(extra))}")
            raise ValueError(f"prompt {key!r}: {'; '.join(problems)}")
        return template.format(**params)

    def _prompt(self, key: str) -> str:
        try:
            return self.prompts[key]
        except KeyError:
            raise KeyError(f"no prompt {key!r}") from None
