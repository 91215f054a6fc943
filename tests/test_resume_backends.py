"""Pause, close the session, launch again: she is offered the same stretch with the same
settings, on each real storage backend, through HTTP and a fresh app each session."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from skill import create_app
from skill.alexa.envelopes import launch_request
from skill.config import Config
from skill.storage import build_persistence
from tests.conversation import Conversation
from tests.dynamo_server import DUMMY_AWS_ENV, REGION, dynamo_endpoint, unique_table_name  # noqa: F401


@pytest.fixture
def sqlite_config(tmp_path: Path) -> dict[str, str]:
    return {"STORAGE_BACKEND": "sqlite", "SQLITE_PATH": str(tmp_path / "data" / "stretches.sqlite3")}


@pytest.fixture
def dynamodb_config(dynamo_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for name, value in DUMMY_AWS_ENV.items():
        monkeypatch.setenv(name, value)
    return {
        "STORAGE_BACKEND": "dynamodb",
        "DYNAMODB_TABLE": unique_table_name(),
        "AWS_REGION": REGION,
        "DYNAMODB_ENDPOINT_URL": dynamo_endpoint,
        "DYNAMODB_CREATE_TABLE": "on",
    }


@pytest.mark.parametrize("backend", ["sqlite_config", "dynamodb_config"])
def test_pause_then_resume_in_a_new_session(backend: str, request: pytest.FixtureRequest) -> None:
    config = {"ALEXA_VERIFY_REQUESTS": "off", **request.getfixturevalue(backend)}
    new_app: Callable = lambda: create_app(config).test_client()  # noqa: E731 - a fresh worker each time

    talk = Conversation(new_app())
    talk.launch().says("general information")
    talk.intent("SlowerIntent")
    talk.intent("LongerIntent")
    talk.intent("AMAZON.NextIntent").says("Stretch 1 of 5: cat-cow")  # yes to "ready?"
    talk.intent("AMAZON.NextIntent")
    talk.intent("AMAZON.NextIntent").says("Stretch 3 of 5: shoulder blade squeezes")
    talk.intent("AMAZON.PauseIntent").says("Ready to carry on with shoulder blade squeezes?")
    talk.end("EXCEEDED_MAX_REPROMPTS")  # she walked away during the wait
    envelope = DefaultSerializer().deserialize(json.dumps(launch_request()), RequestEnvelope)
    stored = build_persistence(Config.from_mapping(config)).get_attributes(envelope)
    assert stored["position"]["current"] == "shoulder_squeezes"
    assert stored["settings"] == {"pace": "slower", "dose": "full"}

    talk.client = new_app()
    offer = talk.launch()
    offer.says("You were on shoulder blade squeezes, stretch 3 of 5").does_not_say("general information")
    resumed = talk.intent("AMAZON.ResumeIntent").says("Stretch 3 of 5: shoulder blade squeezes")
    assert (resumed.state["pace"], resumed.state["dose"]) == ("slower", "full")
    assert resumed.state["done"] == ["cat_cow", "childs_pose"]

    for _ in range(2):
        talk.intent("AMAZON.NextIntent")
    talk.intent("AMAZON.NextIntent").says("Well done")
    talk.client = new_app()
    talk.intent("FrequencyIntent").says("once in the last seven days")
