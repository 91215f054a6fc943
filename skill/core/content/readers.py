"""The readers the content rules are written in: one per kind of field (text, a list of
texts, a number, a choice, a table...), each checking a raw TOML value and naming the file
and field in its ContentError. loader.py declares the rules with them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from skill.core.content.model import fields_of


class ContentError(ValueError):
    """A content file is missing, malformed or inconsistent; the message names file and field."""


@dataclass(frozen=True)
class At:
    """Where a value sits, for messages: `where` names file and table, `path` the field."""

    where: str
    path: str = ""

    def field(self, name: str) -> At:
        return At(self.where, f"{self.path}.{name}" if self.path else name)

    def item(self, index: int) -> At:
        return At(self.where, f"{self.path}[{index}]")

    def error(self, problem: str, *, sep: str = " ") -> ContentError:
        """'<file>: <table>: <field> <problem>'; sep=": " when the problem is about the place
        as a whole ("...: unknown field x")."""
        return ContentError(f"{self}{sep}{problem}")

    def __str__(self) -> str:
        return f"{self.where}: {self.path}" if self.path else self.where


Read = Callable[[Any, At], Any]  # raw TOML value, where it is -> checked value
Schema = Mapping[str, Read]  # every field of a table is required; no others are allowed


# --- readers: one per kind of field ------------------------------------------------------


def text(placeholders: frozenset[str] = frozenset()) -> Read:
    """Non-empty text using exactly these {placeholders}."""

    def read(value: Any, at: At) -> str:
        if not isinstance(value, str) or not value.strip():
            raise at.error("must be non-empty text")
        try:
            used = fields_of(value)
        except ValueError as exc:  # unbalanced braces
            raise at.error(str(exc), sep=": ") from None
        if used != placeholders:
            want = ", ".join(sorted(placeholders)) or "none"
            raise at.error(f"uses placeholders {sorted(used)}; expected {want}")
        return value

    return read


def texts(
    placeholders: frozenset[str] = frozenset(), *, lo: int = 1, hi: int | None = None, why: str = ""
) -> Read:
    """A list of lo..hi texts, each as text(placeholders)."""
    line = text(placeholders)

    def read(value: Any, at: At) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise at.error("must be a list")
        if not value:
            raise at.error("must not be empty")
        if len(value) < lo or (hi is not None and len(value) > hi):
            raise at.error(why or f"has {lo} to {hi} lines")
        return tuple(line(v, at.item(i)) for i, v in enumerate(value))

    return read


def number(lo: float, hi: float | None = None, *, whole: bool = False, why: str = "") -> Read:
    """A number in lo..hi (a whole one if `whole`)."""

    def read(value: Any, at: At) -> int | float:
        # bool is an int in Python, but "true" is never a valid count or duration
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or (whole and isinstance(value, float))
        ):
            raise at.error("must be a whole number" if whole else "must be a number")
        if value < lo or (hi is not None and value > hi):
            raise at.error(why or f"must be at least {lo:g}")
        return value

    return read


def choice(options: Iterable[str]) -> Read:
    allowed = tuple(options)

    def read(value: Any, at: At) -> str:
        if not isinstance(value, str):
            raise at.error("must be a str")
        if value not in allowed:
            raise at.error(f"must be one of {', '.join(allowed)}")
        return value

    return read


def matching(pattern: str, description: str) -> Read:
    def read(value: Any, at: At) -> str:
        if not isinstance(value, str):
            raise at.error("must be a str")
        if not re.fullmatch(pattern, value):
            raise at.error(f"must be {description}")
        return value

    return read


def table(schema: Schema) -> Read:
    """A TOML table with exactly the schema's fields -> {field: checked value}."""

    def read(value: Any, at: At) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise at.error("must be a table")
        return read_table(value, schema, at)

    return read


def tables(schema: Schema) -> Read:
    """A non-empty array of tables ([[name]] in TOML), each as table(schema)."""
    one = table(schema)

    def read(value: Any, at: At) -> tuple[dict[str, Any], ...]:
        if not isinstance(value, list) or not value:
            raise at.error("must be a non-empty list of tables")
        return tuple(one(item, at.item(i)) for i, item in enumerate(value))

    return read


def optional(read: Read, default: Any = None) -> Read:
    """A field that may be left out (then `default`); read as `read` when present."""

    def read_optional(value: Any, at: At) -> Any:
        return read(value, at)

    read_optional.default = default  # type: ignore[attr-defined]
    return read_optional


def read_table(raw: Mapping[str, Any], schema: Schema, at: At) -> dict[str, Any]:
    unknown = sorted(set(raw) - set(schema))
    if unknown:
        raise at.error(f"unknown field {', '.join(unknown)}", sep=": ")
    out = {}
    for name, read in schema.items():
        if name not in raw:
            if hasattr(read, "default"):
                out[name] = read.default
                continue
            raise at.field(name).error("is missing")
        out[name] = read(raw[name], at.field(name))
    return out
