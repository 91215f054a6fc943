"""`python -m skill model [--check]`: generate interaction_model/<locale>.json from its source.

The source is interaction_model/source/model.toml (a small sample grammar, see
skill/commands/_model_source.py) plus the exercises in the skill's content, which become
the EXERCISE slot type. Every English locale is generated from it: en-US from model.toml
alone, each other locale from model.toml with its small override file on top
(source/en-GB.toml: only what that locale says differently). A generated file without a
source counts as stale too. --check writes nothing: it exits 1, saying what differs, when a
generated file is missing or stale (run it in CI; run without --check to regenerate).
"""

from __future__ import annotations

import argparse
import json
import tomllib
from pathlib import Path
from typing import Any

from skill.commands._model_source import (
    BASE_LOCALE,
    ModelSourceError,
    apply_override,
    build_model,
    difference,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
MODELS_DIR = REPO_ROOT / "interaction_model"
SOURCE_DIR = MODELS_DIR / "source"
BASE_FILE = "model.toml"


def locales(source_dir: Path = SOURCE_DIR) -> list[str]:
    """en-US (the base) and every locale with an override file next to it."""
    overrides = sorted(p.stem for p in source_dir.glob("*.toml") if p.name != BASE_FILE)
    return [BASE_LOCALE, *overrides]


def load_source(locale: str = BASE_LOCALE, source_dir: Path = SOURCE_DIR) -> dict[str, Any]:
    with (source_dir / BASE_FILE).open("rb") as f:
        source = tomllib.load(f)
    if locale == BASE_LOCALE:
        return source
    with (source_dir / f"{locale}.toml").open("rb") as f:
        return apply_override(source, tomllib.load(f))


def generate(locale: str = BASE_LOCALE, source_dir: Path = SOURCE_DIR) -> dict[str, Any]:
    from skill.core.content import default

    return build_model(load_source(locale, source_dir), default().exercises, locale)


def render(model: dict[str, Any]) -> str:
    return json.dumps(model, indent=2, ensure_ascii=False) + "\n"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "model", help="generate interaction_model/*.json from interaction_model/source/"
    )
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if a generated file is stale"
    )
    parser.add_argument("--source", type=Path, default=SOURCE_DIR, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, default=MODELS_DIR, help=argparse.SUPPRESS)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    stale = 0
    known = set(locales(args.source))
    for orphan in sorted(p for p in args.out.glob("*.json") if p.stem not in known):
        # A model with no source would still be packaged and deployed: never silently.
        stale += 1
        print(f"{orphan.name}: no source ({args.source.name}/{orphan.stem}.toml); delete it or add one")
    for locale in locales(args.source):
        try:
            text = render(generate(locale, args.source))
        except ModelSourceError as exc:
            print(f"{locale}: the source is broken:\n{exc}")
            return 1
        path = args.out / f"{locale}.json"
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            print(f"{path.name}: up to date")
            continue
        if args.check:
            stale += 1
            try:
                old = json.loads(current) if current is not None else None
            except json.JSONDecodeError:
                old = {}
            print(f"{path.name}: stale; run `python -m skill model` to regenerate it")
            for line in difference(old, json.loads(text)):
                print(f"  {line}")
        else:
            path.write_text(text, encoding="utf-8")
            print(f"{path.name}: written")
    return 1 if stale else 0
