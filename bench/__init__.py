"""Benchmarks: speed and memory figures with their targets (run `python -m bench.run`).

Not part of the test suite: timings belong here, never in timed unit tests.
"""
