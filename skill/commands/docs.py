"""`python -m skill docs [--check]`: write docs/conversation.md from the coach's table."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from skill.core.coach.doc import render

DOC = Path(__file__).resolve().parents[2] / "docs" / "conversation.md"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("docs", help="write docs/conversation.md from the transition table")
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    text = render()
    if args.check:
        current = DOC.read_text() if DOC.exists() else ""
        if current != text:
            print(f"{DOC} is stale: run python -m skill docs", file=sys.stderr)
            return 1
        return 0
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(text)
    print(f"wrote {DOC}")
    return 0
