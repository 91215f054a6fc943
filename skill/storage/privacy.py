"""Pseudonymous references to users, for logs.

Alexa user ids are stable identifiers of a person's account with this skill; logs are
kept longer and read by more people than the database, so they only ever carry a short
hash. LOG_HASH_SALT (optional) makes the refs unguessable from a known id; keep it
constant, or refs stop matching across restarts.
"""

from __future__ import annotations

import hashlib
import os

REF_LENGTH = 12  # 48 bits: collisions are negligible at this skill's scale, short enough to grep
NO_USER = "no-user"


def user_ref(user_id: str | None) -> str:
    """A short stable hash of `user_id` for log lines; never the id itself."""
    if not user_id:
        return NO_USER
    salt = os.environ.get("LOG_HASH_SALT", "")
    digest = hashlib.sha256(f"{salt}\x00{user_id}".encode("utf-8")).hexdigest()
    return digest[:REF_LENGTH]
