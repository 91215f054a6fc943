"""Structured logs: one JSON object per line, with the id of the request being served.

The id is ours (random, per POST), set by the edge and returned as X-Request-Id, so an
operator can match a reply to its log lines. Nothing from a request body is added here:
messages are the code's own, request-supplied values in them are passed through
skill.alexa.logsafe.clean, and users appear only as keyed pseudonyms (storage.privacy).
A traceback is logged as its exception type and frames (file, line, function), never the
exception's message, which may quote what she said.
"""

from __future__ import annotations

import contextvars
import json
import logging
import secrets
import traceback
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

__all__ = ["JsonFormatter", "new_request_id", "request_id", "with_request_id"]

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
FRAMES_KEPT = 8


def new_request_id() -> str:
    rid = secrets.token_hex(8)  # 16 hex characters, a quarter of uuid4()'s cost
    _request_id.set(rid)
    return rid


def request_id() -> str:
    return _request_id.get()


def with_request_id(wsgi_app: WSGIApp) -> WSGIApp:
    """WSGI middleware: a new request id for every request, in each log line it causes and
    in its reply's X-Request-Id header. Plain WSGI rather than Flask's before/after hooks,
    which cost five times as much on every request (the g proxy, a Headers object)."""

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        rid = new_request_id()

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            headers.append(("X-Request-Id", rid))
            return start_response(status, headers, exc_info)

        return wsgi_app(environ, start)

    return app


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": _request_id.get(),
            "msg": record.getMessage(),
        }
        if record.exc_info and record.exc_info[0] is not None:
            kind, _, tb = record.exc_info
            entry["exc_type"] = kind.__name__
            entry["exc_frames"] = [
                f"{frame.filename.rsplit('/', 2)[-1]}:{frame.lineno}:{frame.name}"
                for frame in traceback.extract_tb(tb)[-FRAMES_KEPT:]
            ]
        return json.dumps(entry, ensure_ascii=True)
