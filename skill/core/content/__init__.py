"""What the skill says, as data: the five exercises and every prompt, loaded once.

exercises.toml holds the exercises (see its header for the fields); every other *.toml in
this folder is a table of prompts (flat key = "text with {named} placeholders"), all merged
into one key space. Everything is validated at import, so a broken file stops start-up
with a ContentError naming the file and the field, instead of a device saying something
broken mid-stretch.

Public API: CONTENT (the loaded Content), say(key, **params), prompt_keys(),
placeholders(key), load(directory), and the dataclasses Exercise, Dose, Phase, Cues.
"""

from __future__ import annotations

import re
import string
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterable, Mapping

EXERCISES_FILE = "exercises.toml"
UNITS = ("breaths", "reps", "seconds")
# Movement phase kinds a content file may use, per dose unit. Timings live in pacing.py.
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

_DIR = Path(__file__).resolve().parent


class ContentError(ValueError):
    """A content file is missing, malformed or inconsistent; the message names file and field."""


@dataclass(frozen=True)
class Dose:
    min: int
    max: int
    unit: str  # "breaths" | "reps" | "seconds"


@dataclass(frozen=True)
class Phase:
    """One step of the movement (inhale, squeeze, hold...) and its cue pool."""

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
    phases: tuple[Phase, ...]
    dose: Dose
    cues: Cues
    closing: str
    about: tuple[str, ...]  # two or three sentences for "what is ..." (DescribeExerciseIntent)


def _normal(words: str) -> str:
    """How spoken names compare: case, apostrophes, hyphens and underscores don't matter."""
    return " ".join(re.sub(r"[-_']", " ", words.lower().replace("\u2019", "'")).split())


def _fields_of(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


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
        exercise_id = self.spoken_ids.get(_normal(spoken))
        return self.exercise(exercise_id) if exercise_id else None

    def number_word(self, n: int) -> str:
        if not 1 <= n <= len(self.number_words):
            raise ValueError(f"no spoken word for {n}; number_words covers 1..{len(self.number_words)}")
        return self.number_words[n - 1]

    def placeholders(self, key: str) -> set[str]:
        self._prompt(key)
        return set(self.prompt_fields[key])

    def say(self, key: str, **params: object) -> str:
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


# ---------------------------------------------------------------------------------------
# Loading and validation. Each helper gets `where` ("exercises.toml: exercise 'x'") so
# every message names the file and the field.


def _require(table: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if key not in table:
        raise ContentError(f"{where}: {key} is missing")
    value = table[key]
    # bool is an int in Python, but "true" is never a valid count or duration
    if isinstance(value, bool) or not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise ContentError(f"{where}: {key} must be a {names}")
    return value


def _no_unknown(table: Mapping[str, Any], allowed: Iterable[str], where: str) -> None:
    unknown = sorted(set(table) - set(allowed))
    if unknown:
        raise ContentError(f"{where}: unknown field {', '.join(unknown)}")


def _text(value: Any, field: str, where: str, allowed_fields: frozenset[str] = frozenset()) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ContentError(f"{where}: {field} must be non-empty text")
    try:
        used = _fields_of(value)
    except ValueError as exc:  # unbalanced braces
        raise ContentError(f"{where}: {field}: {exc}") from None
    if used != allowed_fields:
        want = ", ".join(sorted(allowed_fields)) or "none"
        raise ContentError(f"{where}: {field} uses placeholders {sorted(used)}; expected {want}")
    return value


def _texts(
    table: Mapping[str, Any], key: str, where: str, allowed_fields: frozenset[str] = frozenset()
) -> tuple[str, ...]:
    values = _require(table, key, list, where)
    if not values:
        raise ContentError(f"{where}: {key} must not be empty")
    return tuple(_text(v, f"{key}[{i}]", where, allowed_fields) for i, v in enumerate(values))


def _dose(raw: Any, where: str) -> Dose:
    if not isinstance(raw, dict):
        raise ContentError(f"{where}: dose must be a table")
    _no_unknown(raw, ("min", "max", "unit"), f"{where}: dose")
    lo = _require(raw, "min", int, f"{where}: dose")
    hi = _require(raw, "max", int, f"{where}: dose")
    unit = _require(raw, "unit", str, f"{where}: dose")
    if unit not in UNITS:
        raise ContentError(f"{where}: dose.unit must be one of {', '.join(UNITS)}")
    if lo < 1:
        raise ContentError(f"{where}: dose.min must be at least 1")
    if hi < lo:
        raise ContentError(f"{where}: dose.max must be >= dose.min")
    return Dose(lo, hi, unit)


def _phases(raw: Any, unit: str, where: str) -> tuple[Phase, ...]:
    if not isinstance(raw, list) or not raw:
        raise ContentError(f"{where}: phase must be a non-empty list of tables")
    phases = []
    for i, item in enumerate(raw):
        at = f"{where}: phase[{i}]"
        if not isinstance(item, dict):
            raise ContentError(f"{at} must be a table")
        _no_unknown(item, ("kind", "cues"), at)
        kind = _require(item, "kind", str, at)
        if kind not in MOVEMENT_KINDS[unit]:
            allowed = ", ".join(sorted(MOVEMENT_KINDS[unit]))
            raise ContentError(f"{at}: kind {kind!r} does not fit unit {unit!r} (use {allowed})")
        phases.append(Phase(kind, _texts(item, "cues", at)))
    if unit == "seconds" and len(phases) != 1:
        raise ContentError(f"{where}: a hold (unit seconds) has exactly one phase")
    return tuple(phases)


def _cues(raw: Any, unit: str, where: str) -> Cues:
    if not isinstance(raw, dict):
        raise ContentError(f"{where}: cues must be a table")
    pools = CUE_POOLS[unit]
    at = f"{where}: cues"
    _no_unknown(raw, pools, at)
    return Cues(**{name: _texts(raw, name, at, used) for name, used in pools.items()})


_EXERCISE_FIELDS = tuple(f.name for f in fields(Exercise)) + ("phase",)


def _exercise(raw: Any, index: int) -> Exercise:
    where = f"{EXERCISES_FILE}: exercise[{index}]"
    if not isinstance(raw, dict):
        raise ContentError(f"{where} must be a table")
    ex_id = _require(raw, "id", str, where)
    if not re.fullmatch(r"[a-z][a-z0-9_]*", ex_id):
        raise ContentError(f"{where}: id must be lower_snake_case")
    where = f"{EXERCISES_FILE}: exercise {ex_id!r}"
    _no_unknown(raw, set(_EXERCISE_FIELDS) - {"phases"}, where)
    if "dose" not in raw:
        raise ContentError(f"{where}: dose is missing")
    dose = _dose(raw["dose"], where)
    settle = _require(raw, "settle_s", (int, float), where)
    if not 0 <= settle <= 30:
        raise ContentError(f"{where}: settle_s must be between 0 and 30 seconds")
    setup = _texts(raw, "setup", where)
    if len(setup) > 2:
        raise ContentError(f"{where}: setup has at most two lines; say less")
    return Exercise(
        id=ex_id,
        name=_text(raw.get("name"), "name", where),
        synonyms=_texts(raw, "synonyms", where),
        setup=setup,
        settle_s=float(settle),
        phases=_phases(_require(raw, "phase", list, where), dose.unit, where),
        dose=dose,
        cues=_cues(_require(raw, "cues", dict, where), dose.unit, where),
        closing=_text(raw.get("closing"), "closing", where),
        about=_about(raw, where),
    )


def _about(raw: Mapping[str, Any], where: str) -> tuple[str, ...]:
    about = _texts(raw, "about", where)
    if not 2 <= len(about) <= 3:
        raise ContentError(f"{where}: about has two or three sentences")
    return about


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ContentError(f"{path.name}: file is missing") from None
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"{path.name}: not valid TOML: {exc}") from None


def _exercises(data: Mapping[str, Any]) -> tuple[tuple[Exercise, ...], tuple[str, ...], dict[str, str]]:
    _no_unknown(data, ("exercise", "number_words"), EXERCISES_FILE)
    raw = _require(data, "exercise", list, EXERCISES_FILE)
    if not raw:
        raise ContentError(f"{EXERCISES_FILE}: exercise must list at least one exercise")
    exercises = tuple(_exercise(item, i) for i, item in enumerate(raw))
    numbers = _texts(data, "number_words", EXERCISES_FILE)

    ids = [ex.id for ex in exercises]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ContentError(f"{EXERCISES_FILE}: duplicate exercise id {', '.join(duplicates)}")
    # A spoken word must pick exactly one exercise, or lookup() would guess.
    owner: dict[str, str] = {}
    for ex in exercises:
        for word in (ex.id, ex.name, *ex.synonyms):
            other = owner.setdefault(_normal(word), ex.id)
            if other != ex.id:
                raise ContentError(
                    f"{EXERCISES_FILE}: exercise {ex.id!r}: {word!r} also names {other!r}"
                )
        if ex.dose.unit != "seconds" and ex.dose.max > len(numbers):
            raise ContentError(
                f"{EXERCISES_FILE}: exercise {ex.id!r}: dose.max {ex.dose.max} "
                f"is more than number_words can count ({len(numbers)})"
            )
    return exercises, numbers, owner


def _prompts(paths: Iterable[Path]) -> dict[str, str]:
    prompts: dict[str, str] = {}
    origin: dict[str, str] = {}
    for path in paths:
        for key, value in _read(path).items():
            if not isinstance(value, str) or not value.strip():
                raise ContentError(f"{path.name}: {key} must be non-empty text")
            try:
                used = _fields_of(value)
            except ValueError as exc:
                raise ContentError(f"{path.name}: {key}: {exc}") from None
            bad = sorted(n for n in used if not n.isidentifier())
            if bad:
                raise ContentError(f"{path.name}: {key}: placeholder {bad[0]!r} must be a plain name")
            if key in prompts:
                raise ContentError(f"{path.name}: {key} is already defined in {origin[key]}")
            prompts[key] = value
            origin[key] = path.name
    return prompts


def load(directory: Path | str = _DIR) -> Content:
    """Read and validate a content folder (the package's own by default)."""
    directory = Path(directory)
    exercises, numbers, spoken_ids = _exercises(_read(directory / EXERCISES_FILE))
    prompt_files = sorted(p for p in directory.glob("*.toml") if p.name != EXERCISES_FILE)
    prompts = _prompts(prompt_files)
    return Content(
        exercises=exercises,
        number_words=numbers,
        prompts=MappingProxyType(prompts),
        spoken_ids=MappingProxyType(spoken_ids),
        prompt_fields=MappingProxyType({key: frozenset(_fields_of(text)) for key, text in prompts.items()}),
    )


CONTENT: Content = load()


def say(key: str, **params: object) -> str:
    """The text of prompt `key` with its placeholders filled. KeyError for an unknown key,
    ValueError when a placeholder is missing or a parameter is not used."""
    return CONTENT.say(key, **params)


def prompt_keys() -> frozenset[str]:
    return frozenset(CONTENT.prompts)


def placeholders(key: str) -> set[str]:
    return CONTENT.placeholders(key)
