"""DynamoDB retention through the table's native TTL, on moto's server over loopback.

Every save sets `expires_at` RETENTION_DAYS ahead; a table we create gets TTL turned on for
it; an item past its TTL that DynamoDB has not deleted yet reads as absent; the purge
command scans only when asked (items from before TTL), and scans SQLite as before.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from skill.__main__ import main as cli_main
from skill.config import Config
from skill.storage import StorageError
from skill.storage.privacy import storage_key
from tests.dynamo_server import DUMMY_AWS_ENV, REGION, dynamo_endpoint, unique_table_name  # noqa: F401
from tests.test_persistence import DAY, T0, USER_A, USER_B, FakeClock, envelope


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in DUMMY_AWS_ENV.items():
        monkeypatch.setenv(name, value)


def _adapter(
    endpoint: str, clock: FakeClock, *, table: str | None = None, create: bool = True, days: int = 90
) -> Any:
    from skill.storage.dynamodb import build_dynamodb_adapter

    config = Config(
        storage_backend="dynamodb",
        dynamodb_table=table or unique_table_name(),
        dynamodb_region=REGION,
        dynamodb_endpoint_url=endpoint,
        dynamodb_create_table=create,
        retention_days=days,
    )
    return build_dynamodb_adapter(config, clock=clock, read_timeout=30)


def _table_without_ttl(endpoint: str) -> str:
    """A table made outside the adapter (as by hand, or by an older version): no TTL yet."""
    table = unique_table_name()
    boto3.client("dynamodb", region_name=REGION, endpoint_url=endpoint).create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return table


def _item(storage: Any, user: str = USER_A) -> dict[str, Any]:
    return storage.dynamodb.Table(storage.table_name).get_item(Key={"id": storage_key(user, "")})["Item"]


def test_a_created_table_has_ttl_on_expires_at(dynamo_endpoint: str, aws_env: None) -> None:
    storage = _adapter(dynamo_endpoint, FakeClock())
    assert storage.ttl_status() == ("ENABLED", "expires_at")
    # Building it again (a second cold start) leaves TTL as it is.
    again = _adapter(dynamo_endpoint, FakeClock(), table=storage.table_name)
    assert again.ttl_status() == ("ENABLED", "expires_at")


def test_every_save_moves_expires_at_to_retention_days_after_it(dynamo_endpoint: str, aws_env: None) -> None:
    clock = FakeClock(T0)
    storage = _adapter(dynamo_endpoint, clock, days=90)
    storage.save_attributes(envelope(USER_A), {"v": 1})
    assert _item(storage)["expires_at"] == int(T0 + 90 * DAY)
    clock.now = T0 + 10 * DAY
    storage.save_attributes(envelope(USER_A), {"v": 2})
    assert _item(storage)["expires_at"] == int(T0 + 100 * DAY)


def test_retention_days_comes_from_the_setting(dynamo_endpoint: str, aws_env: None) -> None:
    storage = _adapter(dynamo_endpoint, FakeClock(T0), days=7)
    storage.save_attributes(envelope(USER_A), {"v": 1})
    assert _item(storage)["expires_at"] == int(T0 + 7 * DAY)


def test_an_expired_item_not_yet_deleted_reads_as_absent_and_a_save_starts_afresh(
    dynamo_endpoint: str, aws_env: None
) -> None:
    clock = FakeClock(T0)
    storage = _adapter(dynamo_endpoint, clock, days=30)
    storage.save_attributes(envelope(USER_A), {"completed": ["2025-06-01T09:00:00Z"], "place": 3})
    clock.now = T0 + 31 * DAY  # DynamoDB deletes "within a few days" of expiry: still there
    assert storage.get_attributes(envelope(USER_A)) == {}
    storage.save_attributes(envelope(USER_A), {"place": 0})  # conditional write on the old version
    assert storage.get_attributes(envelope(USER_A)) == {"place": 0}
    assert _item(storage)["doc_version"] == 2


def test_a_table_with_ttl_on_another_attribute_is_refused(dynamo_endpoint: str, aws_env: None) -> None:
    table = _table_without_ttl(dynamo_endpoint)
    client = boto3.client("dynamodb", region_name=REGION, endpoint_url=dynamo_endpoint)
    client.update_time_to_live(
        TableName=table, TimeToLiveSpecification={"Enabled": True, "AttributeName": "ttl"}
    )
    with pytest.raises(StorageError, match="expires_at"):
        _adapter(dynamo_endpoint, FakeClock(), table=table)


def test_a_table_we_did_not_create_is_left_as_it_is(dynamo_endpoint: str, aws_env: None) -> None:
    table = _table_without_ttl(dynamo_endpoint)
    storage = _adapter(dynamo_endpoint, FakeClock(), table=table, create=False)
    assert storage.ttl_status()[0] == "DISABLED"


# -- the purge command --------------------------------------------------------------------


def _dynamo_env(monkeypatch: pytest.MonkeyPatch, endpoint: str, table: str) -> None:
    for name, value in {
        "STORAGE_BACKEND": "dynamodb",
        "DYNAMODB_TABLE": table,
        "AWS_REGION": REGION,
        "DYNAMODB_ENDPOINT_URL": endpoint,
    }.items():
        monkeypatch.setenv(name, value)


def test_purge_does_not_scan_a_table_with_ttl(
    dynamo_endpoint: str, aws_env: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    storage = _adapter(dynamo_endpoint, FakeClock(T0 - 400 * DAY))
    storage.save_attributes(envelope(USER_A), {"v": 1})
    _dynamo_env(monkeypatch, dynamo_endpoint, storage.table_name)
    assert cli_main(["purge"]) == 0
    assert "nothing to purge" in capsys.readouterr().out
    assert storage.count_users() == 1  # left to DynamoDB's TTL


def test_purge_without_ttl_says_how_to_fix_it_and_scan_still_works(
    dynamo_endpoint: str, aws_env: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    table = _table_without_ttl(dynamo_endpoint)
    storage = _adapter(dynamo_endpoint, FakeClock(T0), table=table, create=False)
    storage.save_attributes(envelope(USER_A), {"v": 1})  # T0 = June 2025: long idle by now
    _dynamo_env(monkeypatch, dynamo_endpoint, table)
    assert cli_main(["purge"]) == 1
    assert "TTL is disabled" in capsys.readouterr().err
    assert cli_main(["purge", "--scan", "--days", "30"]) == 0
    assert "removed 1 user(s)" in capsys.readouterr().out
    storage.save_attributes(envelope(USER_B), {"v": 2})
    assert storage.count_users() == 1
