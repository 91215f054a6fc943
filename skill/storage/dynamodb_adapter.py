"""The official ask-sdk DynamoDbAdapter, made to behave like our other backends.

Importing this module imports ask_sdk_dynamodb.adapter, which needs an AWS region at
import time; only skill.storage.dynamodb.build_dynamodb_adapter imports it, lazily.

Kept from the official adapter: the table layout (`id` partition key, `attributes` map),
table creation, and its delete. What the subclass changes, and why:
- keys: privacy.storage_key (an HMAC of the user id), given to the official adapter as
  its partition_keygen; an item still under its release-1 key (the raw id) is moved under
  the new key the first time she is read or saved.
- save merges instead of overwriting (merge.py: two overlapping turns keep both completed
  dates). Each item carries `doc_version`; a save reads the item, merges, and writes with
  a ConditionExpression on the version it read. If another save won in between, it reads
  again and merges again, a few times at most.
- numbers: boto3 rejects Python floats and returns every number as Decimal; handlers
  expect plain JSON types back (the same as from SQLite), so we convert both ways.
- save also writes a top-level `updated_at` (Unix seconds), and `expires_at` (Unix seconds,
  retention_days after this save: RETENTION_DAYS, 90 days unless set), the table's native
  TTL attribute: DynamoDB deletes her item itself once she has been away that long, with no
  scan and no cron job. When we create the table (DYNAMODB_CREATE_TABLE=on) we also turn TTL
  on for that attribute (UpdateTimeToLive). DynamoDB deletes expired items only eventually
  ("typically within a few days"), and until then they still come back from reads, so an
  expired item is read as absent. https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/TTL.html
  purge_older_than (a scan on `updated_at`) stays for items written before TTL existed.
- every failure (ClientError, BotoCoreError such as EndpointConnectionError, the official
  adapter's PersistenceException) comes out as StorageError, like the other backends.

Longer than the ~250 lines we aim for because it is one subclass: get, save and delete each
touch the key migration, the versioned merge and the expiry of the same item through shared
helpers (_get_item, _legacy_item, _expired), so a split would only spread one class's
private state over two files; the paged scans already live in dynamodb_ops.py.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_dynamodb.adapter import DynamoDbAdapter
from ask_sdk_model import RequestEnvelope
from boto3.dynamodb.conditions import Attr
from boto3.exceptions import Boto3Error
from botocore.exceptions import BotoCoreError, ClientError

from skill.config import DEFAULT_RETENTION_DAYS
from skill.storage.base import (
    SECONDS_PER_DAY,
    StorageAdapter,
    StorageError,
    encode_document,
    keep_since,
    user_id_of,
)
from skill.storage.dynamodb_ops import count_items, scan_keys
from skill.storage.merge import merge_documents
from skill.storage.privacy import legacy_keys, storage_key

UPDATED_AT = "updated_at"
# The table's TTL attribute: a Number of Unix epoch seconds, as DynamoDB's TTL requires.
EXPIRES_AT = "expires_at"
# Table creation takes seconds; TTL can only be turned on once the table is ACTIVE.
TABLE_WAIT = {"Delay": 1, "MaxAttempts": 60}
VERSION = "doc_version"
MAX_WRITE_ATTEMPTS = 8  # conflicting saves of one user are rare; 8 covers a burst of retries
CONFLICT = "ConditionalCheckFailedException"


def _to_dynamo(attributes: dict[str, Any]) -> dict[str, Any]:
    # Through JSON text, so floats become Decimals via their shortest exact repr and
    # anything JSON cannot hold is rejected the same way as on SQLite.
    return json.loads(encode_document(attributes), parse_float=Decimal)


def _from_dynamo(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _from_dynamo(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_dynamo(v) for v in value]
    return value


def _is_conflict(exc: ClientError) -> bool:
    return exc.response.get("Error", {}).get("Code") == CONFLICT


@contextmanager
def _storage_errors(what: str) -> Iterator[None]:
    try:
        yield
    except StorageError:
        raise
    except (PersistenceException, BotoCoreError, ClientError, Boto3Error) as exc:
        raise StorageError(f"DynamoDB {what} failed: {type(exc).__name__}: {exc}") from exc


class JsonDynamoDbAdapter(DynamoDbAdapter, StorageAdapter):
    # The purge command reads this: DynamoDB expires idle users itself through this attribute.
    expiry_attribute = EXPIRES_AT

    def __init__(
        self,
        *args: Any,
        clock: Callable[[], float] = time.time,
        key_salt: str | bytes = "",
        retention_days: int = DEFAULT_RETENTION_DAYS,
        sleep: Callable[[float], None] = time.sleep,
        **kwargs: Any,
    ) -> None:
        self._clock, self._sleep, self._key_salt = clock, sleep, key_salt
        self.retention_days = retention_days
        kwargs["partition_keygen"] = lambda envelope: self.key_for(user_id_of(envelope))
        with _storage_errors("create table"):
            super().__init__(*args, **kwargs)
            if self.create_table:
                self._turn_on_ttl()

    def key_for(self, user_id: str) -> str:
        return storage_key(user_id, self._key_salt)

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        user_id = user_id_of(request_envelope)
        key = self.key_for(user_id)
        with _storage_errors("get"):
            item = self._get_item(key)
            if item is not None and self._expired(item):
                return {}  # past its TTL: DynamoDB has not got round to deleting it yet
            if item is None:
                item = self._adopt_legacy_item(user_id, key)
        document = None if item is None else _from_dynamo(item.get(self.attribute_name))
        return document if isinstance(document, dict) else {}

    def save_attributes(self, request_envelope: RequestEnvelope, attributes: dict[str, Any]) -> None:
        user_id = user_id_of(request_envelope)
        key = self.key_for(user_id)
        _to_dynamo(attributes)  # refuse what JSON cannot hold before any request
        table = self.dynamodb.Table(self.table_name)
        with _storage_errors("save"):
            for attempt in range(MAX_WRITE_ATTEMPTS):
                current, moved_from = self._get_item(key), None
                if current is None:
                    current, moved_from = self._legacy_item(user_id)
                # An expired item (not yet deleted by DynamoDB) is merged as nothing, but still
                # holds the version the conditional write must expect.
                live = current if current is not None and not self._expired(current) else None
                stored = None if live is None else _from_dynamo(live.get(self.attribute_name))
                merged = merge_documents(
                    stored if isinstance(stored, dict) else None,
                    attributes,
                    keep_since=keep_since(self._clock(), self.retention_days),
                )
                expected = None if moved_from is not None else current
                item = {
                    self.partition_key_name: key,
                    self.attribute_name: _to_dynamo(merged),
                    UPDATED_AT: int(self._clock()),
                    EXPIRES_AT: self._expiry(),
                    VERSION: int((expected or {}).get(VERSION, 0)) + 1,
                }
                try:
                    table.put_item(Item=item, ConditionExpression=self._unchanged_since(expected))
                except ClientError as exc:
                    if not _is_conflict(exc):
                        raise
                    # Another save of hers landed between our read and write: merge again.
                    self._sleep(random.uniform(0.005, 0.02) * (attempt + 1))
                    continue
                if moved_from is not None:
                    table.delete_item(Key={self.partition_key_name: moved_from})
                return
        raise StorageError(f"DynamoDB save gave up after {MAX_WRITE_ATTEMPTS} conflicting writes")

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        user_id = user_id_of(request_envelope)
        table = self.dynamodb.Table(self.table_name)
        with _storage_errors("delete"):
            super().delete_attributes(request_envelope)  # the official delete, under our key
            for old in legacy_keys(user_id):
                table.delete_item(Key={self.partition_key_name: old})

    def purge_older_than(self, days: int, now: float | None = None) -> int:
        """Delete items whose updated_at is older than `days` days (items without one,
        e.g. written by the plain official adapter, are left alone: age unknown)."""
        cutoff = Decimal(int((self._clock() if now is None else now) - days * SECONDS_PER_DAY))
        table = self.dynamodb.Table(self.table_name)
        removed = 0
        with _storage_errors("purge"):
            for key in scan_keys(table, self.partition_key_name, Attr(UPDATED_AT).lt(cutoff)):
                try:
                    # Conditional: she may have come back between the scan and now.
                    table.delete_item(
                        Key={self.partition_key_name: key}, ConditionExpression=Attr(UPDATED_AT).lt(cutoff)
                    )
                except ClientError as exc:
                    if not _is_conflict(exc):
                        raise
                else:
                    removed += 1
        return removed

    def count_users(self) -> int:
        with _storage_errors("count"):
            return count_items(self.dynamodb.Table(self.table_name))

    def ttl_status(self) -> tuple[str, str | None]:
        """(TimeToLiveStatus, AttributeName) of the table, e.g. ("ENABLED", "expires_at")."""
        with _storage_errors("describe TTL"):
            found = self.dynamodb.meta.client.describe_time_to_live(TableName=self.table_name)
        described = found.get("TimeToLiveDescription", {})
        return str(described.get("TimeToLiveStatus", "DISABLED")), described.get("AttributeName")

    # -- internals --------------------------------------------------------------------

    def _expiry(self) -> int:
        return int(self._clock() + self.retention_days * SECONDS_PER_DAY)

    def _expired(self, item: dict[str, Any]) -> bool:
        expires = item.get(EXPIRES_AT)
        return isinstance(expires, (int, Decimal)) and expires <= self._clock()

    def _turn_on_ttl(self) -> None:
        """TTL on `expires_at` for a table we were asked to create (idempotent)."""
        status, attribute = self.ttl_status()
        if status in ("ENABLED", "ENABLING"):
            if attribute != EXPIRES_AT:
                raise StorageError(
                    f"table {self.table_name} has TTL on {attribute!r}, not {EXPIRES_AT!r}: "
                    "idle users would never expire"
                )
            return
        client = self.dynamodb.meta.client
        client.get_waiter("table_exists").wait(TableName=self.table_name, WaiterConfig=TABLE_WAIT)
        client.update_time_to_live(
            TableName=self.table_name,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": EXPIRES_AT},
        )

    def _get_item(self, key: str) -> dict[str, Any] | None:
        table = self.dynamodb.Table(self.table_name)
        # Consistent: a save must merge with the latest write, not a replica's older copy.
        found = table.get_item(Key={self.partition_key_name: key}, ConsistentRead=True)
        item: dict[str, Any] | None = found.get("Item")
        return item

    def _legacy_item(self, user_id: str) -> tuple[dict[str, Any] | None, str | None]:
        for old in legacy_keys(user_id):
            item = self._get_item(old)
            if item is not None:
                return item, old
        return None, None

    def _adopt_legacy_item(self, user_id: str, key: str) -> dict[str, Any] | None:
        """Move her release-1 item (if any) under `key`, keeping its age; the item read."""
        item, old = self._legacy_item(user_id)
        if item is None:
            return None
        table = self.dynamodb.Table(self.table_name)
        moved = {**item, self.partition_key_name: key, VERSION: 1}
        try:
            table.put_item(Item=moved, ConditionExpression=Attr(self.partition_key_name).not_exists())
        except ClientError as exc:
            if not _is_conflict(exc):
                raise
            return self._get_item(key)  # a concurrent turn moved it (or saved) first
        table.delete_item(Key={self.partition_key_name: old})
        return moved

    def _unchanged_since(self, current: dict[str, Any] | None) -> Any:
        """The condition that the item is still as read (absent, unversioned, or at a version)."""
        if current is None:
            return Attr(self.partition_key_name).not_exists()
        if VERSION not in current:  # written by release 1 or the plain official adapter
            return Attr(self.partition_key_name).exists() & Attr(VERSION).not_exists()
        return Attr(VERSION).eq(current[VERSION])
