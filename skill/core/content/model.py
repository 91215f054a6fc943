"""What the content files describe, as typed values: exercises, their doses, movements and
cue pools, and the loaded Content with its one accessor, `say(key, **params)`.

Pure data and lookups; reading and checking the files is loader.py's job.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass

UNITS = ("breaths", "reps", "seconds")
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
    name: str
    synonyms: tuple[str, ...]
    setup: tuple[str, ...]
    settle_s: float
    phases: tuple[Movement, ...]  # the movement in order (the files' `phase` tables)
    dose: Dose
    cues: Cues
    closing: str
    about: tuple[str, ...]  # two or three sentences for "what is ..." (DescribeExerciseIntent)


@dataclass(frozen=True)
class Content:
    exercises: tuple[Exercise, ...]
    number_words: tuple[str, ...]
    prompts: Mapping[str, str]
    # Built once at load so requests neither re-normalise names nor re-parse templates.
    spoken_ids: Mapping[str, str]  # normalised id, name or synonym -> exercise id
    prompt_fields: Mapping[str, frozenset[str]]  # prompt key -> its placeholders

    def exercise(self, exercise_id: str) -> Exercise:
        for ex in self.exercises:
            if ex.id == exercise_id:
                return ex
        raise KeyError(f"no exercise {exercise_id!r}; known: {', '.join(self.ids)}")

    @property
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
