"""Persistent attributes (progress, settings, completed dates) between Alexa sessions.

Every backend is an ask-sdk AbstractPersistenceAdapter keyed by the Alexa user id, and
also offers `purge_older_than(days, now=None) -> int` and `count_users() -> int` for
operators. Failures surface as StorageError.
"""

from __future__ import annotations

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter

from skill.config import Config
from skill.storage.base import StorageError, user_key
from skill.storage.memory import MemoryAdapter
from skill.storage.sqlite import SQLiteAdapter

__all__ = ["MemoryAdapter", "SQLiteAdapter", "StorageError", "build_persistence", "user_key"]


def build_persistence(config: Config) -> AbstractPersistenceAdapter:
    """The backend named by config.storage_backend."""
    if config.storage_backend == "sqlite":
        return SQLiteAdapter(config.sqlite_path)
    if config.storage_backend == "memory":
        return MemoryAdapter()
    if config.storage_backend == "dynamodb":
        # Imported here so the default install never loads boto3 or needs AWS settings.
        from skill.storage.dynamodb import build_dynamodb_adapter

        return build_dynamodb_adapter(config)
    raise ValueError(f"unknown storage backend {config.storage_backend!r}")
