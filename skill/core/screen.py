"""What an Echo Show draws for a reply: the datasource of skill/alexa/apl/stretch.json.

Pure: no Flask, no ask-sdk. The Alexa layer (skill/alexa/apl.py) decides which screen a
reply gets and wraps the result in a RenderDocument directive; this module only turns a
Timeline (the same one the SSML was rendered from) and plain facts into JSON-ready data.

The pacer plays the Timeline phase by phase: each phase lasts exactly its planned seconds
(its SSML silence plus the estimated speaking time of its cues, Phase.planned_s), starting
where the one before it ended, so picture and voice share one clock. The first phase starts
after the spoken lead-in (the reply's parts before the Timeline, estimated the same way) plus
START_DELAY_MS, the offset between the screen appearing and Alexa starting to speak, which
cannot be measured offline (deploy/README.md: "Screen and voice offset").

Payload shapes (all screens carry every key, so the document never reads a missing one):
    screen     "stretch" | "paused" | "week" | "text"
    title      the stretch's name, or the screen's heading
    progress   {"label": "Stretch 2 of 5", "number", "total", "dots": [{"state": done|current|todo, "label"}]}
    cue        the first cue line shown
    pacer      {"label", "rest", "startDelayMs", "totalMs", "phases": [...], "cues": [{"atMs", "text"}]}
               a phase: {"kind", "label", "atMs", "ms", "from", "to", "countdown", "pose"}
    countdown  seconds shown at once (the wait's countdown on the paused screen)
    figure     {"label", "a": {joint angles}, "b": {joint angles}}: the pose's two keyframes
               (skill/core/poses.py)
    buttons    [{"action": "next" | "pause" | "resume", "label"}]
    week       {"summary", "days": [{"short", "label", "done", "today"}]}
    lines      text lines (text and week screens)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from skill.core.pacing import speaking_seconds
from skill.core.poses import figure
from skill.core.timeline import Phase, Silence, Speech, Timeline

# Screen and voice offset: ms between the document appearing and the first word. Alexa
# renders the directive and starts speaking at about the same moment; measure on a device
# and change it here (documented in deploy/README.md).
START_DELAY_MS = 0

# The disc's scale: small at rest and at the end of an out-breath, full at the top of an in-breath.
REST_SCALE = 0.55
FULL_SCALE = 1.0
# Shortest phase the pacer animates: one change of size or pose per phase and no phase under
# a second keeps the screen far below 3 flashes a second (WCAG 2.3.1).
MIN_ANIMATED_MS = 1000

# What each phase kind does to the disc ("grow", "shrink", or None: still), to the pose figure
# (1 = keyframe b, 0 = keyframe a, -1 = as it is) and what the disc says.
_MOTION: dict[str, tuple[str | None, int, str]] = {
    "setup": (None, 0, "Get ready"),
    "inhale": ("grow", 1, "Breathe in"),
    "exhale": ("shrink", 0, "Breathe out"),
    "squeeze": ("grow", 1, "Squeeze"),
    "hold": (None, 1, "Hold"),
    "release": ("shrink", 0, "Release"),
    "slide_up": ("grow", 1, "Slide up"),
    "slide_down": ("shrink", 0, "Slide down"),
    "transition": (None, -1, "Keep going"),
    "closing": ("shrink", 0, "Well done"),
}
_COUNTED = frozenset({"hold"})  # phases that show a countdown while the disc stays still


def ms(seconds: float) -> int:
    return max(0, round(seconds * 1000))


def lead_seconds(parts: Iterable[object]) -> float:
    """Estimated seconds spoken before the first Timeline among a reply's parts (its
    lead-in: "Stretch 2 of 5: wall angels" and the like), estimated like the cues are."""
    total = 0.0
    for part in parts:
        if isinstance(part, Timeline):
            return total
        if isinstance(part, str):
            total += speaking_seconds(part)
        elif isinstance(part, Speech | Silence):
            total += part.seconds
    return total


def _first_cue(phase: Phase) -> str | None:
    return next((s.text for s in phase.segments if isinstance(s, Speech)), None)


def pacer(timeline: Timeline, *, lead_s: float = 0.0) -> dict[str, Any]:
    """The Timeline as the pacer plays it: phases back to back from lead_s, each phase's
    duration its planned seconds; cue lines at the moment each is spoken."""
    phases: list[dict[str, Any]] = []
    cues: list[dict[str, Any]] = []
    at = lead_s
    scale = REST_SCALE
    for phase in timeline.phases:
        motion, pose, label = _MOTION.get(phase.kind, (None, -1, ""))
        start = scale
        if motion == "grow":
            scale = FULL_SCALE
        elif motion == "shrink":
            scale = REST_SCALE
        duration = ms(phase.planned_s)
        if duration < MIN_ANIMATED_MS:  # too short to animate calmly: jump, do not flash
            start = scale
        phases.append(
            {
                "kind": phase.kind,
                "label": label,
                "atMs": ms(at),
                "ms": duration,
                "from": start,
                "to": scale,
                "countdown": math.ceil(round(phase.planned_s, 2)) if phase.kind in _COUNTED else 0,
                "pose": pose,
            }
        )
        seg_at = at
        for segment in phase.segments:
            if isinstance(segment, Speech):
                cues.append({"atMs": ms(seg_at), "text": segment.text})
            seg_at += segment.seconds
        at += phase.planned_s
    return {
        "label": phases[0]["label"] if phases else "",
        "rest": REST_SCALE,
        "startDelayMs": START_DELAY_MS,
        "totalMs": ms(at),
        "phases": phases,
        "cues": cues,
    }


def progress(
    order: Sequence[str], current: str | None, done: Iterable[str], names: dict[str, str]
) -> dict[str, Any]:
    """ "Stretch 2 of 5" and a dot per stretch: done, current or still to do."""
    finished = set(done)
    dots = []
    for stretch_id in order:
        state = "current" if stretch_id == current else "done" if stretch_id in finished else "todo"
        words = {"current": "now", "done": "done", "todo": "to do"}[state]
        dots.append({"state": state, "label": f"{names.get(stretch_id, stretch_id)}: {words}"})
    number = order.index(current) + 1 if current in order else 0
    label = f"Stretch {number} of {len(order)}" if number else ""
    return {"label": label, "number": number, "total": len(order) if number else 0, "dots": dots}


def _buttons(actions: Sequence[str]) -> list[dict[str, str]]:
    labels = {"next": "Next", "pause": "Pause", "resume": "Resume"}
    return [{"action": a, "label": labels[a]} for a in actions if a in labels]


def _blank(screen: str, title: str) -> dict[str, Any]:
    return {
        "screen": screen,
        "title": title,
        "progress": {"label": "", "number": 0, "total": 0, "dots": []},
        "cue": "",
        "pacer": {
            "label": "",
            "rest": REST_SCALE,
            "startDelayMs": START_DELAY_MS,
            "totalMs": 0,
            "phases": [],
            "cues": [],
        },
        "countdown": 0,
        "figure": figure(None),
        "buttons": [],
        "week": {"summary": "", "days": []},
        "lines": [],
    }


def stretch(
    timeline: Timeline,
    *,
    title: str,
    place: dict[str, Any],
    lead: Sequence[object] = (),
    actions: Sequence[str] = ("next", "pause"),
) -> dict[str, Any]:
    """A stretch being guided: `place` from progress(); `lead` is what the reply says before
    the Timeline (each sentence is shown while it is said, and the pacer starts after it)."""
    payload = _blank("stretch", title)
    lead_cues, at = [], 0.0
    for part in lead:
        if isinstance(part, str) and part.strip():
            lead_cues.append({"atMs": ms(at), "text": part})
        at += lead_seconds([part])
    played = pacer(timeline, lead_s=lead_seconds(lead))
    played["cues"] = lead_cues + played["cues"]
    first = played["cues"][0]["text"] if played["cues"] else ""
    payload.update(
        progress=place,
        cue=first,
        pacer=played,
        figure=figure(timeline.exercise_id),
        buttons=_buttons(actions),
    )
    return payload


def paused(
    *,
    title: str,
    place: dict[str, Any],
    seconds: float,
    line: str,
    actions: Sequence[str] = ("resume", "next"),
) -> dict[str, Any]:
    """The in-session wait: a still ring with the wait's countdown."""
    payload = _blank("paused", title)
    payload["pacer"]["label"] = "Paused"
    payload.update(
        progress=place, cue=line, countdown=math.ceil(round(seconds, 2)), buttons=_buttons(actions)
    )
    return payload


def text(*, title: str, lines: Sequence[str], actions: Sequence[str] = ()) -> dict[str, Any]:
    payload = _blank("text", title)
    payload.update(lines=[line for line in lines if line], buttons=_buttons(actions))
    return payload


def week(*, title: str, today: date, days_done: Iterable[date], lines: Sequence[str] = ()) -> dict[str, Any]:
    """The last seven days ending today, each done or not, in her time zone (the caller's dates)."""
    done = set(days_done)
    days = []
    for back in range(6, -1, -1):
        day = today - timedelta(days=back)
        name = "Today" if back == 0 else day.strftime("%A")
        days.append(
            {
                "short": day.strftime("%a")[:2],
                "label": f"{name}: {'done' if day in done else 'not done'}",
                "done": day in done,
                "today": back == 0,
            }
        )
    count = sum(1 for d in days if d["done"])
    summary = (
        "No routines in the last seven days"
        if count == 0
        else "1 day with a routine in the last seven"
        if count == 1
        else f"{count} days with a routine in the last seven"
    )
    payload = _blank("week", title)
    payload.update(week={"summary": summary, "days": days}, lines=[line for line in lines if line])
    return payload
