"""Builds the DynamoDB backend, importing AWS code only when it is chosen."""

from __future__ import annotations

import importlib
import os
import threading
from types import ModuleType
from typing import Callable

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter

from skill.config import Config, ConfigError

_import_lock = threading.Lock()


def _import_adapter_module(region: str) -> ModuleType:
    """Import skill.storage.dynamodb_adapter (and so ask_sdk_dynamodb.adapter).

    The official module evaluates `boto3.resource("dynamodb")` as a default argument at
    import time, which raises NoRegionError unless boto3 finds a region in the
    environment. Our region may come from a Config mapping instead, so provide it as
    AWS_DEFAULT_REGION for the duration of the import only. That default resource is
    never used: we pass our own.
    """
    from botocore.exceptions import NoRegionError

    with _import_lock:
        try:
            return importlib.import_module("skill.storage.dynamodb_adapter")
        except NoRegionError:
            pass
        previous = os.environ.get("AWS_DEFAULT_REGION")
        os.environ["AWS_DEFAULT_REGION"] = region
        try:
            return importlib.import_module("skill.storage.dynamodb_adapter")
        finally:
            if previous is None:
                del os.environ["AWS_DEFAULT_REGION"]
            else:
                os.environ["AWS_DEFAULT_REGION"] = previous


def build_dynamodb_adapter(config: Config, *, clock: Callable[[], float] | None = None) -> AbstractPersistenceAdapter:
    """The official DynamoDbAdapter (via our JsonDynamoDbAdapter) for `config`."""
    if not config.dynamodb_region:
        raise ConfigError("STORAGE_BACKEND=dynamodb needs AWS_REGION (or AWS_DEFAULT_REGION)")
    import boto3

    module = _import_adapter_module(config.dynamodb_region)
    resource = boto3.resource(
        "dynamodb", region_name=config.dynamodb_region, endpoint_url=config.dynamodb_endpoint_url
    )
    extra = {} if clock is None else {"clock": clock}
    return module.JsonDynamoDbAdapter(
        table_name=config.dynamodb_table,
        create_table=config.dynamodb_create_table,
        dynamodb_resource=resource,
        **extra,
    )
