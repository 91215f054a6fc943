"""Who a row belongs to: HMAC-derived keys, rows still under release 1's key (the raw user
id) found and moved, and user ids that must never become a row."""

from __future__ import annotations

import hashlib
import hmac
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter

from skill.config import Config, ConfigError
from skill.storage import MemoryAdapter, SQLiteAdapter, StorageError, build_persistence
from skill.storage.privacy import storage_key
from tests import dynamo_server, test_persistence
from tests.test_persistence import DAY, T0, USER_A, USER_B, Factory, FakeClock, envelope

# Shared fixtures, bound here so pytest finds them in this module.
dynamo_endpoint = dynamo_server.dynamo_endpoint
make_dynamo = test_persistence.make_dynamo
make_storage = test_persistence.make_storage
storage = test_persistence.storage

RELEASE_1_DOC = '{"completed":["2025-06-01T08:00:00Z"],"settings":{"pace":"slower"}}'


# -- the key ---------------------------------------------------------------------------


def test_storage_key_is_hmac_sha256_keyed_by_the_salt() -> None:
    expected = hmac.new(b"pepper", USER_A.encode(), hashlib.sha256).hexdigest()
    assert storage_key(USER_A, "pepper") == storage_key(USER_A, b"pepper") == expected
    assert storage_key(USER_A, "pepper") != hashlib.sha256(b"pepper" + USER_A.encode()).hexdigest()
    assert storage_key(USER_A, "other") != expected and storage_key(USER_B, "pepper") != expected


def test_the_configured_salt_keys_the_rows(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    config = Config.from_mapping({"SQLITE_PATH": str(path), "STORAGE_KEY_SALT": " pepper "})
    build_persistence(config).save_attributes(envelope(USER_A), {"v": 1})
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT user_id FROM users").fetchall() == [(storage_key(USER_A, " pepper "),)]
    assert build_persistence(config).get_attributes(envelope(USER_A)) == {"v": 1}
    # Another salt finds nothing: the salt must never change once users are stored.
    other = Config.from_mapping({"SQLITE_PATH": str(path), "STORAGE_KEY_SALT": "salt"})
    assert build_persistence(other).get_attributes(envelope(USER_A)) == {}


def test_privacy_settings_come_from_config_and_salts_stay_out_of_repr() -> None:
    config = Config.from_mapping(
        {"STORAGE_KEY_SALT": "s3cret-key", "LOG_HASH_SALT": "s3cret-log", "RETENTION_DAYS": "30"}
    )
    assert (config.storage_key_salt, config.log_hash_salt, config.retention_days) == (
        "s3cret-key",
        "s3cret-log",
        30,
    )
    assert "s3cret" not in repr(config)
    assert Config.from_mapping({}).retention_days == 90
    for bad in ("0", "-5", "a month"):
        with pytest.raises(ConfigError, match="RETENTION_DAYS"):
            Config.from_mapping({"RETENTION_DAYS": bad})
    storage = build_persistence(Config.from_mapping({"STORAGE_BACKEND": "memory", "RETENTION_DAYS": "30"}))
    assert isinstance(storage, MemoryAdapter) and storage.retention_days == 30


# -- release 1 rows (keyed by the raw user id) -------------------------------------------


def _plant_release_1_row(storage: Any, tmp_db: Path | None, updated_at: float) -> None:
    """Write her row exactly as release 1 did: under the raw Alexa user id."""
    if isinstance(storage, SQLiteAdapter):
        storage.count_users()  # create the schema
        with sqlite3.connect(storage.path) as conn:
            conn.execute("INSERT INTO users VALUES (?, ?, ?)", (USER_A, RELEASE_1_DOC, updated_at))
    else:  # DynamoDB: the official adapter's layout plus release 1's updated_at, no version
        import json
        from decimal import Decimal

        attributes = json.loads(RELEASE_1_DOC, parse_float=Decimal)
        storage.dynamodb.Table(storage.table_name).put_item(
            Item={"id": USER_A, "attributes": attributes, "updated_at": int(updated_at)}
        )


def _keys(storage: Any) -> list[str]:
    if isinstance(storage, SQLiteAdapter):
        with sqlite3.connect(storage.path) as conn:
            return sorted(row[0] for row in conn.execute("SELECT user_id FROM users"))
    return sorted(item["id"] for item in storage.dynamodb.Table(storage.table_name).scan()["Items"])


@pytest.fixture(params=["sqlite", "dynamodb"])
def persistent(request: pytest.FixtureRequest, tmp_path: Path) -> Factory:
    if request.param == "sqlite":
        return lambda clock: SQLiteAdapter(tmp_path / "s.db", clock=clock)
    return request.getfixturevalue("make_dynamo")


def test_a_release_1_row_is_found_and_moved_under_the_new_key(persistent: Factory) -> None:
    storage = persistent(FakeClock())
    _plant_release_1_row(storage, None, T0 - 3 * DAY)
    expected = {"completed": ["2025-06-01T08:00:00Z"], "settings": {"pace": "slower"}}
    assert storage.get_attributes(envelope(USER_A)) == expected
    assert _keys(storage) == [storage.key_for(USER_A)]  # moved, not copied
    assert storage.get_attributes(envelope(USER_A)) == expected
    # Its age moved with it: purge still sees three idle days, not a fresh save.
    assert storage.purge_older_than(2, now=T0) == 1


def test_a_save_without_a_read_merges_the_release_1_row_and_removes_it(persistent: Factory) -> None:
    storage = persistent(FakeClock())
    _plant_release_1_row(storage, None, T0 - DAY)
    storage.save_attributes(
        envelope(USER_A), {"completed": ["2025-06-14T07:30:00Z"], "settings": {"pace": "faster"}}
    )
    assert _keys(storage) == [storage.key_for(USER_A)]
    assert storage.get_attributes(envelope(USER_A)) == {
        "completed": ["2025-06-01T08:00:00Z", "2025-06-14T07:30:00Z"],
        "settings": {"pace": "faster"},
    }


def test_delete_removes_a_release_1_row_too(persistent: Factory) -> None:
    storage = persistent(FakeClock())
    _plant_release_1_row(storage, None, T0)
    storage.delete_attributes(envelope(USER_A))
    assert _keys(storage) == [] and storage.get_attributes(envelope(USER_A)) == {}


# -- user ids that must never be stored ------------------------------------------------

BAD_IDS = [5, "x" * 50_000, "x" * 513, "", "zoë", "line\nbreak", "tab\there", "nul\x00", b"amzn1.bytes"]


@pytest.mark.parametrize(
    "bad", BAD_IDS, ids=lambda v: f"{type(v).__name__}-{len(v) if hasattr(v, '__len__') else v}"
)
def test_unacceptable_user_ids_raise_and_never_become_a_row(
    storage: AbstractPersistenceAdapter, bad: Any
) -> None:
    for attempt in (
        lambda: storage.save_attributes(envelope(bad), {"v": 1}),
        lambda: storage.get_attributes(envelope(bad)),
        lambda: storage.delete_attributes(envelope(bad)),
    ):
        with pytest.raises(StorageError):
            attempt()
    assert storage.count_users() == 0


def test_the_longest_acceptable_id_is_stored(storage: AbstractPersistenceAdapter) -> None:
    longest = "amzn1.ask.account." + "A" * (512 - 18)
    storage.save_attributes(envelope(longest), {"v": 1})
    assert storage.get_attributes(envelope(longest)) == {"v": 1} and storage.count_users() == 1


def test_dynamodb_unreachable_is_a_storage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.dynamo_server import DUMMY_AWS_ENV, REGION

    for name, value in DUMMY_AWS_ENV.items():
        monkeypatch.setenv(name, value)
    # Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    config = Config(
        storage_backend="dynamodb",
        dynamodb_table="t",
        dynamodb_region=REGION,
        dynamodb_endpoint_url="http://127.0.0.1:9",
    )
    storage = build_persistence(config)
    for attempt in (
        lambda: storage.get_attributes(envelope(USER_A)),
        lambda: storage.save_attributes(envelope(USER_A), {"v": 1}),
        lambda: storage.delete_attributes(envelope(USER_A)),
    ):
        with pytest.raises(StorageError, match="EndpointConnectionError"):
            attempt()
