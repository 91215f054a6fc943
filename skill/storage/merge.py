"""How a save combines the stored document with the one being written.

Two turns of one user can overlap (two devices, or a retry racing the original): each
read the same document, each adds its own finished routine, and a plain overwrite keeps
only the second. So the lists in MERGED_LISTS are unioned with what is stored; every other
key is the writer's (last writer wins).

The lists hold ISO-8601 UTC timestamps in one fixed format ("2026-11-20T09:12:00Z"), so
string order is time order and equal instants are equal strings; the union is sorted and
de-duplicated. A stored entry older than the retention cutoff is not carried over: the
writer already dropped it on purpose, and the union must not keep it alive forever.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypeGuard

MERGED_LISTS: tuple[str, ...] = ("completed",)  # other append-only lists go here later


def _is_text_list(value: object) -> TypeGuard[list[str]]:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _at(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def merge_documents(
    stored: dict[str, Any] | None, written: dict[str, Any], *, keep_since: datetime | None = None
) -> dict[str, Any]:
    """The document to store when `written` is saved over `stored` (None: no row yet).

    `keep_since` (aware UTC): stored list entries before it, or not a timestamp at all,
    are left out. The writer's own entries are always kept: what to forget is the
    profile's decision, storage only refuses to resurrect it.
    """
    merged = dict(written)
    for name in MERGED_LISTS:
        mine = written.get(name)
        if not _is_text_list(mine):
            continue  # absent or not a list of strings: the writer's value stands as is
        theirs = (stored or {}).get(name)
        carried: list[str] = []
        if _is_text_list(theirs):
            for entry in theirs:
                when = _at(entry)
                if when is not None and (keep_since is None or when >= keep_since):
                    carried.append(entry)
        merged[name] = sorted(set(mine) | set(carried))
    return merged
