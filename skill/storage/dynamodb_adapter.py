"""The official ask-sdk DynamoDbAdapter, made to behave like our other backends.

Importing this module imports ask_sdk_dynamodb.adapter, which needs an AWS region at
import time; only skill.storage.dynamodb.build_dynamodb_adapter imports it, lazily.

What the subclass changes, and why:
- numbers: boto3 rejects Python floats and returns every number as Decimal; handlers
  expect plain JSON types back (the same as from SQLite), so we convert both ways.
- save also writes a top-level `updated_at` (Unix seconds) next to the official
  `id` / `attributes` columns, so operators can purge idle users (a scan on it).
- errors come out as StorageError, like the other backends.
"""

from __future__ import annotations

import json
import time
from contextlib import contextmanager
from decimal import Decimal
from typing import Any, Callable, Iterator

from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_dynamodb.adapter import DynamoDbAdapter
from ask_sdk_model import RequestEnvelope
from boto3.dynamodb.conditions import Attr
from botocore.exceptions import BotoCoreError, ClientError

from skill.storage.base import SECONDS_PER_DAY, StorageError, encode_document, user_key

UPDATED_AT = "updated_at"


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


@contextmanager
def _storage_errors(what: str) -> Iterator[None]:
    try:
        yield
    except StorageError:
        raise
    except (PersistenceException, BotoCoreError, ClientError) as exc:
        raise StorageError(f"DynamoDB {what} failed: {exc}") from exc


class JsonDynamoDbAdapter(DynamoDbAdapter):
    def __init__(self, *args: Any, clock: Callable[[], float] = time.time, **kwargs: Any) -> None:
        self._clock = clock
        with _storage_errors("create table"):
            super().__init__(*args, **kwargs)

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        user_key(request_envelope)  # same StorageError as other backends for a missing id
        with _storage_errors("get"):
            return _from_dynamo(super().get_attributes(request_envelope))

    def save_attributes(self, request_envelope: RequestEnvelope, attributes: dict[str, Any]) -> None:
        item = {
            self.partition_key_name: user_key(request_envelope),
            self.attribute_name: _to_dynamo(attributes),
            UPDATED_AT: int(self._clock()),
        }
        with _storage_errors("save"):
            self.dynamodb.Table(self.table_name).put_item(Item=item)

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        user_key(request_envelope)
        with _storage_errors("delete"):
            super().delete_attributes(request_envelope)

    def purge_older_than(self, days: int, now: float | None = None) -> int:
        """Delete items whose updated_at is older than `days` days (items without one,
        e.g. written by the plain official adapter, are left alone: age unknown)."""
        cutoff = Decimal(int((self._clock() if now is None else now) - days * SECONDS_PER_DAY))
        table = self.dynamodb.Table(self.table_name)
        removed = 0
        with _storage_errors("purge"):
            for key in self._scan_keys(table, Attr(UPDATED_AT).lt(cutoff)):
                try:
                    # Conditional: she may have come back between the scan and now.
                    table.delete_item(Key={self.partition_key_name: key}, ConditionExpression=Attr(UPDATED_AT).lt(cutoff))
                except ClientError as exc:
                    if exc.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                        raise
                else:
                    removed += 1
        return removed

    def count_users(self) -> int:
        table = self.dynamodb.Table(self.table_name)
        total = 0
        with _storage_errors("count"):
            kwargs: dict[str, Any] = {"Select": "COUNT"}
            while True:
                page = table.scan(**kwargs)
                total += page["Count"]
                if "LastEvaluatedKey" not in page:
                    return total
                kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def _scan_keys(self, table: Any, condition: Any) -> Iterator[str]:
        kwargs: dict[str, Any] = {
            "FilterExpression": condition,
            "ProjectionExpression": "#k",
            "ExpressionAttributeNames": {"#k": self.partition_key_name},
        }
        while True:
            page = table.scan(**kwargs)
            for item in page.get("Items", []):
                yield item[self.partition_key_name]
            if "LastEvaluatedKey" not in page:
                return
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
