"""Paged DynamoDB scans for the operator commands (purge, count), outside the adapter."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def scan_keys(table: Any, key_name: str, condition: Any) -> Iterator[str]:
    """The partition keys of items matching `condition`, page by page."""
    kwargs: dict[str, Any] = {
        "FilterExpression": condition,
        "ProjectionExpression": "#k",
        "ExpressionAttributeNames": {"#k": key_name},
    }
    while True:
        page = table.scan(**kwargs)
        for item in page.get("Items", []):
            yield item[key_name]
        if "LastEvaluatedKey" not in page:
            return
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def count_items(table: Any) -> int:
    """All items in the table (a full scan: operators only, never on a request's path)."""
    total = 0
    kwargs: dict[str, Any] = {"Select": "COUNT"}
    while True:
        page = table.scan(**kwargs)
        total += page["Count"]
        if "LastEvaluatedKey" not in page:
            return total
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
