"""Figures, their verdicts and the printed table; the statistics every bench script shares."""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

Runner = Callable[[bool], "list[Figure]"]


@dataclass
class Figure:
    section: str
    name: str
    value: float | None
    unit: str
    target: str = ""  # e.g. "< 50"; empty: informational, no verdict
    ok: bool | None = None
    note: str = ""

    @property
    def verdict(self) -> str:
        if self.ok is None:
            return "info" if not self.target else "skip"
        return "PASS" if self.ok else "MISS"


def below(
    section: str, name: str, value: float, unit: str, limit: float, note: str = "", *, inclusive: bool = False
) -> Figure:
    ok = value <= limit if inclusive else value < limit
    return Figure(section, name, value, unit, f"{'<=' if inclusive else '<'} {limit:g}", ok, note)


def at_least(section: str, name: str, value: float, unit: str, floor: float, note: str = "") -> Figure:
    return Figure(section, name, value, unit, f">= {floor:g}", value >= floor, note)


def exactly(section: str, name: str, value: int, unit: str, wanted: int, note: str = "") -> Figure:
    return Figure(section, name, value, unit, f"= {wanted}", value == wanted, note)


def info(section: str, name: str, value: float | None, unit: str, note: str = "") -> Figure:
    return Figure(section, name, value, unit, "", None, note)


def _fmt(value: float | None) -> str:
    if value is None:
        return "-"
    if isinstance(value, int):
        return f"{value:,}"
    if value == 0:
        return "0"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def print_table(figures: list[Figure]) -> None:
    rows = [("section", "figure", "value", "unit", "target", "verdict")]
    for f in figures:
        rows.append((f.section, f.name, _fmt(f.value), f.unit, f.target or "-", f.verdict))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    aligns = ("<", "<", ">", "<", "<", "<")
    for n, row in enumerate(rows):
        print("  ".join(f"{cell:{a}{w}}" for cell, a, w in zip(row, aligns, widths, strict=True)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))
    notes = [f for f in figures if f.note]
    if notes:
        print()
        for f in notes:
            print(f"  [{f.section}] {f.name}: {f.note}")


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def percentile(samples: list[float], p: float) -> float:
    """Nearest-rank percentile (no interpolation): p99 of 300 samples is the 297th."""
    ordered = sorted(samples)
    rank = max(1, -(-len(ordered) * p // 100))  # ceil
    return ordered[int(rank) - 1]


def time_ms(fn: Callable[[], Any]) -> float:
    start = time.perf_counter_ns()
    fn()
    return (time.perf_counter_ns() - start) / 1e6


def quiet_logs() -> None:
    import logging

    logging.getLogger("skill").setLevel(logging.ERROR)


def main(runners: Mapping[str, Runner], description: str, argv: Iterable[str] | None = None) -> int:
    """Run the chosen sections, print one table. Exit 0; 2 if a section crashed (the others
    still run); 1 with --strict when a figure MISSes."""
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="fewer samples, shorter load")
    parser.add_argument(
        "--only",
        default=",".join(runners),
        help=f"comma-separated sections (default all: {','.join(runners)})",
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 if any figure MISSes")
    args = parser.parse_args(list(argv) if argv is not None else None)
    chosen = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = [s for s in chosen if s not in runners]
    if unknown:
        parser.error(f"unknown section(s): {', '.join(unknown)}")

    quiet_logs()
    figures: list[Figure] = []
    crashed = False
    began = time.monotonic()
    load_before = os.getloadavg()[0]
    for name in chosen:
        log(f"{name} ...")
        t0 = time.monotonic()
        try:
            figures += runners[name](args.quick)
        except Exception as exc:  # report and go on: one broken section should not hide the rest
            crashed = True
            traceback.print_exc()
            figures.append(Figure(name, "SECTION FAILED", None, "", "runs", False, repr(exc)))
        log(f"{name} done in {time.monotonic() - t0:.1f} s")

    print()
    print(
        f"bench {'--quick ' if args.quick else ''}on {os.cpu_count()} CPUs, Python "
        f"{sys.version.split()[0]}, {time.strftime('%Y-%m-%d %H:%M')}, "
        f"took {time.monotonic() - began:.0f} s; load average before/after "
        f"{load_before:.1f}/{os.getloadavg()[0]:.1f} (other work on these CPUs skews every figure)"
    )
    print()
    print_table(figures)
    missed = [f for f in figures if f.ok is False]
    print()
    print(f"{len([f for f in figures if f.ok])} PASS, {len(missed)} MISS")
    if crashed:
        return 2
    return 1 if (args.strict and missed) else 0
