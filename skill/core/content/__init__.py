"""What the skill says, as data: the exercises, the versions of the routine, and every prompt.

    model.py    the typed values (Exercise, Dose, Movement, Cues) and Content, whose
                `say(key, **params)` is the one way to a prompt's text
    loader.py   reading the TOML files in this folder and checking them against one
                table of rules (ContentError names the file and the field)
    readers.py  the kinds of field those rules are written in
    locales/    the few words that differ by locale ({provider}, {prenatal}, {emergency});
                the Content load() returns is en-US's, `for_locale(request.locale)` any other

Nothing is read at import. `load(directory=None)` reads a folder (this package's own by
default); `default()` is that, read once and cached, for the CLI and tests.

"""

from __future__ import annotations

import functools
from pathlib import Path

from skill.core.content.loader import load as _load
from skill.core.content.model import BASE_LOCALE, Content, Dose, Exercise, pick_locale
from skill.core.content.readers import ContentError

DIRECTORY = Path(__file__).resolve().parent

# What callers take from the package; the rest of model.py is imported from there.
__all__ = [
    "BASE_LOCALE",
    "DIRECTORY",
    "Content",
    "ContentError",
    "Dose",
    "Exercise",
    "default",
    "load",
    "pick_locale",
]


def load(directory: Path | str | None = None) -> Content:
    """Read and check a content folder (this package's own when `directory` is None)."""
    return _load(DIRECTORY if directory is None else directory)


@functools.cache
def default() -> Content:
    """The package's own content, read and checked once per process."""
    return load()
