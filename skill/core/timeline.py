"""The shape every paced stretch takes between the pacing engine and the SSML renderer.

Pure data: pacing.py produces a Timeline, ssml/render.py renders it, handlers only pass it along.
A Timeline is a sequence of phases (setup, inhale, hold, ...); each phase is a run of
segments that are either something said (with its estimated speaking time) or silence.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Speech:
    text: str
    seconds: float  # estimated speaking time, see pacing.speaking_seconds


@dataclass(frozen=True)
class Silence:
    seconds: float


Segment = Speech | Silence


@dataclass(frozen=True)
class Phase:
    kind: str  # e.g. "setup", "inhale", "exhale", "squeeze", "hold", "release", "closing"
    target_s: float  # how long the phase should last; for spoken-only phases, the speaking time
    segments: tuple[Segment, ...]

    @property
    def planned_s(self) -> float:
        return sum(s.seconds for s in self.segments)


@dataclass(frozen=True)
class Timeline:
    exercise_id: str
    phases: tuple[Phase, ...]

    @property
    def planned_s(self) -> float:
        return sum(p.planned_s for p in self.phases)

    @property
    def segments(self) -> tuple[Segment, ...]:
        return tuple(s for p in self.phases for s in p.segments)
