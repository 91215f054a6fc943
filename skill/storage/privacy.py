"""Pseudonyms for Alexa user ids: the storage key of a row, and the short ref in a log line.

An Alexa user id is a stable identifier of one person's account with this skill. Neither
the database nor the logs hold it in clear:

- storage key = HMAC-SHA256(STORAGE_KEY_SALT, user id), 64 hex characters. A keyed MAC,
  unlike sha256(salt || id), is the construction made for "a secret turns a name into an
  unguessable tag" (no length-extension, no ambiguity where salt ends and id begins).
  Changing the salt orphans every stored row, so it is set once and never rotated.
- log ref = the first 12 hex characters of HMAC-SHA256(LOG_HASH_SALT, "log-ref" + id).
  A different secret and a domain prefix, so a log line cannot be joined to a row even
  when both salts are left empty.

Rows written before this release are keyed by the raw user id; `legacy_keys` names them so
the adapters can find such a row once and move it under the new key.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import threading

REF_LENGTH = 12  # 48 bits: collisions are negligible at this skill's scale, short enough to grep
NO_USER = "no-user"
_REF_DOMAIN = b"log-ref\x00"

_log_salt = b""
_log_salt_lock = threading.Lock()


def _secret(salt: str | bytes) -> bytes:
    return salt.encode("utf-8") if isinstance(salt, str) else bytes(salt)


# A user's key is asked for on every turn (read, then maybe write), her session's turns come
# to the same worker often enough, and the HMAC costs about as much as the row lookup.
@functools.lru_cache(maxsize=4096)
def storage_key(user_id: str, salt: str | bytes) -> str:
    """The row key for a (validated) user id: HMAC-SHA256 keyed by the salt, in hex."""
    return hmac.new(_secret(salt), user_id.encode("utf-8"), hashlib.sha256).hexdigest()


def legacy_keys(user_id: str) -> tuple[str, ...]:
    """Keys this user's row may still have from an earlier release (the raw id)."""
    return (user_id,)


def configure(log_hash_salt: str | bytes) -> None:
    """Set the secret for `user_ref` (from Config.log_hash_salt), once at start-up."""
    global _log_salt
    with _log_salt_lock:
        _log_salt = _secret(log_hash_salt)


def user_ref(user_id: str | None) -> str:
    """A short stable pseudonym of `user_id` for log lines; never the id itself."""
    if not user_id:
        return NO_USER
    message = _REF_DOMAIN + str(user_id).encode("utf-8", "surrogatepass")
    return hmac.new(_log_salt, message, hashlib.sha256).hexdigest()[:REF_LENGTH]
