"""`python -m skill preview --screen EXERCISE [--pace P] [--dose D] [--out DIR]`: write the
Echo Show document and the datasource of one stretch, ready to paste into the APL authoring
tool (developer console > Multimodal Responses: the document into "APL", the datasource
into "DATA"). EXERCISE is an id, a name or a synonym.

Writes DIR/document.json and DIR/datasources.json (DIR defaults to build/preview) and prints
their paths; with --out - it prints {"document": ..., "datasources": ...} instead.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from skill.alexa.apl import document
from skill.core import screen
from skill.core.content import default
from skill.core.pacing import DOSES, PACES, Settings, plan


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "preview", help="write one stretch's APL document and datasource", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--screen", metavar="EXERCISE", required=True, help="id, name or synonym")
    parser.add_argument("--pace", choices=PACES, default="normal")
    parser.add_argument("--dose", choices=DOSES, default="standard")
    parser.add_argument("--out", default="build/preview", help="directory, or - for stdout")
    parser.set_defaults(func=run)


def datasources(exercise_id: str, settings: Settings) -> dict[str, object]:
    content = default()
    exercise = content.exercise(exercise_id)
    names = {e.id: e.name for e in content.exercises}
    # the routine version holding this stretch (issue 13's content.routines), else every stretch
    routines = [tuple(r.stretches) for r in getattr(content, "routines", ()) if exercise.id in r.stretches]
    order = routines[0] if routines else tuple(content.ids)
    number = order.index(exercise.id) + 1
    intro = content.say("stretch_intro", number=number, total=len(order), name=exercise.name)
    place = screen.progress(order, exercise.id, order[: number - 1], names)
    payload = screen.stretch(
        plan(exercise, settings, content=content), title=exercise.name, place=place, lead=(intro,)
    )
    return {"payload": payload}


def run(args: argparse.Namespace) -> int:
    found = default().lookup(args.screen)
    if found is None:
        print(f"unknown exercise {args.screen!r}; choose one of: {', '.join(default().ids)}", file=sys.stderr)
        return 2
    data = datasources(found.id, Settings(args.pace, args.dose))
    if args.out == "-":
        print(json.dumps({"document": document(), "datasources": data}, indent=2))
        return 0
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "document.json").write_text(json.dumps(document(), indent=2) + "\n", encoding="utf-8")
    (out / "datasources.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    print(out / "document.json")
    print(out / "datasources.json")
    return 0
