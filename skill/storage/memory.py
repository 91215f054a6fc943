"""In-memory storage for fast tests and throwaway runs (one process; lost on exit)."""

from __future__ import annotations

import threading
import time
from typing import Any, Callable

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_model import RequestEnvelope

from skill.storage.base import SECONDS_PER_DAY, decode_document, encode_document, user_key


class MemoryAdapter(AbstractPersistenceAdapter):
    """A dict behind a lock. Documents are stored as JSON text, which both deep-copies
    them (callers cannot change stored state by reference) and makes this fake reject
    and reshape exactly what the real backends do (tuples come back as lists)."""

    def __init__(self, *, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._documents: dict[str, tuple[str, float]] = {}

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        key = user_key(request_envelope)
        with self._lock:
            stored = self._documents.get(key)
        return {} if stored is None else decode_document(stored[0])

    def save_attributes(self, request_envelope: RequestEnvelope, attributes: dict[str, Any]) -> None:
        key = user_key(request_envelope)
        text = encode_document(attributes)
        with self._lock:
            self._documents[key] = (text, self._clock())

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        key = user_key(request_envelope)
        with self._lock:
            self._documents.pop(key, None)

    def purge_older_than(self, days: int, now: float | None = None) -> int:
        cutoff = (self._clock() if now is None else now) - days * SECONDS_PER_DAY
        with self._lock:
            stale = [key for key, (_, seen) in self._documents.items() if seen < cutoff]
            for key in stale:
                del self._documents[key]
        return len(stale)

    def count_users(self) -> int:
        with self._lock:
            return len(self._documents)
