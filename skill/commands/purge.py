"""`python -m skill purge [--days N]`: forget users who have not used the skill for N days.

N defaults to RETENTION_DAYS (Config.retention_days, 180 unless set).

Works on the configured backend (STORAGE_BACKEND and friends). On SQLite it is one
indexed DELETE. On DynamoDB it scans for the `updated_at` our adapter writes and deletes
each stale item conditionally; run it from cron, or for very large tables prefer a
DynamoDB TTL attribute (not written by this release). The memory backend starts empty
in a new process, so purging it always removes 0.
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
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        config = Config.from_env()
        days = config.retention_days if args.days is None else args.days
        storage = build_persistence(config)
        removed = storage.purge_older_than(days)
    except (ConfigError, StorageError) as exc:
        print(f"purge failed: {exc}", file=sys.stderr)
        return 1
    print(f"removed {removed} user(s) idle for {days} day(s) or more ({config.storage_backend})")
    return 0
