"""The service as gunicorn runs it, configured by the environment, trusting the bench CA.

    BENCH_ROOT_PEM=... BENCH_CHAIN_PEM=... gunicorn -c deploy/gunicorn.conf.py 'bench.load_app:create()'

Everything but the trust root is production's: settings from the environment (storage
backend, skill id, verification on), the real RequestVerifier with its chain served from
the bench's PEM file instead of Amazon's S3. Used by the load figure and the crash test.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask


def create() -> Flask:
    from bench.signing import load_verifier
    from skill import create_app
    from skill.config import Config

    config = Config.from_env()
    verifier = load_verifier(
        Path(os.environ["BENCH_ROOT_PEM"]), Path(os.environ["BENCH_CHAIN_PEM"]), config.skill_ids
    )
    return create_app(config, verifier=verifier)
