"""Storage backends: one contract for all three, then SQLite specifics, purge and privacy."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_model import Application, Context, RequestEnvelope, User
from ask_sdk_model.interfaces.system import SystemState
from ask_sdk_model.launch_request import LaunchRequest

from skill.__main__ import main as cli_main
from skill.config import Config
from skill.storage import MemoryAdapter, SQLiteAdapter, StorageError, build_persistence, privacy
from skill.storage.privacy import storage_key, user_ref
from skill.storage.sqlite_schema import LATEST_VERSION
from tests.dynamo_server import DUMMY_AWS_ENV, REGION, dynamo_endpoint, unique_table_name  # noqa: F401

REPO = Path(__file__).resolve().parents[1]
USER_A = "amzn1.ask.account.AEXAMPLEUSERA000000000000000000000000000000000000000"
USER_B = "amzn1.ask.account.AEXAMPLEUSERB000000000000000000000000000000000000000"
DAY = 86400.0
T0 = 1_750_000_000.0  # a fixed "now" for the fake clock


def envelope(user_id: str | None) -> RequestEnvelope:
    """The smallest realistic envelope the adapters read: context.system.user.user_id."""
    return RequestEnvelope(
        version="1.0",
        context=Context(
            system=SystemState(
                application=Application(
                    application_id="amzn1.ask.skill.00000000-0000-4000-8000-000000000001"
                ),
                user=User(user_id=user_id),
            )
        ),
        request=LaunchRequest(request_id="amzn1.echo-api.request.test", locale="en-US"),
    )


class FakeClock:
    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


# -- backends under test ------------------------------------------------------------------

Factory = Callable[[FakeClock], AbstractPersistenceAdapter]


@pytest.fixture
def make_dynamo(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Factory:
    endpoint = request.getfixturevalue("dynamo_endpoint")
    for name, value in DUMMY_AWS_ENV.items():
        monkeypatch.setenv(name, value)
    from skill.storage.dynamodb import build_dynamodb_adapter

    config = Config(
        storage_backend="dynamodb",
        dynamodb_table=unique_table_name(),
        dynamodb_region=REGION,
        dynamodb_endpoint_url=endpoint,
        dynamodb_create_table=True,
    )
    # moto on a busy test machine can take longer than real DynamoDB's production bound.
    return lambda clock: build_dynamodb_adapter(config, clock=clock, read_timeout=30.0)


@pytest.fixture(params=["memory", "sqlite", "dynamodb"])
def make_storage(request: pytest.FixtureRequest, tmp_path: Path) -> Factory:
    """A factory per backend; each call returns an adapter over the same stored data."""
    if request.param == "memory":
        shared: dict[str, MemoryAdapter] = {}

        def memory(clock: FakeClock) -> MemoryAdapter:
            # One store per test: a memory "reopen" must see the same data.
            adapter = shared.setdefault("it", MemoryAdapter(clock=clock))
            adapter._clock = clock
            return adapter

        return memory
    if request.param == "sqlite":
        return lambda clock: SQLiteAdapter(tmp_path / "db" / "stretches.sqlite3", clock=clock)
    return request.getfixturevalue("make_dynamo")


@pytest.fixture
def storage(make_storage: Factory) -> AbstractPersistenceAdapter:
    return make_storage(FakeClock())


PROGRESS = {
    "version": 1,
    "position": {"routine": ["cat_cow", "thread_the_needle", "childs_pose"], "index": 2},
    "settings": {"pace": "slower", "dose": "long", "breath_in_s": 4.5, "breath_out_s": 6},
    "completed": ["2025-06-01", "2025-06-03"],
    "disclaimer_heard": True,
    "resume": None,
    "nested": {"empty_map": {}, "empty_list": [], "negative": -3, "zero": 0},
}


# -- the contract -------------------------------------------------------------------------


def test_missing_user_gives_empty_dict(storage: AbstractPersistenceAdapter) -> None:
    assert storage.get_attributes(envelope(USER_A)) == {}


def test_round_trip_keeps_every_json_type(storage: AbstractPersistenceAdapter) -> None:
    storage.save_attributes(envelope(USER_A), PROGRESS)
    got = storage.get_attributes(envelope(USER_A))
    assert got == PROGRESS
    assert isinstance(got["settings"]["breath_in_s"], float) and isinstance(got["version"], int)


def test_survives_reopening(make_storage: Factory) -> None:
    make_storage(FakeClock()).save_attributes(envelope(USER_A), PROGRESS)
    assert make_storage(FakeClock()).get_attributes(envelope(USER_A)) == PROGRESS


def test_overwrite_replaces_the_whole_document(storage: AbstractPersistenceAdapter) -> None:
    storage.save_attributes(envelope(USER_A), {"old": 1, "kept?": "no"})
    storage.save_attributes(envelope(USER_A), {"new": 2})
    assert storage.get_attributes(envelope(USER_A)) == {"new": 2}


def test_delete_forgets_the_user_and_tolerates_repeats(storage: AbstractPersistenceAdapter) -> None:
    storage.save_attributes(envelope(USER_A), PROGRESS)
    storage.delete_attributes(envelope(USER_A))
    assert storage.get_attributes(envelope(USER_A)) == {}
    storage.delete_attributes(envelope(USER_A))  # deleting nobody is not an error
    assert storage.get_attributes(envelope(USER_A)) == {}


def test_unicode_round_trips(storage: AbstractPersistenceAdapter) -> None:
    doc = {"name": "Zoë ✓ 🤰", "ключ ✓": "値", 'quote"back\\slash': "line\nbreak\ttab\u0000nul"}
    storage.save_attributes(envelope(USER_A), doc)
    assert storage.get_attributes(envelope(USER_A)) == doc


def test_large_document_round_trips(storage: AbstractPersistenceAdapter) -> None:
    # Not under "completed": that list is de-duplicated on save (see test_storage_merge.py).
    doc = {"history": [f"2025-{m:02d}-{d:02d}" for m in range(1, 13) for d in range(1, 29)] * 30}
    assert 90_000 < len(json.dumps(doc)) < 150_000
    storage.save_attributes(envelope(USER_A), doc)
    assert storage.get_attributes(envelope(USER_A)) == doc


def test_users_are_isolated(storage: AbstractPersistenceAdapter) -> None:
    storage.save_attributes(envelope(USER_A), {"who": "a"})
    storage.save_attributes(envelope(USER_B), {"who": "b"})
    storage.delete_attributes(envelope(USER_B))
    assert storage.get_attributes(envelope(USER_A)) == {"who": "a"}
    assert storage.get_attributes(envelope(USER_B)) == {}


def test_callers_cannot_change_stored_state_by_reference(storage: AbstractPersistenceAdapter) -> None:
    doc = {"completed": ["2025-06-01"]}
    storage.save_attributes(envelope(USER_A), doc)
    doc["completed"].append("mutated after save")
    got = storage.get_attributes(envelope(USER_A))
    got["completed"].append("mutated after get")
    assert storage.get_attributes(envelope(USER_A)) == {"completed": ["2025-06-01"]}


def test_missing_user_id_is_a_storage_error(storage: AbstractPersistenceAdapter) -> None:
    with pytest.raises(StorageError):
        storage.get_attributes(envelope(None))
    with pytest.raises(StorageError):
        storage.save_attributes(envelope(""), {"x": 1})


@pytest.mark.parametrize("bad", [{"when": object()}, {"nan": float("nan")}])
def test_unstorable_attributes_are_a_storage_error(storage: AbstractPersistenceAdapter, bad: dict) -> None:
    storage.save_attributes(envelope(USER_A), {"kept": True})
    with pytest.raises(StorageError):
        storage.save_attributes(envelope(USER_A), bad)
    assert storage.get_attributes(envelope(USER_A)) == {"kept": True}


def test_purge_removes_only_idle_users_and_counts(make_storage: Factory) -> None:
    clock = FakeClock(T0 - 40 * DAY)
    storage = make_storage(clock)
    storage.save_attributes(envelope(USER_A), {"last": "forty days ago"})
    clock.now = T0 - 2 * DAY
    storage.save_attributes(envelope(USER_B), {"last": "two days ago"})
    assert storage.count_users() == 2

    assert storage.purge_older_than(30, now=T0) == 1
    assert storage.get_attributes(envelope(USER_A)) == {}
    assert storage.get_attributes(envelope(USER_B)) == {"last": "two days ago"}
    assert storage.count_users() == 1
    assert storage.purge_older_than(30, now=T0) == 0


def test_saving_again_resets_the_idle_clock(make_storage: Factory) -> None:
    clock = FakeClock(T0 - 40 * DAY)
    storage = make_storage(clock)
    storage.save_attributes(envelope(USER_A), {"v": 1})
    clock.now = T0 - DAY
    storage.save_attributes(envelope(USER_A), {"v": 2})
    assert storage.purge_older_than(30, now=T0) == 0
    assert storage.get_attributes(envelope(USER_A)) == {"v": 2}


# -- configuration ------------------------------------------------------------------------


def test_build_persistence_picks_the_configured_backend(tmp_path: Path) -> None:
    sqlite = build_persistence(Config.from_mapping({"SQLITE_PATH": str(tmp_path / "x.sqlite3")}))
    assert isinstance(sqlite, SQLiteAdapter) and sqlite.path == str(tmp_path / "x.sqlite3")
    assert isinstance(build_persistence(Config.from_mapping({"STORAGE_BACKEND": "memory"})), MemoryAdapter)


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["PYTHONPATH"] = str(REPO)
    env.update(extra)
    return env


def test_default_backend_loads_no_aws_code(tmp_path: Path) -> None:
    code = textwrap.dedent(
        f"""
        import sys
        from skill.config import Config
        from skill.storage import build_persistence
        storage = build_persistence(Config.from_mapping({{"SQLITE_PATH": {str(tmp_path / "s.db")!r}}}))
        print(storage.count_users(), "boto3" in sys.modules, "ask_sdk_dynamodb.adapter" in sys.modules)
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=_clean_env(),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["0", "False", "False"]


def test_dynamodb_region_may_come_from_config_only(tmp_path: Path, dynamo_endpoint: str) -> None:
    # boto3 reads AWS_DEFAULT_REGION but not AWS_REGION; the official adapter needs a
    # region at import time. The builder must cope with AWS_REGION alone.
    code = textwrap.dedent(
        f"""
        from skill.config import Config
        from skill.storage import build_persistence
        from tests.test_persistence import envelope
        config = Config.from_mapping({{"STORAGE_BACKEND": "dynamodb", "AWS_REGION": "{REGION}",
            "DYNAMODB_TABLE": "{unique_table_name()}", "DYNAMODB_ENDPOINT_URL": "{dynamo_endpoint}",
            "DYNAMODB_CREATE_TABLE": "on"}})
        storage = build_persistence(config)
        storage.save_attributes(envelope("u1"), {{"pace": 0.5}})
        print(storage.get_attributes(envelope("u1")))
        """
    )
    env = _clean_env(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_CONFIG_FILE="/dev/null",
        AWS_SHARED_CREDENTIALS_FILE="/dev/null",
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "{'pace': 0.5}"


def test_dynamodb_stores_the_official_layout(make_dynamo: Factory) -> None:
    storage = make_dynamo(FakeClock())
    storage.save_attributes(envelope(USER_A), {"index": 2})
    item = storage.dynamodb.Table(storage.table_name).get_item(Key={"id": storage_key(USER_A, "")})["Item"]
    assert item["attributes"] == {"index": 2} and item["updated_at"] == int(T0) and item["doc_version"] == 1
    storage.save_attributes(envelope(USER_A), {"index": 3})
    assert storage.dynamodb.Table(storage.table_name).scan()["Items"][0]["doc_version"] == 2


def test_dynamodb_missing_table_is_a_storage_error(
    dynamo_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in DUMMY_AWS_ENV.items():
        monkeypatch.setenv(name, value)
    config = Config(
        storage_backend="dynamodb",
        dynamodb_table=unique_table_name("absent"),
        dynamodb_region=REGION,
        dynamodb_endpoint_url=dynamo_endpoint,
    )
    storage = build_persistence(config)
    with pytest.raises(StorageError):
        storage.get_attributes(envelope(USER_A))


# -- SQLite specifics ---------------------------------------------------------------------


def _sql(path: Path, query: str, *params: Any) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(query, params).fetchall()


def test_sqlite_file_is_in_wal_mode_with_a_versioned_schema(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "dir" / "s.db"
    SQLiteAdapter(path).save_attributes(envelope(USER_A), {"x": 1})
    assert _sql(path, "PRAGMA journal_mode") == [("wal",)]
    assert _sql(path, "PRAGMA user_version") == [(LATEST_VERSION,)]
    assert _sql(path, "SELECT name FROM sqlite_master WHERE name = 'schema_version'") == []
    assert _sql(path, "SELECT user_id, document FROM users") == [(storage_key(USER_A, ""), '{"x":1}')]


def test_corrupt_row_reads_as_new_user_logs_a_ref_and_is_kept(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "s.db"
    storage = SQLiteAdapter(path)
    storage.save_attributes(envelope(USER_A), {"ok": True})
    with sqlite3.connect(path) as conn:
        conn.execute(
            "UPDATE users SET document = ? WHERE user_id = ?", ('{"index": 2, trunc', storage.key_for(USER_A))
        )

    with caplog.at_level(logging.WARNING, logger="skill.storage"):
        assert storage.get_attributes(envelope(USER_A)) == {}
    assert user_ref(USER_A) in caplog.text
    assert USER_A not in caplog.text
    assert _sql(path, "SELECT document FROM users") == [('{"index": 2, trunc',)]

    storage.save_attributes(envelope(USER_A), {"fresh": True})
    assert storage.get_attributes(envelope(USER_A)) == {"fresh": True}


def test_json_that_is_not_an_object_counts_as_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    storage = SQLiteAdapter(path)
    storage.save_attributes(envelope(USER_A), {})
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE users SET document = '[1, 2]'")
    assert storage.get_attributes(envelope(USER_A)) == {}


def test_empty_database_migrates_from_version_0(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    _sql(path, "CREATE TABLE schema_version (version INTEGER NOT NULL)")  # release 1's version 0: no row yet
    assert SQLiteAdapter(path).count_users() == 0
    assert _sql(path, "PRAGMA user_version") == [(LATEST_VERSION,)]


def test_older_schema_migrates_forward_keeping_data_and_twice_is_harmless(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with sqlite3.connect(path) as conn:  # what release 1 left behind: no index on updated_at
        conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        conn.execute("INSERT INTO schema_version VALUES (1)")
        conn.execute(
            "CREATE TABLE users (user_id TEXT PRIMARY KEY, document TEXT NOT NULL, updated_at REAL NOT NULL)"
        )
        conn.execute("INSERT INTO users VALUES (?, ?, ?)", (USER_A, '{"index": 3}', T0))

    for _ in range(2):
        storage = SQLiteAdapter(path)
        assert storage.get_attributes(envelope(USER_A)) == {"index": 3}  # found under its old key
        storage.close()
    assert _sql(path, "PRAGMA user_version") == [(LATEST_VERSION,)]
    assert _sql(path, "SELECT name FROM sqlite_master WHERE name = 'schema_version'") == []
    assert _sql(path, "SELECT user_id, document, updated_at FROM users") == [
        (storage_key(USER_A, ""), '{"index": 3}', T0)
    ]
    indexes = [
        row[0]
        for row in _sql(path, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'users'")
    ]
    assert "users_updated_at" in indexes


@pytest.mark.parametrize("how", ["user_version", "release 1 table"])
def test_schema_from_a_newer_release_is_refused(tmp_path: Path, how: str) -> None:
    path = tmp_path / "s.db"
    if how == "user_version":
        _sql(path, f"PRAGMA user_version = {LATEST_VERSION + 1}")
    else:
        _sql(path, "CREATE TABLE schema_version (version INTEGER NOT NULL)")
        _sql(path, "INSERT INTO schema_version VALUES (?)", LATEST_VERSION + 1)
    with pytest.raises(StorageError, match="newer"):
        SQLiteAdapter(path).get_attributes(envelope(USER_A))


def test_locked_database_fails_with_storage_error_within_the_budget(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    storage = SQLiteAdapter(path, busy_timeout=0.3)
    storage.save_attributes(envelope(USER_A), {"v": 1})
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another worker holds the write lock
    try:
        started = time.monotonic()
        with pytest.raises(StorageError) as failure:
            storage.save_attributes(envelope(USER_A), {"v": 2})
        assert 0.25 < time.monotonic() - started < 2.0
        assert failure.value.sqlite_errorcode & 0xFF == sqlite3.SQLITE_BUSY
        assert storage.get_attributes(envelope(USER_A)) == {"v": 1}  # WAL: reads still work
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()


def test_brief_lock_is_waited_out(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    storage = SQLiteAdapter(path, busy_timeout=5.0)
    storage.count_users()
    blocker = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.2, lambda: blocker.execute("COMMIT"))
    release.start()
    try:
        storage.save_attributes(envelope(USER_A), {"v": 2})
    finally:
        release.join()
        blocker.close()
    assert storage.get_attributes(envelope(USER_A)) == {"v": 2}


def test_unwritable_location_is_a_storage_error(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    with pytest.raises(StorageError):
        SQLiteAdapter(blocked / "s.db").get_attributes(envelope(USER_A))


def test_each_thread_gets_its_own_connection(tmp_path: Path) -> None:
    storage = SQLiteAdapter(tmp_path / "s.db")
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(20):
                storage.save_attributes(envelope(f"user-{n}"), {"i": i})
        except BaseException as exc:  # report to the main thread, which asserts
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert [storage.get_attributes(envelope(f"user-{n}")) for n in range(4)] == [{"i": 19}] * 4


# -- the purge command --------------------------------------------------------------------


def _two_users_idle(path: Path, *, idle_a: float, idle_b: float) -> Path:
    """USER_A ({"v": 1}) last saved `idle_a` days ago and USER_B ({"v": 2}) `idle_b` days ago."""
    now = time.time()
    for user, idle, doc in ((USER_A, idle_a, {"v": 1}), (USER_B, idle_b, {"v": 2})):
        SQLiteAdapter(path, clock=lambda idle=idle: now - idle * DAY).save_attributes(envelope(user), doc)
    return path


def test_purge_command_removes_idle_users_and_prints_the_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _two_users_idle(tmp_path / "s.db", idle_a=31, idle_b=29)
    monkeypatch.setenv("STORAGE_BACKEND", "sqlite")
    monkeypatch.setenv("SQLITE_PATH", str(path))

    assert cli_main(["purge", "--days", "30"]) == 0
    assert "removed 1 user" in capsys.readouterr().out
    assert _sql(path, "SELECT user_id FROM users") == [(storage_key(USER_B, ""),)]


def test_purge_command_defaults_to_the_configured_retention(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _two_users_idle(tmp_path / "s.db", idle_a=11, idle_b=9)
    monkeypatch.setenv("SQLITE_PATH", str(path))
    monkeypatch.setenv("RETENTION_DAYS", "10")
    assert cli_main(["purge"]) == 0
    assert "removed 1 user(s) idle for 10 day(s)" in capsys.readouterr().out


@pytest.mark.parametrize("days", ["0", "-3", "soon"])
def test_purge_command_rejects_nonsense_days(days: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli_main(["purge", "--days", days])
    assert exit_info.value.code == 2
    assert "--days" in capsys.readouterr().err


def test_purge_command_reports_storage_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a-file").write_text("")
    monkeypatch.setenv("STORAGE_BACKEND", "sqlite")
    monkeypatch.setenv("SQLITE_PATH", str(tmp_path / "a-file" / "s.db"))
    assert cli_main(["purge", "--days", "30"]) == 1
    assert "purge failed" in capsys.readouterr().err


# -- privacy ------------------------------------------------------------------------------


def test_user_ref_is_short_stable_and_hides_the_id(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(privacy, "_log_salt", b"")
    ref = user_ref(USER_A)
    assert ref == user_ref(USER_A)
    assert len(ref) == 12 and all(c in "0123456789abcdef" for c in ref)
    assert ref not in USER_A and USER_A not in ref
    assert ref != user_ref(USER_B)
    assert not storage_key(USER_A, "").startswith(ref)  # a log line cannot be joined to a row
    # The salt comes from Config (LOG_HASH_SALT), applied by build_persistence.
    build_persistence(Config.from_mapping({"STORAGE_BACKEND": "memory", "LOG_HASH_SALT": "pepper"}))
    assert user_ref(USER_A) != ref and len(user_ref(USER_A)) == 12


def test_user_ref_without_a_user() -> None:
    assert user_ref(None) == user_ref("") == "no-user"
