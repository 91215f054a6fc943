"""Builds the DynamoDB backend, importing AWS code only when it is chosen."""

from __future__ import annotations

import importlib
import os
import threading
import time
from collections.abc import Callable
from types import ModuleType

from skill.config import Config, ConfigError
from skill.storage.base import StorageAdapter

_import_lock = threading.Lock()
# botocore's defaults (60 s connect and read timeouts, retries on top) could hold a request
# far past Alexa's ~8 s answer deadline. These bound one save (read + conditional write,
# each with at most one retry) to a few seconds even when DynamoDB does not answer.
CONNECT_TIMEOUT_S = 1.0
READ_TIMEOUT_S = 3.0
MAX_ATTEMPTS = 2  # botocore's count includes the first try


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


def build_dynamodb_adapter(
    config: Config,
    *,
    clock: Callable[[], float] | None = None,
    read_timeout: float = READ_TIMEOUT_S,
) -> StorageAdapter:
    """The official DynamoDbAdapter (via our JsonDynamoDbAdapter) for `config`."""
    if not config.dynamodb_region:
        raise ConfigError("STORAGE_BACKEND=dynamodb needs AWS_REGION (or AWS_DEFAULT_REGION)")
    import boto3
    from botocore.config import Config as BotoConfig

    module = _import_adapter_module(config.dynamodb_region)
    limits = BotoConfig(
        connect_timeout=CONNECT_TIMEOUT_S,
        read_timeout=read_timeout,
        retries={"max_attempts": MAX_ATTEMPTS, "mode": "standard"},
    )
    resource = boto3.resource(
        "dynamodb",
        region_name=config.dynamodb_region,
        endpoint_url=config.dynamodb_endpoint_url,
        config=limits,
    )
    adapter: StorageAdapter = module.JsonDynamoDbAdapter(
        table_name=config.dynamodb_table,
        create_table=config.dynamodb_create_table,
        dynamodb_resource=resource,
        clock=time.time if clock is None else clock,
        key_salt=config.storage_key_salt,
        retention_days=config.retention_days,
    )
    return adapter
