"""What every storage backend shares: the error type, user-id checks and the document codec."""

from __future__ import annotations

import json
from abc import abstractmethod
from datetime import UTC, datetime
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException

# The official keygen reads context.system.user.user_id and raises PersistenceException
# when it is missing; this module (unlike ask_sdk_dynamodb.adapter) imports no boto3.
from ask_sdk_dynamodb.partition_keygen import user_id_partition_keygen
from ask_sdk_model import RequestEnvelope

SECONDS_PER_DAY = 86400.0
# Alexa user ids are "amzn1.ask.account." + about 200 characters; 512 leaves room for
# format changes while refusing ids meant to bloat the table (a 50,000-character id).
MAX_USER_ID_LENGTH = 512


class StorageError(PersistenceException):
    """Storage failed (after retries), or was asked to store something it must not.

    Every backend failure comes out as this type: sqlite3 errors, botocore errors
    (ClientError, EndpointConnectionError, ...), the official adapter's
    PersistenceException, and refused user ids or documents. Callers catch exactly this.
    A subclass of the SDK's PersistenceException, so code written for the official
    adapters handles ours too.
    """


class StorageAdapter(AbstractPersistenceAdapter):
    """An ask-sdk persistence adapter that operators can also purge and count."""

    @abstractmethod
    def purge_older_than(self, days: int, now: float | None = None) -> int:
        """Delete users not saved for `days` days (`now`: Unix time); how many went."""

    @abstractmethod
    def count_users(self) -> int:
        """How many users have a stored row."""


def check_user_id(user_id: object) -> str:
    """`user_id` if it is a str of 1..512 printable ASCII characters; else StorageError.

    Checked before any key is derived, so nothing else can ever become a row.
    """
    if not isinstance(user_id, str):
        raise StorageError(f"user id must be a string, got {type(user_id).__name__}")
    if not 1 <= len(user_id) <= MAX_USER_ID_LENGTH:
        raise StorageError(f"user id must be 1..{MAX_USER_ID_LENGTH} characters, got {len(user_id)}")
    if not (user_id.isascii() and user_id.isprintable()):
        # Never echo the id itself: it identifies her (and may be hostile text).
        raise StorageError("user id must be printable ASCII")
    return user_id


def user_id_of(request_envelope: RequestEnvelope) -> str:
    """The request's Alexa user id, validated (StorageError if missing or unacceptable)."""
    try:
        user_id = user_id_partition_keygen(request_envelope)
    except PersistenceException as exc:  # no context.system.user in the envelope
        raise StorageError(str(exc)) from exc
    return check_user_id(user_id)


def keep_since(now: float, retention_days: int) -> datetime:
    """The retention cutoff for a save at Unix time `now`: older stored entries are not merged."""
    return datetime.fromtimestamp(now - retention_days * SECONDS_PER_DAY, UTC)


def encode_document(attributes: dict[str, Any]) -> str:
    """Attributes -> JSON text; a StorageError for anything JSON cannot hold."""
    if not isinstance(attributes, dict):
        raise StorageError(f"attributes must be a dict, got {type(attributes).__name__}")
    try:
        # allow_nan=False: NaN is not JSON, and DynamoDB rejects it too; fail the same way.
        return json.dumps(attributes, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError, RecursionError) as exc:
        raise StorageError(f"attributes are not JSON-serialisable: {exc}") from exc


def decode_document(text: str | bytes) -> dict[str, Any]:
    """JSON text -> attributes; ValueError if it is not a JSON object."""
    value = json.loads(text)
    if not isinstance(value, dict):
        raise ValueError(f"stored document is a {type(value).__name__}, not an object")
    return value
