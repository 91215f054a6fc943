"""`python -m skill purge [--days N] [--scan]`: forget users who have not used the skill for N days.

N defaults to RETENTION_DAYS (Config.retention_days, 90 unless set).

Works on the configured backend (STORAGE_BACKEND and friends). On SQLite it is one
indexed DELETE: run it from cron. On DynamoDB there is nothing to run: every save sets the
table's TTL attribute (`expires_at`, RETENTION_DAYS ahead) and DynamoDB deletes idle users
itself, so the command only reports whether TTL is on. `--scan` still scans `updated_at`
and deletes stale items conditionally, for items saved before TTL existed (they carry no
`expires_at` until her next save). The memory backend starts empty in a new process, so
purging it always removes 0.
"""

from __future__ import annotations

import argparse
import sys

from skill.config import Config, ConfigError
from skill.storage import StorageError, build_persistence


def _positive_days(raw: str) -> int:
    try:
        days = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--days must be a whole number, got {raw!r}") from None
    if days < 1:
        # 0 would delete everyone saved before this very second: almost surely a typo.
        raise argparse.ArgumentTypeError("--days must be at least 1")
    return days


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("purge", help="delete stored progress of users idle for N days")
    parser.add_argument(
        "--days",
        type=_positive_days,
        default=None,
        help="idle for at least this many days (default: RETENTION_DAYS)",
    )
    parser.add_argument(
        "--scan",
        action="store_true",
        help="DynamoDB only: scan for idle items anyway (items saved before TTL have no expires_at)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        config = Config.from_env()
        days = config.retention_days if args.days is None else args.days
        storage = build_persistence(config)
        expiry = getattr(storage, "expiry_attribute", None)
        if expiry is not None and not args.scan:
            status, attribute = storage.ttl_status()  # type: ignore[attr-defined]
            if status in ("ENABLED", "ENABLING") and attribute == expiry:
                print(
                    f"nothing to purge: {config.storage_backend} deletes users idle for "
                    f"RETENTION_DAYS ({config.retention_days}) itself (TTL on {expiry}, {status.lower()})"
                )
                return 0
            print(
                f"purge: TTL is {status.lower()} on table {config.dynamodb_table}: turn it on for "
                f"attribute {expiry} (deploy/README.md), or run purge --scan",
                file=sys.stderr,
            )
            return 1
        removed = storage.purge_older_than(days)
    except (ConfigError, StorageError) as exc:
        print(f"purge failed: {exc}", file=sys.stderr)
        return 1
    print(f"removed {removed} user(s) idle for {days} day(s) or more ({config.storage_backend})")
    return 0
