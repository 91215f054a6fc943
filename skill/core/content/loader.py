"""Read a content folder and check it against one declared table of rules.
Longer than ~250 lines because the table of rules is the point: every file's fields and
the checks across them sit in one place a reviewer reads top to bottom.

exercises.toml holds the exercises (see its header for the fields), routines.toml the
versions of the routine and the spoken moves between positions; every other *.toml in
the folder is a table of prompts (flat key = "text with {named} placeholders"), all merged
into one key space. A broken file fails `load()` with a ContentError naming the file and
the field ("exercises.toml: exercise 'cat_cow': dose.unit must be one of ..."), so it stops
start-up instead of a device saying something broken mid-stretch.

Locales (locales/*.toml, see locales/en-US.toml's header): the prompts are written once, for
every English locale, with a few {terms} in them ({provider}, {prenatal}, {emergency}).
locales/en-US.toml defines every term; another locale's file holds only the terms (and, rarely,
whole prompts under [prompts]) that differ. load() fills the terms in at start-up, so a
request never sees them and say() takes the same parameters in every locale. Its rules:
LOCALE_RULES and _locale_content below.

Why a table of rules and not pydantic or msgspec: the files are small (five exercises and
a few dozen prompts), most of the checks are about words (placeholders a pool must use,
a spoken name naming two exercises) that a schema library leaves to hand-written
validators anyway, and both libraries would add a compiled dependency and its import time
to start-up (the service's budget is 0.5 s for import + create_app) only to have their
messages reworded into "file: field". So the rules are data here: DOSE, MOVEMENT, EXERCISE
and EXERCISES_FILE_SCHEMA map each field to a reader (readers.py), and EXERCISE_CHECKS and
_whole_file hold the few rules that span fields.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from skill.core.content.model import (
    BASE_LOCALE,
    CUE_POOLS,
    MOVEMENT_KINDS,
    OTHER_LANGUAGES,
    POSITIONS,
    UNITS,
    Content,
    Cues,
    Dose,
    Exercise,
    Movement,
    Routine,
    fields_of,
    normal,
)
from skill.core.content.readers import (
    At,
    ContentError,
    Schema,
    choice,
    matching,
    number,
    optional,
    read_table,
    table,
    tables,
    text,
    texts,
)

EXERCISES_FILE = "exercises.toml"
ROUTINES_FILE = "routines.toml"
STRUCTURED_FILES = (EXERCISES_FILE, ROUTINES_FILE)  # every other *.toml is prompts
MAX_SETTLE_S = 30


# --- the rules ---------------------------------------------------------------------------

DOSE: Schema = {"min": number(1, whole=True), "max": number(1, whole=True), "unit": choice(UNITS)}
MOVEMENT: Schema = {"kind": matching(r"[a-z_]+", "a lower_snake_case word"), "cues": texts()}
EXERCISE: Schema = {
    "id": matching(r"[a-z][a-z0-9_]*", "lower_snake_case"),
    "name": text(),
    "synonyms": texts(),
    "setup": texts(hi=2, why="has at most two lines; say less"),
    "settle_s": number(0, MAX_SETTLE_S, why=f"must be between 0 and {MAX_SETTLE_S} seconds"),
    "dose": table(DOSE),
    "phase": tables(MOVEMENT),  # the movement, in order
    "cues": lambda value, at: value,  # pools depend on the dose unit: checked by _cue_pools
    "closing": text(),
    "about": texts(lo=2, hi=3, why="has two or three sentences"),
    "position": choice(POSITIONS),
    "form_of": optional(matching(r"[a-z][a-z0-9_]*", "an exercise id")),
    "in_sentence": optional(text(), ""),  # the name inside a sentence; left out: the name itself
}


def _dose_range(ex: dict[str, Any], at: At) -> None:
    if ex["dose"]["max"] < ex["dose"]["min"]:
        raise at.field("dose.max").error("must be >= dose.min")


def _kinds_fit_unit(ex: dict[str, Any], at: At) -> None:
    unit = ex["dose"]["unit"]
    for i, step in enumerate(ex["phase"]):
        if step["kind"] not in MOVEMENT_KINDS[unit]:
            allowed = ", ".join(sorted(MOVEMENT_KINDS[unit]))
            raise (
                at.field("phase")
                .item(i)
                .field("kind")
                .error(f"{step['kind']!r} does not fit unit {unit!r} (use {allowed})")
            )
    if unit == "seconds" and len(ex["phase"]) != 1:
        raise at.field("phase").error("must be exactly one: a hold (unit seconds) has one phase")


def _cue_pools(ex: dict[str, Any], at: At) -> None:
    pools = CUE_POOLS[ex["dose"]["unit"]]
    schema = {name: texts(used) for name, used in pools.items()}
    ex["cues"] = table(schema)(ex["cues"], at.field("cues"))


def _in_sentence_has_name(ex: dict[str, Any], at: At) -> None:
    # Only the words around the name may change ("the chest opener"): she must still hear
    # the name she can say back, so the two forms never drift apart.
    said = ex["in_sentence"]
    if said and not re.search(rf"(?<!\w){re.escape(ex['name'])}(?!\w)", said):
        raise at.field("in_sentence").error(f"must contain the name {ex['name']!r} as whole words")


# Rules that span fields, run in order once every field has passed its reader.
EXERCISE_CHECKS: tuple[Callable[[dict[str, Any], At], None], ...] = (
    _dose_range,
    _kinds_fit_unit,
    _cue_pools,
    _in_sentence_has_name,
)


# --- reading files -------------------------------------------------------------------------


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ContentError(f"{path.name}: file is missing") from None
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"{path.name}: not valid TOML: {exc}") from None


def _exercise(raw: Any, index: int) -> Exercise:
    at = At(f"{EXERCISES_FILE}: exercise[{index}]")
    if not isinstance(raw, dict):
        raise at.error("must be a table")
    # the id comes first: every later message names the exercise by it
    if "id" not in raw:
        raise at.field("id").error("is missing")
    ex_id: str = EXERCISE["id"](raw["id"], at.field("id"))
    at = At(f"{EXERCISES_FILE}: exercise {ex_id!r}")
    ex = read_table(raw, EXERCISE, at)
    for check in EXERCISE_CHECKS:
        check(ex, at)
    return Exercise(
        id=ex_id,
        name=ex["name"],
        synonyms=ex["synonyms"],
        setup=ex["setup"],
        settle_s=float(ex["settle_s"]),
        phases=tuple(Movement(step["kind"], step["cues"]) for step in ex["phase"]),
        dose=Dose(**ex["dose"]),
        cues=Cues(**ex["cues"]),
        closing=ex["closing"],
        about=ex["about"],
        position=ex["position"],
        form_of=ex["form_of"],
        in_sentence_form=ex["in_sentence"],
    )


def _whole_file(exercises: tuple[Exercise, ...], numbers: tuple[str, ...]) -> dict[str, str]:
    """Rules across exercises; returns the spoken-name index (normalised word -> id)."""
    ids = [ex.id for ex in exercises]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ContentError(f"{EXERCISES_FILE}: duplicate exercise id {', '.join(duplicates)}")
    # A spoken word must pick exactly one exercise, or lookup() would guess.
    owner: dict[str, str] = {}
    for ex in exercises:
        at = At(f"{EXERCISES_FILE}: exercise {ex.id!r}")
        if ex.form_of is not None and (ex.form_of not in ids or ex.form_of == ex.id):
            raise at.field("form_of").error("must name another exercise")
        for word in (ex.id, ex.name, *ex.synonyms):
            other = owner.setdefault(normal(word), ex.id)
            if other != ex.id:
                raise at.error(f"{word!r} also names {other!r}", sep=": ")
        if ex.dose.unit != "seconds" and ex.dose.max > len(numbers):
            raise at.field("dose.max").error(
                f"{ex.dose.max} is more than number_words can count ({len(numbers)})"
            )
    return owner


def _exercise_list(value: Any, at: At) -> tuple[Exercise, ...]:
    if not isinstance(value, list) or not value:
        raise at.error("must list at least one exercise")
    return tuple(_exercise(item, i) for i, item in enumerate(value))


EXERCISES_FILE_SCHEMA: Schema = {"exercise": _exercise_list, "number_words": texts()}


def _exercises(data: Mapping[str, Any]) -> tuple[tuple[Exercise, ...], tuple[str, ...], dict[str, str]]:
    top = read_table(data, EXERCISES_FILE_SCHEMA, At(EXERCISES_FILE))
    return top["exercise"], top["number_words"], _whole_file(top["exercise"], top["number_words"])


def _prompts(paths: Iterable[Path]) -> dict[str, str]:
    prompts: dict[str, str] = {}
    origin: dict[str, str] = {}
    for path in paths:
        for key, value in _read(path).items():
            at = At(path.name, key)
            if not isinstance(value, str) or not value.strip():
                raise at.error("must be non-empty text")
            try:
                used = fields_of(value)
            except ValueError as exc:
                raise at.error(str(exc), sep=": ") from None
            bad = sorted(n for n in used if not n.isidentifier())
            if bad:
                raise at.error(f"placeholder {bad[0]!r} must be a plain name", sep=": ")
            if key in prompts:
                raise at.error(f"is already defined in {origin[key]}")
            prompts[key] = value
            origin[key] = path.name
    return prompts


# --- routines.toml: the versions of the routine, and the lines that move her between positions

ROUTINE: Schema = {
    "id": matching(r"[a-z][a-z0-9_]*", "lower_snake_case"),
    "name": text(),
    "synonyms": texts(),
    "summary": text(),
    "stretches": texts(),
    "doses": optional(lambda value, at: value, {}),
}
ROUTINES_FILE_SCHEMA: Schema = {
    "routine": tables(ROUTINE),
    "moves": table({f"{a}_to_{b}": optional(text()) for a in POSITIONS for b in POSITIONS if a != b}),
}


def _routine(raw: dict[str, Any], exercises: Mapping[str, Exercise], at: At) -> Routine:
    stretches = raw["stretches"]
    for i, ex_id in enumerate(stretches):
        if ex_id not in exercises:
            raise at.field("stretches").item(i).error(f"{ex_id!r} is not an exercise")
    if len(set(stretches)) != len(stretches):
        raise at.field("stretches").error("names a stretch twice")
    doses: dict[str, Dose] = {}
    if not isinstance(raw["doses"], dict):
        raise at.field("doses").error("must be a table")
    for ex_id, value in raw["doses"].items():
        where = at.field("doses").field(ex_id)
        if ex_id not in stretches:
            raise where.error("is not one of this routine's stretches")
        own = exercises[ex_id].dose
        narrowed = read_table(value, {"min": number(1, whole=True), "max": number(1, whole=True)}, where)
        if not own.min <= narrowed["min"] <= narrowed["max"] <= own.max:
            # the source's range is the limit: a version may ask for less, never outside it
            raise where.error(f"must lie within the exercise's own {own.min}-{own.max} {own.unit}")
        doses[ex_id] = Dose(narrowed["min"], narrowed["max"], own.unit)
    return Routine(
        id=raw["id"],
        name=raw["name"],
        synonyms=raw["synonyms"],
        summary=raw["summary"],
        stretches=stretches,
        doses=MappingProxyType(doses),
    )


def _routines(
    data: Mapping[str, Any], exercises: tuple[Exercise, ...]
) -> tuple[tuple[Routine, ...], dict[tuple[str, str], str], dict[str, str]]:
    top = read_table(data, ROUTINES_FILE_SCHEMA, At(ROUTINES_FILE))
    by_id = {ex.id: ex for ex in exercises}
    routines = tuple(
        _routine(raw, by_id, At(f"{ROUTINES_FILE}: routine {raw['id']!r}")) for raw in top["routine"]
    )
    moves = {
        (a, b): top["moves"][f"{a}_to_{b}"]
        for a in POSITIONS
        for b in POSITIONS
        if a != b and top["moves"][f"{a}_to_{b}"] is not None
    }
    owner: dict[str, str] = {}
    for r in routines:
        at = At(f"{ROUTINES_FILE}: routine {r.id!r}")
        for word in (r.id, r.name, *r.synonyms):
            other = owner.setdefault(normal(word), r.id)
            if other != r.id:
                raise at.error(f"{word!r} also names {other!r}", sep=": ")
        positions = [by_id[i].position for i in r.stretches]
        for a, b in itertools.pairwise(positions):
            if a != b and (a, b) not in moves:
                raise At(ROUTINES_FILE, "moves").error(
                    f"needs {a}_to_{b}: routine {r.id!r} goes from {a} to {b}"
                )
    return routines, moves, owner


# --- locales/*.toml: the terms (and the rare whole prompt) that differ by locale ---------

LOCALES_DIR = "locales"
LOCALE_NAME = re.compile(r"[a-z]{2}-[A-Z]{2}")  # en-GB; or OTHER_LANGUAGES
TERM = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
# What the emergency term must say, in every locale, so a traveller is never misled: the
# frame first, then the number as an example (DESIGN.md, "Emergency numbers by English locale").
EMERGENCY_TERM, EMERGENCY_FRAME = "emergency", "call your local emergency number"


def _no_digits(value: str, at: At) -> None:
    # "911" read by a British voice can come out as "nine hundred and eleven": numbers are
    # spelled as the words to say ("nine one one", "triple zero").
    if re.search(r"[0-9]", value):
        raise at.error("spells numbers as words (nine one one), so every voice reads them right")


def _emergency_frame(value: str, at: At) -> None:
    if at.path == EMERGENCY_TERM and not value.startswith(EMERGENCY_FRAME):
        raise at.error(f"must start with {EMERGENCY_FRAME!r}, then give the number as an example")


LOCALE_RULES: tuple[Callable[[str, At], None], ...] = (_no_digits, _emergency_frame)


def _locale_file(path: Path, base_terms: Mapping[str, str] | None) -> tuple[dict[str, str], dict[str, str]]:
    """(terms, prompts) of one locale file. `base_terms` None: this is en-US's, which defines them all."""
    name = f"{LOCALES_DIR}/{path.name}"
    data = _read(path)
    unknown = sorted(set(data) - {"terms", "prompts"})
    if unknown:
        raise At(name).error(f"unknown table {', '.join(unknown)} (only [terms] and [prompts])", sep=": ")
    out: list[dict[str, str]] = []
    for table_name in ("terms", "prompts"):
        raw = data.get(table_name, {})
        if not isinstance(raw, dict):
            raise At(name, table_name).error("must be a table")
        checked = {}
        for key, value in raw.items():
            at = At(name, f"{table_name}.{key}" if table_name == "prompts" else key)
            if not isinstance(value, str) or not value.strip():
                raise at.error("must be non-empty text")
            try:
                fields_of(value)
            except ValueError as exc:  # unbalanced braces
                raise at.error(str(exc), sep=": ") from None
            checked[key] = value
        out.append(checked)
    terms, prompts = out
    for key, value in terms.items():
        at = At(name, key)
        if base_terms is not None and key not in base_terms:
            raise at.error(f"is not a term of {LOCALES_DIR}/{BASE_LOCALE}.toml", sep=": ")
        if fields_of(value):
            raise at.error("is filled into prompts, so it has no {placeholders} of its own")
        for rule in LOCALE_RULES:
            rule(value, at)
    if base_terms is None and not terms:
        raise At(name, "terms").error("must define every term the prompts use")
    return terms, prompts


def _fill(template: str, terms: Mapping[str, str]) -> str:
    return TERM.sub(lambda m: terms.get(m.group(1), m.group(0)), template)


def _locale_prompts(
    name: str, base: Mapping[str, str], terms: Mapping[str, str], own: Mapping[str, str]
) -> dict[str, str]:
    """The base prompts, this locale's whole prompts over them, and the terms filled in."""
    prompts = dict(base)
    for key, value in own.items():
        at = At(f"{LOCALES_DIR}/{name}.toml", f"prompts.{key}")
        if key not in base:
            raise at.error("is not a prompt of the base content", sep=": ")
        wanted = fields_of(base[key]) - terms.keys()  # the terms it may use as it likes
        if fields_of(value) - terms.keys() != wanted:
            raise at.error(f"must use the placeholders of the base prompt: {sorted(wanted)}")
        prompts[key] = value
    return {key: _fill(value, terms) for key, value in prompts.items()}


def _content(base: Content, locale: str, prompts: Mapping[str, str], terms: Mapping[str, str]) -> Content:
    return replace(
        base,
        locale=locale,
        terms=MappingProxyType(dict(terms)),
        prompts=MappingProxyType(dict(prompts)),
        prompt_fields=MappingProxyType({key: frozenset(fields_of(t)) for key, t in prompts.items()}),
    )


def _localized(directory: Path, base: Content) -> Content:
    """Every locale's Content from locales/*.toml; the en-US one, carrying them all."""
    folder = directory / LOCALES_DIR
    base_terms, base_own = _locale_file(folder / f"{BASE_LOCALE}.toml", None)
    unused = sorted(t for t in base_terms if not any(f"{{{t}}}" in p for p in base.prompts.values()))
    if unused:
        raise At(f"{LOCALES_DIR}/{BASE_LOCALE}.toml", unused[0]).error("is used by no prompt")
    variants: dict[str, Content] = {}
    for path in sorted(folder.glob("*.toml")):
        locale = path.stem
        if locale != OTHER_LANGUAGES and not LOCALE_NAME.fullmatch(locale):
            raise ContentError(
                f"{LOCALES_DIR}/{path.name}: name a locale (en-GB.toml) or {OTHER_LANGUAGES}.toml"
            )
        terms, own = (base_terms, base_own) if locale == BASE_LOCALE else _locale_file(path, base_terms)
        terms = {**base_terms, **terms}
        variants[locale] = _content(base, locale, _locale_prompts(locale, base.prompts, terms, own), terms)
    us = variants[BASE_LOCALE]
    return replace(us, locales=MappingProxyType(variants))


def load(directory: Path | str) -> Content:
    """Read and check a content folder; ContentError names the file and field at fault.
    The Content returned is en-US's; `for_locale()` gives any locale's."""
    directory = Path(directory)
    exercises, numbers, spoken_ids = _exercises(_read(directory / EXERCISES_FILE))
    routines, moves, spoken_routines = _routines(_read(directory / ROUTINES_FILE), exercises)
    prompt_files = sorted(p for p in directory.glob("*.toml") if p.name not in STRUCTURED_FILES)
    prompts = _prompts(prompt_files)
    base = Content(
        routines=routines,
        moves=MappingProxyType(moves),
        exercises=exercises,
        number_words=numbers,
        prompts=MappingProxyType(prompts),
        spoken_ids=MappingProxyType(spoken_ids),
        spoken_routines=MappingProxyType(spoken_routines),
        prompt_fields=MappingProxyType({key: frozenset(fields_of(t)) for key, t in prompts.items()}),
    )
    return _localized(directory, base)
