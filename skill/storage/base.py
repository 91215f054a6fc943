"""What every storage backend shares: the error type, the key and the document codec."""

from __future__ import annotations

import json
from typing import Any

from ask_sdk_core.exceptions import PersistenceException

# Reuse the official user-id keygen so a switch between SQLite and DynamoDB keeps the same
# keys. This module (unlike ask_sdk_dynamodb.adapter) imports no boto3.
from ask_sdk_dynamodb.partition_keygen import user_id_partition_keygen
from ask_sdk_model import RequestEnvelope

SECONDS_PER_DAY = 86400.0


class StorageError(PersistenceException):
    """Storage failed after retries. The skill logs it and carries on without saving.

    A subclass of the SDK's PersistenceException so code that already handles the
    official adapters' errors handles ours too.
    """


def user_key(request_envelope: RequestEnvelope) -> str:
    """The partition key: the Alexa user id of the request."""
    try:
        key = user_id_partition_keygen(request_envelope)
    except PersistenceException as exc:
        raise StorageError(str(exc)) from exc
    if not key:
        # An empty key would silently merge every such request into one shared document.
        raise StorageError("request envelope carries no user id")
    return key


def encode_document(attributes: dict[str, Any]) -> str:
    """Attributes -> JSON text; a StorageError for anything JSON cannot hold."""
    if not isinstance(attributes, dict):
        raise StorageError(f"attributes must be a dict, got {type(attributes).__name__}")
    try:
        # allow_nan=False: NaN is not JSON, and DynamoDB rejects it too; fail the same way.
        return json.dumps(attributes, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError) as exc:
        raise StorageError(f"attributes are not JSON-serialisable: {exc}") from exc


def decode_document(text: str | bytes) -> dict[str, Any]:
    """JSON text -> attributes; ValueError if it is not a JSON object."""
    value = json.loads(text)
    if not isinstance(value, dict):
        raise ValueError(f"stored document is a {type(value).__name__}, not an object")
    return value
