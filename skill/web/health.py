"""Is storage writable? A write and a read of one reserved row, cached for a few seconds.

The row belongs to a user id no request can carry (skill.alexa.guard refuses "~" in user
ids), goes through the same adapter API as a turn (so it proves the key derivation, the
encoding and the backend), and holds an empty profile, so it is as loadable as any other
row. Every worker probes on its own, at most once per TTL.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from ask_sdk_model import Context, RequestEnvelope, User
from ask_sdk_model.interfaces.system import SystemState

from skill.core import profile as prof
from skill.storage import StorageError

PROBE_USER_ID = "amzn1.ask.account.~healthz"
PROBE_TTL_S = 5.0


class StorageProbe:
    def __init__(
        self,
        persistence: object,
        on_error: Callable[[], None] = lambda: None,
        ttl_s: float = PROBE_TTL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._persistence = persistence
        self._on_error = on_error
        self._ttl, self._clock = ttl_s, clock
        self._lock = threading.Lock()
        self._checked_at: float | None = None
        self._writable = False
        self._envelope = RequestEnvelope(
            context=Context(system=SystemState(user=User(user_id=PROBE_USER_ID)))
        )

    def writable(self) -> bool:
        with self._lock:
            now = self._clock()
            if self._checked_at is None or now - self._checked_at >= self._ttl:
                self._writable = self._probe()
                self._checked_at = now
            return self._writable

    def _probe(self) -> bool:
        stamp = datetime.now(UTC).replace(microsecond=0)
        document = prof.to_document(prof.Profile(last_seen=stamp))
        try:
            self._persistence.save_attributes(self._envelope, document)  # type: ignore[attr-defined]
            back = self._persistence.get_attributes(self._envelope)  # type: ignore[attr-defined]
        except StorageError:
            self._on_error()
            return False
        return isinstance(back, dict) and back.get("last_seen") == document["last_seen"]
