"""Shared fixtures: an app on in-memory storage with verification off, and a conversation."""

from __future__ import annotations

import pytest

from skill import create_app
from skill.storage import MemoryAdapter
from tests.conversation import Conversation


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
