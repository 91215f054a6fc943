"""Shared fixtures: an app on in-memory storage with verification off, and a conversation."""

from __future__ import annotations

import pytest

from skill import create_app
from skill.storage import MemoryAdapter
from tests.conversation import Conversation


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
