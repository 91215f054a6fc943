"""The Lambda entry point, called the way the Lambda runtime calls it: lambda_handler(event,
context) with real Alexa event dicts (skill.alexa.envelopes), on DynamoDB through moto's
server on loopback. A whole routine, a wait, a resume in a new session after a cold start;
malformed events refused, logged and never raised; the shared settings and defaults.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from typing import Any

import pytest

from skill import lambda_function
from skill.alexa.envelopes import SKILL_ID, USER_ID, intent_request, launch_request, session_ended_request
from skill.lambda_function import REFUSAL, lambda_config, make_handler
from skill.storage import MemoryAdapter
from tests.conversation import Conversation
from tests.dynamo_server import DUMMY_AWS_ENV, REGION, dynamo_endpoint, unique_table_name  # noqa: F401

OTHER_SKILL = "amzn1.ask.skill.00000000-0000-4000-8000-0000000000ff"
STRETCH = re.compile(r"Stretch (\d+) of (\d+)")


@dataclass
class FakeLambdaContext:
    """The attributes of the Lambda runtime's context object that anything might read."""

    function_name: str = "ask-mybackstretches-default-default-1"
    aws_request_id: str = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"
    memory_limit_in_mb: int = 512

    def get_remaining_time_in_millis(self) -> int:
        return 14_000


class _Reply:
    status_code = 200

    def __init__(self, body: dict[str, Any]) -> None:
        self.body = body

    def get_json(self, silent: bool = False) -> dict[str, Any]:
        return self.body


class LambdaClient:
    """What tests.conversation.Conversation needs of a client, over a Lambda handler: the
    event goes through JSON and back, as the Lambda runtime hands it over."""

    def __init__(self, handler: Any) -> None:
        self.handler = handler

    def post(self, path: str, data: str, content_type: str) -> _Reply:
        reply = self.handler(json.loads(data), FakeLambdaContext())
        return _Reply(json.loads(json.dumps(reply, allow_nan=False)))


@pytest.fixture
def dynamo_env(dynamo_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The function's environment: what `ask deploy` sets plus AWS's own variables."""
    for name, value in DUMMY_AWS_ENV.items():
        monkeypatch.setenv(name, value)
    return {
        "AWS_REGION": REGION,
        "AWS_LAMBDA_FUNCTION_NAME": "ask-mybackstretches-default-default-1",
        "DYNAMODB_TABLE": unique_table_name(),
        "DYNAMODB_ENDPOINT_URL": dynamo_endpoint,
        "DYNAMODB_CREATE_TABLE": "on",
        "ALEXA_SKILL_IDS": SKILL_ID,
    }


def cold_start(env: dict[str, str]) -> LambdaClient:
    """A new execution environment: settings read, storage and skill built afresh."""
    return LambdaClient(make_handler(env))


def stretch_number(said: Any) -> tuple[int, int]:
    found = STRETCH.search(said.speech)
    assert found, f"no 'Stretch n of m' in: {said.speech[:200]}"
    return int(found[1]), int(found[2])


def test_a_whole_routine_on_dynamodb(dynamo_env: dict[str, str]) -> None:
    talk = Conversation(cold_start(dynamo_env))
    talk.launch().says("general information")  # first use: the one-sentence note
    first = talk.intent("AMAZON.YesIntent")
    assert stretch_number(first)[0] == 1
    total = stretch_number(first)[1]
    for expected in range(2, total + 1):
        assert stretch_number(talk.intent("AMAZON.NextIntent"))[0] == expected
    done = talk.intent("AMAZON.NextIntent").says("Well done")
    assert not done.state.get("current")
    # The finished routine was stored: a new execution environment counts it.
    talk.client = cold_start(dynamo_env)
    talk.launch()
    talk.intent("FrequencyIntent").says("once in the last seven days")


def test_a_wait_then_a_resume_in_a_new_session_after_a_cold_start(dynamo_env: dict[str, str]) -> None:
    talk = Conversation(cold_start(dynamo_env))
    talk.launch()
    talk.intent("SlowerIntent")
    talk.intent("AMAZON.YesIntent")
    second = talk.intent("AMAZON.NextIntent")
    assert stretch_number(second)[0] == 2
    current = second.state["current"]
    wait = talk.intent(
        "AMAZON.PauseIntent",
    ).says("Ready to carry on with")
    assert not wait.ends_session and wait.state["current"] == current  # a wait inside the session
    talk.end("EXCEEDED_MAX_REPROMPTS")  # she walked away during the wait

    talk.client = cold_start(dynamo_env)
    talk.launch().says("You were on").does_not_say("general information")
    resumed = talk.intent("AMAZON.ResumeIntent")
    assert stretch_number(resumed)[0] == 2
    assert resumed.state["current"] == current and resumed.state["pace"] == "slower"


def test_the_default_handler_reads_the_environment_and_defaults_to_dynamodb(
    dynamo_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in dynamo_env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("STORAGE_BACKEND", raising=False)
    monkeypatch.setattr(lambda_function, "_handler", None)
    reply = lambda_function.lambda_handler(launch_request(), FakeLambdaContext())
    assert "outputSpeech" in reply["response"]
    assert lambda_function._handler is not None  # built once, kept for warm invocations
    from skill.config import Config
    from skill.storage.dynamodb import build_dynamodb_adapter

    stored = build_dynamodb_adapter(
        Config.from_mapping({**dynamo_env, "STORAGE_BACKEND": "dynamodb", "DYNAMODB_CREATE_TABLE": "off"})
    )
    assert stored.count_users() == 1


def test_settings_are_the_web_edges_with_dynamodb_as_the_default_backend() -> None:
    assert lambda_config({}).storage_backend == "dynamodb"
    assert lambda_config({"STORAGE_BACKEND": " "}).storage_backend == "dynamodb"
    assert lambda_config({"STORAGE_BACKEND": "sqlite"}).storage_backend == "sqlite"
    cfg = lambda_config(
        {
            "DYNAMODB_TABLE": "t",
            "DYNAMODB_ENDPOINT_URL": "http://127.0.0.1:9",
            "DYNAMODB_CREATE_TABLE": "on",
            "ALEXA_SKILL_IDS": f"{SKILL_ID}, {OTHER_SKILL}",
            "AWS_REGION": "eu-west-1",
            "RETENTION_DAYS": "30",
        }
    )
    assert (
        cfg.dynamodb_table,
        cfg.dynamodb_endpoint_url,
        cfg.dynamodb_create_table,
        cfg.skill_ids,
        cfg.dynamodb_region,
        cfg.retention_days,
    ) == ("t", "http://127.0.0.1:9", True, (SKILL_ID, OTHER_SKILL), "eu-west-1", 30)


def test_each_invocation_runs_the_skill_built_once_and_decodes_nothing_again(monkeypatch) -> None:
    # The SDK's own SkillBuilder.lambda_handler() builds a CustomSkill per call and re-encodes
    # the event for DefaultSerializer.deserialize; this handler does neither.
    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_core.skill import CustomSkill

    storage = MemoryAdapter()
    handler = make_handler({"ALEXA_SKILL_IDS": SKILL_ID, "STORAGE_BACKEND": "memory"}, persistence=storage)
    built = []
    original_init = CustomSkill.__init__

    def counting_init(self: CustomSkill, *args: Any, **kwargs: Any) -> None:
        built.append(self)
        original_init(self, *args, **kwargs)

    monkeypatch.setattr(CustomSkill, "__init__", counting_init)
    monkeypatch.setattr(
        DefaultSerializer, "deserialize", lambda *a, **k: pytest.fail("the event was decoded again")
    )
    for event in (
        launch_request(),
        intent_request("AMAZON.HelpIntent"),
        launch_request(user_id=USER_ID + "B"),
    ):
        reply = handler(event, FakeLambdaContext())
        assert reply["response"]["outputSpeech"]["ssml"].startswith("<speak>")
    assert built == []
    assert storage.count_users() == 2  # both users' profiles kept


# -- bad input: one table of cases, each named for what it attacks ------------------------


def _launch(**kw: Any) -> dict[str, Any]:
    return launch_request(**kw)


def _deep(levels: int) -> dict[str, Any]:
    event = _launch()
    node: dict[str, Any] = {}
    event["session"]["attributes"] = {"coach": node}
    for _ in range(levels):
        node["x"] = {}
        node = node["x"]
    return event


def _without_context_application() -> dict[str, Any]:
    event = _launch()
    del event["context"]["System"]["application"]
    return event


def _huge_user_id() -> dict[str, Any]:
    return _launch(user_id="amzn1.ask.account." + "A" * 50_000)


def _with_value(path: tuple[str, ...], value: Any) -> dict[str, Any]:
    event = intent_request("AMAZON.NextIntent", session_attributes={"coach": {}})
    node = event
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return event


HOSTILE = [
    ("not an object", ["request"], "not an Alexa request envelope"),
    ("no request", {"version": "1.0"}, "not an Alexa request envelope"),
    ("nothing at all", None, "not an Alexa request envelope"),
    ("nesting past the SDK's recursion", _deep(600), "nested too deeply"),
    (
        "NaN in session attributes",
        _with_value(("session", "attributes", "spent_s"), float("nan")),
        "out of range",
    ),
    ("a 400-digit number", _with_value(("session", "attributes", "n"), 10**400), "out of range"),
    ("1e300 to be stored", _with_value(("session", "attributes", "n"), 1e300), "out of range"),
    ("a lone surrogate", _with_value(("request", "locale"), "\ud800"), "invalid string"),
    ("no context.System.application", _without_context_application(), "no application id"),
    ("a 50,000-character user id", _huge_user_id(), "invalid user id"),
    ("an integer user id", _with_value(("session", "user", "userId"), 5), "invalid user id"),
    ("another skill's event", _launch(application_id=OTHER_SKILL), "request not for this skill"),
    ("a type the SDK cannot map", _with_value(("request", "type"), "NoSuchRequest"), "not understood"),
    ("a timestamp that is not one", _with_value(("request", "timestamp"), "yesterday-ish"), "not understood"),
]


@pytest.mark.parametrize("event, reason", [(e, r) for _, e, r in HOSTILE], ids=[n for n, _, _ in HOSTILE])
def test_a_malformed_event_gets_a_logged_refusal_and_no_exception(
    event: Any, reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    storage = MemoryAdapter()
    handler = make_handler({"STORAGE_BACKEND": "memory", "ALEXA_SKILL_IDS": SKILL_ID}, persistence=storage)
    with caplog.at_level(logging.WARNING, logger="skill"):
        reply = handler(event, FakeLambdaContext())
    assert reply == REFUSAL
    json.dumps(reply, allow_nan=False)
    refusals = [r.getMessage() for r in caplog.records if r.name == "skill.lambda"]
    assert len(refusals) == 1 and refusals[0].startswith("refused event: ") and reason in refusals[0]
    assert USER_ID not in caplog.text and "AAAAAAAAAA" not in caplog.text  # never the event
    assert storage.count_users() == 0


def test_the_refusal_is_a_fresh_dict_each_time() -> None:
    handler = make_handler({"STORAGE_BACKEND": "memory"}, persistence=MemoryAdapter())
    first = handler(None, FakeLambdaContext())
    first["response"]["outputSpeech"] = {"type": "PlainText", "text": "mutated"}
    assert handler(None, FakeLambdaContext()) == REFUSAL == {"version": "1.0", "response": {}}


def test_with_several_skill_ids_each_is_accepted_and_others_refused(caplog: pytest.LogCaptureFixture) -> None:
    handler = make_handler(
        {"STORAGE_BACKEND": "memory", "ALEXA_SKILL_IDS": f"{OTHER_SKILL},{SKILL_ID}"},
        persistence=MemoryAdapter(),
    )
    assert "outputSpeech" in handler(_launch(), FakeLambdaContext())["response"]
    assert "outputSpeech" in handler(_launch(application_id=OTHER_SKILL), FakeLambdaContext())["response"]
    third = "amzn1.ask.skill.00000000-0000-4000-8000-000000000abc"
    assert handler(_launch(application_id=third), FakeLambdaContext()) == REFUSAL


def test_without_skill_ids_it_warns_once_at_build(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="skill"):
        handler = make_handler({"STORAGE_BACKEND": "memory"}, persistence=MemoryAdapter())
    assert "ALEXA_SKILL_IDS is not set" in caplog.text
    assert "outputSpeech" in handler(_launch(), FakeLambdaContext())["response"]


def test_a_session_ended_request_gets_no_speech(dynamo_env: dict[str, str]) -> None:
    handler = make_handler(dynamo_env)
    handler(launch_request(session_id="amzn1.echo-api.session.x"), FakeLambdaContext())
    reply = handler(
        session_ended_request("USER_INITIATED", session_id="amzn1.echo-api.session.x"), FakeLambdaContext()
    )
    assert reply["version"] == "1.0" and "outputSpeech" not in reply["response"]
