"""Make a request-supplied value safe to put in a log line.

Anything that came in a request (an intent name, a request type, a SessionEnded error
message) is attacker-controlled once it reaches us: it may hold newlines that forge log
lines, terminal escapes, or 50 KB. clean() escapes it JSON-style (so one value stays on one
line and can be read back unambiguously) and cuts it to `limit` characters. It never logs a
body: pass only the allow-listed fields. User ids, device ids, tokens and what she said are
never logged at all, cleaned or not.
"""

from __future__ import annotations

import json

__all__ = ["clean"]

DEFAULT_LIMIT = 64
_CUT = "..."


def _escape(char: str) -> str:
    return json.dumps(char, ensure_ascii=True)[1:-1]


def clean(value: object, limit: int = DEFAULT_LIMIT) -> str:
    """A one-line, ASCII, escaped form of `value`, at most `limit` characters plus a cut mark.

    Strings are escaped (newline -> \\n, non-ASCII -> \\uXXXX, backslash and quote doubled)
    and cut; None, booleans, small numbers are shown as themselves; anything else only by
    its type, so a nested structure can never be expanded into the log.
    """
    if value is None or isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value) if value.bit_length() <= 64 else "<int>"
    if isinstance(value, float):
        return repr(value)
    if not isinstance(value, str):
        return f"<{type(value).__name__}>"
    if (
        len(value) <= limit
        and value.isascii()
        and value.isprintable()
        and "\\" not in value
        and '"' not in value
    ):
        return value
    out: list[str] = []
    used = 0
    for char in value:
        piece = char if char.isascii() and char.isprintable() and char not in '\\"' else _escape(char)
        if used + len(piece) > limit:
            return "".join(out) + _CUT
        out.append(piece)
        used += len(piece)
    return "".join(out)
