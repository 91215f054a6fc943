"""Speed and memory figures for the skill service, each printed next to its target.

    .venv/bin/python -m bench.run                 # every figure, about 2 minutes on 2 cores
    .venv/bin/python -m bench.run --quick         # fewer samples, shorter load
    .venv/bin/python bench/run.py --only http,sqlite
    .venv/bin/python -m bench.compare             # one figure alone (each module runs by itself)

Figures, one module each (bench/README.md explains every figure and its target):
  request   bench/request.py  in-process latency through the Flask test client, verification ON
  render    bench/render.py   plan + render + validate of every stretch x pace x dose
  verify    bench/verify.py   RequestVerifier.verify() alone, chain cached
  sqlite    bench/sqlite.py   SQLiteAdapter round trip, and 4 processes writing at once
  http      bench/http_load.py  gunicorn (deploy/gunicorn.conf.py) under wrk, plus per-worker peak RSS
  compare   bench/compare.py  this project against Flask / ask-sdk hello world / + verification
  instructions  bench/instructions.py  (c) and (d) of compare in instructions per request (valgrind)

Exit status is 0 unless a section crashed; with --strict, also 1 when any figure MISSes.
Nothing here is imported by the tests, and nothing here imports tests.*.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # `python bench/run.py` puts bench/, not the repo, on the path
    sys.path[0] = str(Path(__file__).resolve().parents[1])

from bench import compare, http_load, instructions, render, request, sqlite, verify
from bench.report import main

RUNNERS = {
    "request": request.run,
    "render": render.run,
    "verify": verify.run,
    "sqlite": sqlite.run,
    "http": http_load.run,
    "compare": compare.run,
    "instructions": instructions.run,
}

if __name__ == "__main__":
    sys.exit(main(RUNNERS, (__doc__ or "").split("\n\n")[0]))
