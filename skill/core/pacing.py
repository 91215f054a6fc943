"""Exercise + settings -> Timeline: how long every breath, rep and hold lasts, and what
is said when. Pure: no Flask, no ask-sdk; skill.core.ssml turns the Timeline into markup.
Longer than ~250 lines on purpose: the breath, rep and hold planners and the routine planner
all apply the one timing rule below, and splitting them would put the rule in one file and
its only users in another.

The one rule: a cue's speaking time counts toward its phase, so the silence after it is
the phase's target minus the estimate (never below FLOOR_S). An exercise is

    setup     its lines, then settle_s of silence to get into position
    movement  breaths or reps (each phase per PHASE_SECONDS, with spoken counts), or one
              hold of the dose length, cued at least every ~10 s
    closing   its closing line

Pace (PHASE_SECONDS): normal breathing is 4 s in and 6 s out, about six breaths a
minute, the slow paced breathing DESIGN.md cites (Frontiers in Public Health 2017);
slower is 5/7 (5 a minute), faster 3/4 (about 8.5 a minute), both keeping the longer
out-breath. Rep phases stretch and shrink with the same steps. Dose picks within the
source's range: short = min, full = max, standard = the midpoint (half rounds up).
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

from skill.core import voice
from skill.core.content import default
from skill.core.content.model import Content, Dose, Exercise
from skill.core.timeline import Phase, Segment, Silence, Speech, Timeline

PACES = ("slower", "normal", "faster")
DOSES = ("short", "standard", "full")
# Every Phase.kind a timeline may contain: "transition" is a count between breaths.
PHASE_KINDS = (
    "setup",
    "inhale",
    "exhale",
    "squeeze",
    "hold",
    "release",
    "slide_up",
    "slide_down",
    "transition",
    "move",
    "closing",
)

# Seconds per phase kind, per pace. The rep "hold" is the source's "a few seconds".
PHASE_SECONDS: Mapping[str, Mapping[str, float]] = {
    "slower": {
        "inhale": 5,
        "exhale": 7,
        "squeeze": 3.5,
        "hold": 5,
        "release": 4,
        "slide_up": 5,
        "slide_down": 5,
    },
    "normal": {
        "inhale": 4,
        "exhale": 6,
        "squeeze": 3,
        "hold": 4,
        "release": 3,
        "slide_up": 4,
        "slide_down": 4,
    },
    "faster": {
        "inhale": 3,
        "exhale": 4,
        "squeeze": 3,
        "hold": 3,
        "release": 2,
        "slide_up": 3,
        "slide_down": 3,
    },
}

FLOOR_S = 0.5  # shortest silence after a cue: room to start moving before the next word
# Holds: DESIGN.md asks for a cue at least every 10-12 s. Silences between hold cues stay
# at or under HOLD_GAP_S so that, with a cue's own few seconds, the next one starts
# within 12 s; always under voice.MAX_BREAK_S too.
HOLD_GAP_S = 6.5
TRANSITION_BEAT_S = 1.0  # after a count between breaths ("that's four, four more")
LAST_FEW_S = 5.0  # "last few seconds" is said this long before the release cue
# Between two utterances that would otherwise run together (a hold's release cue and the
# closing line): an explicit beat, timed, instead of the voice's own untimed pause.
BEAT_S = voice.SENTENCE_PAUSE_S
# A move between positions (routines.toml [moves]): its line, then this long to get there.
MOVE_S = 5.0

_WORD = re.compile(r"[A-Za-z0-9]+(?:['\u2019][A-Za-z]+)?")
_INNER_STOP = re.compile(r"[.!?](?=.*[A-Za-z0-9])", re.S)
_INNER_CLAUSE = re.compile(r"[,;:\u2014](?=.*[A-Za-z0-9])", re.S)


@dataclass(frozen=True)
class Settings:
    pace: str = "normal"
    dose: str = "standard"

    def __post_init__(self) -> None:
        if self.pace not in PACES:
            raise ValueError(f"pace must be one of {', '.join(PACES)}, not {self.pace!r}")
        if self.dose not in DOSES:
            raise ValueError(f"dose must be one of {', '.join(DOSES)}, not {self.dose!r}")


def speaking_seconds(text: str) -> float:
    """Estimated seconds to say `text` before a pause: the one estimate, its constants and
    how they were measured in skill/core/voice.py. Hyphenated words count as two
    ("cat-cow"); contractions as one ("don't")."""
    words = _WORD.findall(text)
    if not words:
        return 0.0
    letters = sum(len(w) for w in words)
    return (
        letters / (voice.WORDS_PER_SECOND * voice.LETTERS_PER_WORD)
        + voice.CUE_OVERHEAD_S
        + len(_INNER_STOP.findall(text)) * voice.SENTENCE_PAUSE_S
        + len(_INNER_CLAUSE.findall(text)) * voice.CLAUSE_PAUSE_S
    )


def dose_amount(exercise: Exercise, dose: str, within: Dose | None = None) -> int:
    """Breaths, reps or seconds for this dose setting, always within the source's range
    (or within `within`, a version's narrower range inside it: the quick version's)."""
    lo, hi = (within or exercise.dose).min, (within or exercise.dose).max
    if dose == "short":
        return lo
    if dose == "full":
        return hi
    if dose == "standard":
        return math.floor((lo + hi) / 2 + 0.5)
    raise ValueError(f"dose must be one of {', '.join(DOSES)}, not {dose!r}")


def _speech(text: str) -> Speech:
    return Speech(text, speaking_seconds(text))


def _sentence(text: str) -> str:
    """Capitalise each sentence: counts are filled in lower case ("that's four. four more")."""
    return re.sub(r"(^|[.!?]\s+)([a-z])", lambda m: m.group(1) + m.group(2).upper(), text)


def _pick(pool: tuple[str, ...], i: int) -> str:
    """Rotation, not chance: the same settings always sound the same."""
    return pool[i % len(pool)]


def _timed(kind: str, target: float, texts: list[str]) -> Phase:
    """A phase of `target` seconds: the cues said as one utterance (so the pause between
    them is in the estimate), then whatever time is left as silence."""
    spoken = _speech(" ".join(texts))
    rest = max(FLOOR_S, target - spoken.seconds)
    return Phase(kind, target, (spoken, Silence(round(rest, 2))))


def _spoken(kind: str, texts: list[str], *, after_speech: bool = False) -> Phase:
    """Spoken lines only; `after_speech`: the phase before ended on words, so a timed beat
    keeps the two utterances apart (see BEAT_S)."""
    spoken = _speech(" ".join(texts))
    segments = (Silence(BEAT_S), spoken) if after_speech else (spoken,)
    return Phase(kind, sum(s.seconds for s in segments), segments)


def _count_line(text: str) -> Phase:
    """A count between breaths, then a beat so it lands before the next cue."""
    return _timed("transition", speaking_seconds(text) + TRANSITION_BEAT_S, [text])


def _setup(exercise: Exercise) -> Phase:
    spoken = _speech(" ".join(exercise.setup))
    return Phase("setup", spoken.seconds + exercise.settle_s, (spoken, Silence(exercise.settle_s)))


def _move(line: str) -> Phase:
    """Getting from one position to the next: the line, then time to do it."""
    spoken = _speech(line)
    return Phase("move", spoken.seconds + MOVE_S, (spoken, Silence(MOVE_S)))


def _breaths(exercise: Exercise, n: int, timing: Mapping[str, float], words: _Numbers) -> list[Phase]:
    cues = exercise.cues
    halfway = n // 2
    phases: list[Phase] = []
    for i in range(n):
        # counts sit between breaths, halfway and before the last, not inside a breath
        if i == halfway and halfway >= 1 and n - halfway >= 2:
            line = _pick(cues.progress, 0).format(
                done=words.number_word(halfway), left=words.number_word(n - halfway)
            )
            phases.append(_count_line(_sentence(line)))
        elif i == n - 1 and n > 1:
            phases.append(_count_line(_sentence(_pick(cues.last, 0))))
        for step in exercise.phases:
            phases.append(_timed(step.kind, timing[step.kind], [_pick(step.cues, i)]))
    return phases


def _reps(exercise: Exercise, n: int, timing: Mapping[str, float], words: _Numbers) -> list[Phase]:
    cues = exercise.cues
    phases: list[Phase] = []
    for i in range(n):
        last = i == n - 1 and n > 1
        count = _pick(cues.last, 0) if last else _pick(cues.count, i).format(count=words.number_word(i + 1))
        for j, step in enumerate(exercise.phases):
            texts = [_sentence(count)] if j == 0 else []
            texts.append(_sentence(_pick(step.cues, i)))
            phases.append(_timed(step.kind, timing[step.kind], texts))
    return phases


def _hold(exercise: Exercise, seconds: float) -> Phase:
    """opening cue, then k middle cues evenly spaced (breathing reminders, the one nearest
    the middle saying "halfway"), "last few seconds", LAST_FEW_S, the release cue. k is the
    smallest that keeps every gap within HOLD_GAP_S."""
    cues = exercise.cues
    opening = _speech(exercise.phases[0].cues[0])
    last_few, release = _speech(cues.last_few[0]), _speech(cues.release[0])
    budget = seconds - opening.seconds - last_few.seconds - LAST_FEW_S - release.seconds
    k = 0
    while True:
        middle = [_speech(_pick(cues.breathing, j)) for j in range(k)]
        gap = (budget - sum(m.seconds for m in middle)) / (k + 1)
        if k:
            # "halfway" replaces the reminder whose start lies nearest the hold's middle
            starts = [opening.seconds + (j + 1) * gap + sum(m.seconds for m in middle[:j]) for j in range(k)]
            nearest = min(range(k), key=lambda j: abs(starts[j] - seconds / 2))
            middle[nearest] = _speech(cues.halfway[0])
            gap = (budget - sum(m.seconds for m in middle)) / (k + 1)
        if gap <= HOLD_GAP_S:
            break
        k += 1
    gap = round(max(FLOOR_S, gap), 2)
    segments: list[Segment] = [opening]
    for cue in middle:
        segments += [Silence(gap), cue]
    segments += [Silence(gap), last_few, Silence(LAST_FEW_S), release]
    return Phase(exercise.phases[0].kind, float(seconds), tuple(segments))


def plan(
    exercise: Exercise,
    settings: Settings = Settings(),
    *,
    content: Content | None = None,
    dose: Dose | None = None,
    move: str | None = None,
) -> Timeline:
    """The full paced timeline of one exercise, setup to closing. `content` gives the spoken
    numbers (the package's own content when None); `dose`, a version's narrower range;
    `move`, a line that first takes her from the last stretch's position to this one's."""
    words = default() if content is None else content
    return _plan(exercise, settings, _Numbers(words.number_words), dose, move)


@dataclass(frozen=True)
class _Numbers:
    """The spoken counts a plan needs from the content: hashable, so plans can be cached."""

    words: tuple[str, ...]

    def number_word(self, n: int) -> str:
        if not 1 <= n <= len(self.words):
            raise ValueError(f"no spoken word for {n}; number_words covers 1..{len(self.words)}")
        return self.words[n - 1]


# A plan is a pure function of its inputs and the same few are asked for all day (every
# launch guides the first stretch): cache them rather than rebuild ~100 segments a turn.
@functools.lru_cache(maxsize=512)
def _plan(
    exercise: Exercise, settings: Settings, words: _Numbers, dose: Dose | None, move: str | None
) -> Timeline:
    n = dose_amount(exercise, settings.dose, dose)
    timing = PHASE_SECONDS[settings.pace]
    if exercise.dose.unit == "breaths":
        movement = _breaths(exercise, n, timing, words)
    elif exercise.dose.unit == "reps":
        movement = _reps(exercise, n, timing, words)
    else:
        movement = [_hold(exercise, n)]
    ends_on_words = isinstance(movement[-1].segments[-1], Speech)
    closing = _spoken("closing", [exercise.closing], after_speech=ends_on_words)
    phases = (*((_move(move),) if move else ()), _setup(exercise), *movement, closing)
    return Timeline(exercise.id, phases)


def move_line(content: Content, order: tuple[str, ...], exercise_id: str) -> str | None:
    """The line that moves her to `exercise_id` from the stretch before it in `order`, if
    their positions differ."""
    i = order.index(exercise_id)
    if i == 0:
        return None
    before, here = content.exercise(order[i - 1]).position, content.exercise(exercise_id).position
    return content.moves.get((before, here)) if before != here else None


def plan_routine(
    routine_id: str | None = None, settings: Settings = Settings(), *, content: Content | None = None
) -> list[tuple[Exercise, Timeline]]:
    """Every stretch of a version (the default one for None), in order, as guided one after
    another with `next`: each with its version's dose and the move line that leads into it."""
    words = default() if content is None else content
    routine = words.routine(routine_id)
    out = []
    for ex_id in routine.stretches:
        ex = words.exercise(ex_id)
        timeline = plan(
            ex,
            settings,
            content=words,
            dose=words.dose_of(routine.id, ex),
            move=move_line(words, routine.stretches, ex_id),
        )
        out.append((ex, timeline))
    return out


def routine_seconds(
    settings: Settings = Settings(), *, content: Content | None = None, routine: str | None = None
) -> float:
    """Planned length of a whole version (the default one for None), stretches back to back."""
    return sum(t.planned_s for _, t in plan_routine(routine, settings, content=content))
