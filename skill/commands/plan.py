"""`python -m skill plan [EXERCISE] [--routine R] [--pace P] [--dose D] [--format F] [--audio FILE.wav]`:
print the paced timeline of one stretch, or of a whole routine when no EXERCISE is
given. EXERCISE is an id, a name or a synonym ("wall angels", "childs_pose", "cat cow").
--routine picks the version (standard, seated, quick; default standard): its stretches in
its order, with its doses and the lines that move her between positions; with EXERCISE,
that stretch as the version guides it (its dose; no move line).

--format text (default): per exercise, each phase with planned and target seconds, each
cue with the mm:ss it starts at (from the start of that exercise's response), silences
as [4.0 s], a total per exercise and, for the routine, a routine total.

--format json: one object, stable (fields are only ever added):
    {
      "settings": {"pace": "normal", "dose": "standard"},
      "routine": "standard",
      "exercises": [
        {
          "exercise_id": "cat_cow",
          "id": "cat_cow",
          "name": "cat-cow",
          "position": "floor" | "seated" | "standing" | "wall",
          "dose": {"amount": 8, "unit": "breaths"},
          "planned_s": 116.0,
          "phases": [
            {
              "kind": "move" | "setup" | "inhale" | "exhale" | "squeeze" | "hold" | "release"
                      | "slide_up" | "slide_down" | "transition" | "closing",
              "target_s": 21.3,
              "planned_s": 21.3,
              "segments": [
                {"kind": "speech", "text": "Come onto...", "seconds": 3.1, "start_s": 0.0},
                {"kind": "silence", "seconds": 5.0, "start_s": 16.3}
              ]
            }
          ]
        }
      ],
      "total_s": 596.3
    }
  start_s counts from the start of that exercise; seconds are rounded to 0.01.

--format ssml: each exercise's full <speak> string (what one response says), one per
line; exits 1 if any fails skill.core.ssml.check.validate.

--audio FILE.wav: also speak the plan with espeak-ng into FILE.wav (the whole routine
into one file when no EXERCISE is given) and print its measured length next to the
planned one.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from typing import Any

from skill.core.content import Exercise, default
from skill.core.pacing import DOSES, PACES, Settings, dose_amount, plan, plan_routine
from skill.core.timeline import Segment, Speech, Timeline

FORMATS = ("text", "json", "ssml")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "plan",
        help="print the paced timeline of a stretch or the routine",
        description=__doc__.splitlines()[0],
    )
    parser.add_argument("exercise", nargs="?", help="id, name or synonym; the whole routine if omitted")
    parser.add_argument(
        "--routine", default=None, help="version: " + ", ".join(r.id for r in default().routines)
    )
    parser.add_argument("--pace", choices=PACES, default="normal")
    parser.add_argument("--dose", choices=DOSES, default="standard")
    parser.add_argument("--format", choices=FORMATS, default="text")
    parser.add_argument("--audio", metavar="FILE.wav", help="render with espeak-ng and compare")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    content = default()
    settings = Settings(args.pace, args.dose)
    try:
        routine = content.routine(args.routine)
    except KeyError:
        known = ", ".join(r.id for r in content.routines)
        print(f"unknown routine {args.routine!r}; choose one of: {known}", file=sys.stderr)
        return 2
    if args.exercise is None:
        timelines = plan_routine(routine.id, settings, content=content)
    else:
        found = content.lookup(args.exercise)
        if found is None:
            print(
                f"unknown exercise {args.exercise!r}; choose one of: {', '.join(content.ids)}",
                file=sys.stderr,
            )
            return 2
        timelines = [(found, plan(found, settings, content=content, dose=content.dose_of(routine.id, found)))]
    whole = args.exercise is None

    status = 0
    if args.format == "json":
        print(json.dumps(as_json(timelines, settings, routine=routine.id), indent=2))
    elif args.format == "ssml":
        status = _print_ssml(timelines)
    else:
        print(as_text(timelines, settings, routine=whole, version=routine.id))
    if args.audio:
        status = _audio(timelines, args.audio) or status
    return status


# --- text -------------------------------------------------------------------------------


def clock(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes:02d}:{secs:02d}"


def _unit(exercise: Exercise, settings: Settings, version: str | None = None) -> str:
    within = default().dose_of(version, exercise)
    return f"{dose_amount(exercise, settings.dose, within)} {exercise.dose.unit}"


def as_text(
    timelines: list[tuple[Exercise, Timeline]],
    settings: Settings,
    *,
    routine: bool,
    version: str | None = None,
) -> str:
    head = f"pace {settings.pace}, dose {settings.dose}"
    lines = [f"routine {version}, {head}" if version else head]
    for ex, timeline in timelines:
        lines += ["", f"{ex.name} ({ex.id}, {ex.position}): {_unit(ex, settings, version)}"]
        at = 0.0
        for phase in timeline.phases:
            lines.append(
                f"  {phase.kind:<11} planned {phase.planned_s:5.1f} s   target {phase.target_s:5.1f} s"
            )
            for seg in phase.segments:
                if isinstance(seg, Speech):
                    lines.append(f"    {clock(at)}  {seg.text}")
                else:
                    lines.append(f"           [{seg.seconds:.1f} s]")
                at += seg.seconds
        lines.append(f"  total {ex.name}: {clock(timeline.planned_s)} ({timeline.planned_s:.1f} s)")
    if routine:
        total = sum(t.planned_s for _, t in timelines)
        lines += ["", f"routine total: {clock(total)} ({total:.1f} s)"]
    return "\n".join(lines)


# --- json -------------------------------------------------------------------------------


def _segments(timeline_start: float, phase_segments: Iterable[Segment]) -> tuple[list[dict[str, Any]], float]:
    out: list[dict[str, Any]] = []
    at = timeline_start
    for seg in phase_segments:
        item: dict[str, Any] = {"kind": "speech" if isinstance(seg, Speech) else "silence"}
        if isinstance(seg, Speech):
            item["text"] = seg.text
        item["seconds"] = round(seg.seconds, 2)
        item["start_s"] = round(at, 2)
        out.append(item)
        at += seg.seconds
    return out, at


def as_json(
    timelines: list[tuple[Exercise, Timeline]], settings: Settings, *, routine: str | None = None
) -> dict[str, Any]:
    exercises = []
    for ex, timeline in timelines:
        phases, at = [], 0.0
        for phase in timeline.phases:
            segments, at = _segments(at, phase.segments)
            phases.append(
                {
                    "kind": phase.kind,
                    "target_s": round(phase.target_s, 2),
                    "planned_s": round(phase.planned_s, 2),
                    "segments": segments,
                }
            )
        exercises.append(
            {
                "exercise_id": ex.id,
                "id": ex.id,
                "name": ex.name,
                "position": ex.position,
                "dose": {
                    "amount": dose_amount(ex, settings.dose, default().dose_of(routine, ex)),
                    "unit": ex.dose.unit,
                },
                "planned_s": round(timeline.planned_s, 2),
                "phases": phases,
            }
        )
    return {
        "settings": {"pace": settings.pace, "dose": settings.dose},
        "routine": routine or default().default_routine,
        "exercises": exercises,
        "total_s": round(sum(t.planned_s for _, t in timelines), 2),
    }


# --- ssml and audio ---------------------------------------------------------------------


def _print_ssml(timelines: list[tuple[Exercise, Timeline]]) -> int:
    # imported here: text and json need no renderer
    from skill.core.ssml.check import validate
    from skill.core.ssml.markup import SSMLError, speak
    from skill.core.ssml.render import render

    status = 0
    for ex, timeline in timelines:
        full = speak(render([timeline]))
        print(full)
        try:
            validate(full)
        except SSMLError as exc:
            print(f"{ex.id}: invalid SSML: {exc}", file=sys.stderr)
            status = 1
    return status


def _audio(timelines: list[tuple[Exercise, Timeline]], path: str) -> int:
    from skill.commands import _audio as audio  # espeak-ng only when asked for
    from skill.core.ssml.render import render

    inner = render([t for _, t in timelines])
    planned = sum(t.planned_s for _, t in timelines)
    try:
        measured = audio.render_wav(inner, path)
    except audio.AudioError as exc:
        print(f"audio: {exc}", file=sys.stderr)
        return 1
    drift = (measured - planned) / planned * 100 if planned else 0.0
    print(f"audio: {path}: measured {measured:.1f} s, planned {planned:.1f} s ({drift:+.1f} %)")
    return 0
