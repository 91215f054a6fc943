"""Shared fixtures: an app on in-memory storage with verification off, and a conversation."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, settings

from skill import create_app
from skill.storage import MemoryAdapter
from tests.conversation import Conversation

# hypothesis (tests/test_fuzz.py): "ci", selected when CI is set, is derandomized and runs
# 10,000 cases in about two minutes on 2 cores; "dev" (local runs) draws fresh cases each time
# and prints its seed on failure. HYPOTHESIS_PROFILE chooses either explicitly.
_FUZZ = dict(
    database=None,
    print_blob=True,
    deadline=timedelta(seconds=2),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("ci", derandomize=True, max_examples=10_000, **_FUZZ)
settings.register_profile("dev", max_examples=1_000, **_FUZZ)
_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if _CI else "dev"))


# Nothing listens on port 1 of loopback: a request's Settings API call (her time zone) is
# refused at once and the skill falls back to UTC. Tests that need an answer start
# tests.fake_alexa_api and point the envelope there.
REFUSING_API_ENDPOINT = "https://127.0.0.1:1"


@pytest.fixture(autouse=True)
def _no_calls_to_amazon(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("skill.alexa.envelopes.API_ENDPOINT", REFUSING_API_ENDPOINT)


@pytest.fixture
def storage() -> MemoryAdapter:
    return MemoryAdapter()


@pytest.fixture
def app(storage: MemoryAdapter):
    return create_app({"ALEXA_VERIFY_REQUESTS": "off", "STORAGE_BACKEND": "memory"}, persistence=storage)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def talk(client) -> Conversation:
    return Conversation(client)
