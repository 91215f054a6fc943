"""Figure 2, `render`: pacing + SSML for every stretch x pace x dose.

    .venv/bin/python -m bench.render [--quick]

`pacing.plan()` + `ssml.render()` (+ `ssml.speak()`) + `ssml.validate()`, timed step by step.
"""

from __future__ import annotations

import statistics
import sys
import time

from bench.report import Figure, below, info, log, main

RENDER_MEAN_MS = 5.0


def run(quick: bool) -> list[Figure]:
    from skill.core import ssml
    from skill.core.content import load
    from skill.core.pacing import DOSES, PACES, Settings, plan

    content = load()
    rounds = 5 if quick else 20
    combos = [(ex, Settings(pace, dose)) for ex in content.exercises for pace in PACES for dose in DOSES]
    if len(combos) != 45:
        log(f"note: {len(combos)} stretch x pace x dose combinations (expected 45)")
    for ex, settings in combos:  # warm-up; also proves every combination validates
        ssml.validate(ssml.speak(ssml.render([plan(ex, settings, content=content)])))

    totals = {"plan": 0.0, "render": 0.0, "validate": 0.0}
    per_call: list[float] = []
    worst: tuple[float, str] = (0.0, "")
    for _ in range(rounds):
        for ex, settings in combos:
            t0 = time.perf_counter_ns()
            timeline = plan(ex, settings, content=content)
            t1 = time.perf_counter_ns()
            full = ssml.speak(ssml.render([timeline]))
            t2 = time.perf_counter_ns()
            ssml.validate(full)
            t3 = time.perf_counter_ns()
            totals["plan"] += (t1 - t0) / 1e6
            totals["render"] += (t2 - t1) / 1e6
            totals["validate"] += (t3 - t2) / 1e6
            ms = (t3 - t0) / 1e6
            per_call.append(ms)
            if ms > worst[0]:
                worst = (ms, f"{ex.id} {settings.pace}/{settings.dose}")
    calls = len(per_call)
    return [
        below(
            "render",
            "plan+render+validate mean",
            statistics.fmean(per_call),
            "ms",
            RENDER_MEAN_MS,
            f"{len(combos)} combinations x {rounds} rounds = {calls} calls",
        ),
        info("render", "  of which plan()", totals["plan"] / calls, "ms"),
        info("render", "  of which render()", totals["render"] / calls, "ms"),
        info(
            "render",
            "  of which validate()",
            totals["validate"] / calls,
            "ms",
            "the handlers validate every response before sending it",
        ),
        info("render", "slowest call", worst[0], "ms", worst[1]),
    ]


if __name__ == "__main__":
    sys.exit(main({"render": run}, __doc__.split("\n\n")[0]))
