"""Persistent attributes (progress, settings, completed dates) between Alexa sessions.

Every backend is an ask-sdk AbstractPersistenceAdapter keyed by a pseudonym of the Alexa
user id (privacy.storage_key), and also offers `purge_older_than(days, now=None) -> int`
and `count_users() -> int` for operators. A save merges the "completed" list with what is
stored (merge.py). Every failure, including a refused user id, surfaces as StorageError:
the one exception type callers catch.
"""

from __future__ import annotations

from skill.config import Config
from skill.storage import privacy
from skill.storage.base import StorageAdapter, StorageError, check_user_id, user_id_of
from skill.storage.memory import MemoryAdapter
from skill.storage.sqlite import SQLiteAdapter

__all__ = [
    "MemoryAdapter",
    "SQLiteAdapter",
    "StorageAdapter",
    "StorageError",
    "build_persistence",
    "check_user_id",
    "user_id_of",
]


def build_persistence(config: Config) -> StorageAdapter:
    """The backend named by config.storage_backend, with the config's privacy settings.

    Also hands config.log_hash_salt to privacy.user_ref: this is where the app's storage
    settings are applied, and refs must use the salt before the first request is logged.
    """
    privacy.configure(config.log_hash_salt)
    salt, days = config.storage_key_salt, config.retention_days
    if config.storage_backend == "sqlite":
        return SQLiteAdapter(config.sqlite_path, key_salt=salt, retention_days=days)
    if config.storage_backend == "memory":
        return MemoryAdapter(key_salt=salt, retention_days=days)
    if config.storage_backend == "dynamodb":
        # Imported here so the default install never loads boto3 or needs AWS settings.
        from skill.storage.dynamodb import build_dynamodb_adapter

        return build_dynamodb_adapter(config)
    raise ValueError(f"unknown storage backend {config.storage_backend!r}")
