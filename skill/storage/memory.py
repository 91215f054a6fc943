"""In-memory storage for fast tests and throwaway runs (one process; lost on exit)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from ask_sdk_model import RequestEnvelope

from skill.config import DEFAULT_RETENTION_DAYS
from skill.storage.base import (
    SECONDS_PER_DAY,
    StorageAdapter,
    decode_document,
    encode_document,
    keep_since,
    user_id_of,
)
from skill.storage.merge import merge_documents
from skill.storage.privacy import storage_key


class MemoryAdapter(StorageAdapter):
    """A dict behind a lock. Documents are stored as JSON text, which both deep-copies
    them (callers cannot change stored state by reference) and makes this fake reject
    and reshape exactly what the real backends do (tuples come back as lists). Keys,
    id checks and the merge on save are the real backends' too."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.time,
        key_salt: str | bytes = "",
        retention_days: int = DEFAULT_RETENTION_DAYS,
    ) -> None:
        self.retention_days = retention_days
        self._clock = clock
        self._key_salt = key_salt
        self._lock = threading.Lock()
        self._documents: dict[str, tuple[str, float]] = {}

    def key_for(self, user_id: str) -> str:
        return storage_key(user_id, self._key_salt)

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        key = self.key_for(user_id_of(request_envelope))
        with self._lock:
            stored = self._documents.get(key)
        return {} if stored is None else decode_document(stored[0])

    def save_attributes(self, request_envelope: RequestEnvelope, attributes: dict[str, Any]) -> None:
        key = self.key_for(user_id_of(request_envelope))
        encode_document(attributes)  # the same StorageError as the real backends, before any change
        now = self._clock()
        cutoff = keep_since(now, self.retention_days)
        with self._lock:
            stored = self._documents.get(key)
            merged = merge_documents(
                None if stored is None else decode_document(stored[0]), attributes, keep_since=cutoff
            )
            self._documents[key] = (encode_document(merged), now)

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        key = self.key_for(user_id_of(request_envelope))
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
