"""Outbound calls to Alexa's API: each call ends by its deadline, a turn keeps to its budget,
every failure becomes None (time zone) or AlexaApiError (calls), nothing identifying is logged."""

from __future__ import annotations

import json
import logging
import socket
import ssl
import time
from typing import Any

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_core.skill_builder import CustomSkillBuilder
from ask_sdk_model import RequestEnvelope
from ask_sdk_model.services import ApiClientRequest, ApiConfiguration, ServiceClientFactory
from ask_sdk_model.services.reminder_management import (
    AlertInfo,
    PushNotification,
    PushNotificationStatus,
    ReminderRequest,
    ReminderResponse,
    SpokenInfo,
    SpokenText,
    Trigger,
    TriggerType,
)

from skill.alexa.api import (
    AlexaApi,
    AlexaApiClient,
    AlexaApiError,
    Budget,
    device_time_zone,
    turn_budget,
)
from tests.envelopes import DEVICE_ID, USER_ID, launch_request
from tests.fake_alexa_api import FakeAlexaApi, alexa_api_fixture  # noqa: F401  (the alexa_api fixture)

TOKEN = "eyJ0eXAiOiJKV1Qi.SECRET-TEST-ACCESS-TOKEN.c2lnbmF0dXJl"
TZ_PATH = f"/v2/devices/{DEVICE_ID}/settings/System.timeZone"
CAP = 1.0  # per-call cap in these tests: short, so hangs cost little
SLACK = 0.5  # correctness bound on top of a deadline, not a speed benchmark

serializer = DefaultSerializer()


def request_envelope(
    endpoint: str | None, *, token: str | None = TOKEN, device_id: str | None = DEVICE_ID
) -> RequestEnvelope:
    body = launch_request()
    system = body["context"]["System"]
    for key, value in (("apiEndpoint", endpoint), ("apiAccessToken", token)):
        if value is None:
            del system[key]
        else:
            system[key] = value
    if device_id is None:
        del system["device"]
    else:
        system["device"]["deviceId"] = device_id
    return serializer.deserialize(json.dumps(body), RequestEnvelope)


def client(**kw: Any) -> AlexaApiClient:
    return AlexaApiClient(call_timeout=kw.pop("call_timeout", CAP), **kw)


def time_zone(fake: FakeAlexaApi, budget: Budget | None = None, **kw: Any) -> tuple[str | None, float]:
    started = time.monotonic()
    zone = device_time_zone(request_envelope(fake.endpoint), client(**kw), budget or Budget())
    return zone, time.monotonic() - started


# --- success ----------------------------------------------------------------------------------


def test_time_zone_from_the_settings_api(alexa_api: FakeAlexaApi) -> None:
    alexa_api.answer(TZ_PATH, "Europe/London")
    zone, _ = time_zone(alexa_api)
    assert zone == "Europe/London"
    [call] = alexa_api.calls
    assert call.method == "GET"
    assert call.path == TZ_PATH
    assert call.headers["authorization"] == f"Bearer {TOKEN}"
    assert call.headers["host"] == f"127.0.0.1:{alexa_api.port}"
    assert call.body is None


def test_device_id_is_percent_encoded_in_the_path(alexa_api: FakeAlexaApi) -> None:
    odd = "amzn1.ask.device.A/B?C"
    alexa_api.answer("/v2/devices/amzn1.ask.device.A%2FB%3FC/settings/System.timeZone", "Asia/Tokyo")
    envelope = request_envelope(alexa_api.endpoint, device_id=odd)
    assert device_time_zone(envelope, client(), Budget()) == "Asia/Tokyo"


def test_plugs_into_the_sdk_service_clients(alexa_api: FakeAlexaApi) -> None:
    """The SDK's own UpsServiceClient runs over our client (CustomSkillBuilder(api_client=...))."""
    CustomSkillBuilder(api_client=client())  # accepted as an ApiClient
    alexa_api.answer(TZ_PATH, "America/New_York")
    configuration = ApiConfiguration(
        serializer=serializer,
        api_client=client().bound(Budget()),
        authorization_value=TOKEN,
        api_endpoint=alexa_api.endpoint,
    )
    ups = ServiceClientFactory(configuration).get_ups_service()
    assert ups.get_system_time_zone(DEVICE_ID) == "America/New_York"


def test_posts_an_sdk_model_and_parses_the_answer_into_one(alexa_api: FakeAlexaApi) -> None:
    """What the Reminders API will need: a model body out, a model answer back."""
    path = "/v1/alerts/reminders"
    alexa_api.answer(
        path, {"alertToken": "a-token", "status": "ON", "version": "1"}, status=201, method="POST"
    )
    reminder = ReminderRequest(
        trigger=Trigger(object_type=TriggerType.SCHEDULED_ABSOLUTE, time_zone_id="Europe/London"),
        alert_info=AlertInfo(
            spoken_info=SpokenInfo(
                content=[SpokenText(locale="en-GB", text="Time for your upper-back stretches")]
            )
        ),
        push_notification=PushNotification(status=PushNotificationStatus.ENABLED),
    )
    api = AlexaApi.for_request(request_envelope(alexa_api.endpoint), client(), Budget())
    answer = api.call("POST", path, body=reminder, response_type=ReminderResponse)
    assert isinstance(answer, ReminderResponse) and answer.alert_token == "a-token"
    [call] = alexa_api.calls
    assert call.headers["content-type"] == "application/json"
    assert call.body["trigger"] == {"type": "SCHEDULED_ABSOLUTE", "timeZoneId": "Europe/London"}
    assert call.body["alertInfo"]["spokenInfo"]["content"][0]["text"] == "Time for your upper-back stretches"


def test_turn_budget_is_made_once_per_turn() -> None:
    class Attributes:
        request_attributes: dict[str, Any] = {}

    class HandlerInput:
        attributes_manager = Attributes()

    handler_input = HandlerInput()
    first = turn_budget(handler_input)  # type: ignore[arg-type]
    assert turn_budget(handler_input) is first  # type: ignore[arg-type]
    assert 3.9 < first.remaining() <= 4.0


# --- failures: None, quickly --------------------------------------------------------------------

FAILURES = {
    # name: (how the fake answers, status AlexaApiError carries)
    "bad request 400": (dict(body={"code": "INVALID"}, status=400), 400),
    "token expired 401": (dict(body={"code": "UNAUTHORIZED"}, status=401), 401),
    "no access 403": (dict(body={"code": "FORBIDDEN"}, status=403), 403),
    "not found 404": (dict(body={"code": "NOT_FOUND"}, status=404), 404),
    "throttled 429": (dict(body={"code": "TOO_MANY"}, status=429), 429),
    "server error 500": (dict(body=b"<html>oops</html>", status=500), 500),
    "bad gateway 502, no body": (dict(body=None, status=502), 502),
    "not JSON": (dict(body=b"Europe/London"), None),
    "truncated JSON": (dict(body=b'"Europe/Lon'), None),
}


@pytest.mark.parametrize("reply,status", FAILURES.values(), ids=FAILURES.keys())
def test_failure_answers_give_none_quickly(alexa_api: FakeAlexaApi, reply: dict, status: int | None) -> None:
    alexa_api.answer(TZ_PATH, **reply)
    zone, elapsed = time_zone(alexa_api)
    assert zone is None
    assert elapsed < CAP
    api = AlexaApi.for_request(request_envelope(alexa_api.endpoint), client(), Budget())
    with pytest.raises(AlexaApiError) as error:
        api.call("GET", TZ_PATH)
    assert error.value.status == status


def test_no_content_gives_none(alexa_api: FakeAlexaApi) -> None:
    alexa_api.answer(TZ_PATH, status=204)
    assert time_zone(alexa_api)[0] is None
    assert AlexaApi(alexa_api.endpoint, TOKEN, client(), Budget()).call("GET", TZ_PATH) is None


NOT_ZONES = {
    "unknown zone": "Mars/Olympus_Mons",
    "path escape": "../../../etc/passwd",
    "absolute path": "/etc/localtime",
    "tz file that is not a zone": "localtime",
    "empty": "",
    "a number": 42,
    "an object": {"timeZone": "Europe/London"},
    "null": None,
    "offset, not a zone name": "+01:00",
}


@pytest.mark.parametrize("answer", NOT_ZONES.values(), ids=NOT_ZONES.keys())
def test_an_answer_that_is_not_an_iana_zone_gives_none(alexa_api: FakeAlexaApi, answer: Any) -> None:
    alexa_api.answer(TZ_PATH, json.dumps(answer).encode())
    assert time_zone(alexa_api)[0] is None


MISSING = {
    "no apiEndpoint": dict(endpoint=None),
    "no apiAccessToken": dict(token=None),
    "empty apiAccessToken": dict(token=""),
    "no device": dict(device_id=None),
}


@pytest.mark.parametrize("missing", MISSING.values(), ids=MISSING.keys())
def test_missing_request_fields_give_none_without_a_call(alexa_api: FakeAlexaApi, missing: dict) -> None:
    alexa_api.answer(TZ_PATH, "Europe/London")
    fields = {"endpoint": alexa_api.endpoint, **missing}
    assert device_time_zone(request_envelope(**fields), client(), Budget()) is None
    assert alexa_api.calls == []


def test_connection_refused_gives_none_with_no_status() -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    endpoint = f"https://127.0.0.1:{port}"
    started = time.monotonic()
    assert device_time_zone(request_envelope(endpoint), client(), Budget()) is None
    assert time.monotonic() - started < CAP
    with pytest.raises(AlexaApiError) as error:
        AlexaApi(endpoint, TOKEN, client(), Budget()).call("GET", "/")
    assert error.value.status is None


# --- deadlines and the budget ---------------------------------------------------------------

SLOW = {
    "hangs before answering": lambda fake: fake.hang(TZ_PATH),
    "drips the body": lambda fake: fake.drip(TZ_PATH, interval=0.5),
    "drips from the status line on": lambda fake: fake.drip(TZ_PATH, interval=0.5, headers_too=True),
    "drips faster than any one read times out": lambda fake: fake.drip(TZ_PATH, interval=0.05),
}


@pytest.mark.slow
@pytest.mark.parametrize("slow", SLOW.values(), ids=SLOW.keys())
def test_a_slow_server_cannot_stretch_the_call_past_its_deadline(alexa_api: FakeAlexaApi, slow) -> None:
    slow(alexa_api)
    zone, elapsed = time_zone(alexa_api)
    assert zone is None
    assert elapsed < CAP + SLACK
    api = AlexaApi.for_request(request_envelope(alexa_api.endpoint), client(), Budget())
    started = time.monotonic()
    with pytest.raises(AlexaApiError) as error:
        api.call("GET", TZ_PATH)
    assert time.monotonic() - started < CAP + SLACK
    assert (error.value.reason, error.value.status) == ("timeout", None)


@pytest.mark.slow
def test_the_budget_is_shared_by_the_calls_of_one_turn(alexa_api: FakeAlexaApi) -> None:
    alexa_api.hang(TZ_PATH)
    budget = Budget(1.5)
    api = AlexaApi.for_request(request_envelope(alexa_api.endpoint), client(call_timeout=CAP), budget)
    started = time.monotonic()
    with pytest.raises(AlexaApiError):
        api.call("GET", TZ_PATH)  # takes its whole cap: 1.0 s
    first = time.monotonic() - started
    assert CAP - 0.1 < first < CAP + SLACK
    with pytest.raises(AlexaApiError):
        api.call("GET", TZ_PATH)  # only what the budget has left: about 0.5 s
    assert time.monotonic() - started < 1.5 + SLACK
    assert budget.remaining() == 0
    calls_before = len(alexa_api.calls)
    quick = time.monotonic()
    with pytest.raises(AlexaApiError) as error:
        api.call("GET", TZ_PATH)  # nothing left: no call at all
    assert error.value.reason == "budget spent"
    assert time.monotonic() - quick < 0.1
    assert len(alexa_api.calls) == calls_before
    assert device_time_zone(request_envelope(alexa_api.endpoint), client(), budget) is None
    assert len(alexa_api.calls) == calls_before


@pytest.mark.slow
def test_a_budget_smaller_than_the_cap_bounds_the_call(alexa_api: FakeAlexaApi) -> None:
    alexa_api.drip(TZ_PATH, interval=0.1)
    zone, elapsed = time_zone(alexa_api, Budget(0.4), call_timeout=3.0)
    assert zone is None
    assert elapsed < 0.4 + SLACK


# --- transport rules ----------------------------------------------------------------------------


def test_plain_http_is_refused_without_a_call(alexa_api: FakeAlexaApi) -> None:
    alexa_api.answer(TZ_PATH, "Europe/London")
    plain = alexa_api.endpoint.replace("https://", "http://")
    assert device_time_zone(request_envelope(plain), client(), Budget()) is None
    assert alexa_api.calls == []
    with pytest.raises(AlexaApiError) as error:
        client().invoke(ApiClientRequest(url=plain + TZ_PATH, method="GET"))
    assert error.value.status is None and "https only" in error.value.reason


@pytest.mark.parametrize(
    "url",
    [
        "ftp://127.0.0.1/x",
        "https:///no-host",
        "https://u:p@127.0.0.1/",
        "https://127.0.0.1:99999/",
        "//127.0.0.1/x",
        "not a url",
    ],
)
def test_other_urls_are_refused(url: str) -> None:
    with pytest.raises(AlexaApiError) as error:
        client().invoke(ApiClientRequest(url=url, method="GET"))
    assert error.value.status is None


def test_a_redirect_is_not_followed(alexa_api: FakeAlexaApi) -> None:
    alexa_api.redirect(TZ_PATH, f"{alexa_api.endpoint}/elsewhere")
    alexa_api.answer("/elsewhere", "Europe/London")
    assert time_zone(alexa_api)[0] is None
    assert [call.path for call in alexa_api.calls] == [TZ_PATH]
    with pytest.raises(AlexaApiError) as error:
        AlexaApi(alexa_api.endpoint, TOKEN, client(), Budget()).call("GET", TZ_PATH)
    assert error.value.status == 302


def test_an_untrusted_certificate_is_refused(alexa_api: FakeAlexaApi) -> None:
    alexa_api.answer(TZ_PATH, "Europe/London")
    untrusted = client(ssl_context=ssl.create_default_context())  # system roots, not the fake's CA
    assert device_time_zone(request_envelope(alexa_api.endpoint), untrusted, Budget()) is None
    with pytest.raises(AlexaApiError) as error:
        AlexaApi(alexa_api.endpoint, TOKEN, untrusted, Budget()).call("GET", TZ_PATH)
    assert error.value.reason.startswith("TLS failure")


def test_an_injected_context_replaces_the_environment(
    alexa_api: FakeAlexaApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    alexa_api.answer(TZ_PATH, "Europe/London")
    monkeypatch.delenv("REQUESTS_CA_BUNDLE")
    assert time_zone(alexa_api)[0] is None  # certifi's roots do not know the fake's CA
    trusting = ssl.create_default_context(cafile=str(alexa_api.ca_file))
    assert time_zone(alexa_api, ssl_context=trusting)[0] == "Europe/London"


def test_a_host_name_the_certificate_does_not_name_is_refused() -> None:
    with FakeAlexaApi(cert_names=("localhost",)) as fake:
        fake.answer(TZ_PATH, "Europe/London")
        trusting = ssl.create_default_context(cafile=str(fake.ca_file))
        assert time_zone(fake, ssl_context=trusting)[0] is None  # 127.0.0.1 is not in its SAN
        by_name = request_envelope(f"https://localhost:{fake.port}")
        assert device_time_zone(by_name, client(ssl_context=trusting), Budget()) == "Europe/London"


HUGE = {
    "declared length": dict(declare_length=True),
    "no length, read until the cap": dict(declare_length=False),
}


@pytest.mark.parametrize("how", HUGE.values(), ids=HUGE.keys())
def test_a_huge_body_is_capped(alexa_api: FakeAlexaApi, how: dict) -> None:
    alexa_api.huge(TZ_PATH, 50 * 1024 * 1024, **how)
    zone, elapsed = time_zone(alexa_api)
    assert zone is None
    assert elapsed < CAP
    with pytest.raises(AlexaApiError) as error:
        AlexaApi(alexa_api.endpoint, TOKEN, client(max_response_bytes=4096), Budget()).call("GET", TZ_PATH)
    assert (error.value.reason, error.value.status) == ("response too large", None)


def test_a_body_at_the_cap_is_read(alexa_api: FakeAlexaApi) -> None:
    zone = "America/Argentina/ComodRivadavia"
    alexa_api.answer(TZ_PATH, zone)
    size = len(json.dumps(zone))
    assert time_zone(alexa_api, max_response_bytes=size)[0] == zone
    assert time_zone(alexa_api, max_response_bytes=size - 1)[0] is None


def test_a_header_with_a_line_break_is_refused(alexa_api: FakeAlexaApi) -> None:
    envelope = request_envelope(alexa_api.endpoint, token="abc\r\nX-Injected: 1")
    assert device_time_zone(envelope, client(), Budget()) is None
    assert alexa_api.calls == []


# --- privacy ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_logs_never_hold_the_token_or_ids(alexa_api: FakeAlexaApi, caplog: pytest.LogCaptureFixture) -> None:
    # The "skill" logger too: an app created earlier in the session (test_chat) sets its own level.
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="skill")
    cases = [
        lambda: alexa_api.answer(TZ_PATH, {"message": f"bad token {TOKEN}"}, status=401),
        lambda: alexa_api.answer(TZ_PATH, status=500, body=f"{USER_ID} {DEVICE_ID}".encode()),
        lambda: alexa_api.answer(TZ_PATH, f"{DEVICE_ID}/Nowhere"),
        lambda: alexa_api.answer(TZ_PATH, body=b"not json " + TOKEN.encode()),
        lambda: alexa_api.hang(TZ_PATH),
        lambda: alexa_api.redirect(TZ_PATH, f"/v2/devices/{DEVICE_ID}"),
    ]
    for tell in cases:
        tell()
        # The full cap for each: on a busy machine a short one could turn the 401 into a timeout.
        assert time_zone(alexa_api)[0] is None
    plain = alexa_api.endpoint.replace("https://", "http://")
    assert device_time_zone(request_envelope(plain), client(), Budget()) is None
    assert device_time_zone(request_envelope(alexa_api.endpoint, token=None), client(), Budget()) is None
    assert caplog.records, "failures are logged"
    text = caplog.text + "".join(str(record.args) for record in caplog.records)
    for secret in (TOKEN, "SECRET-TEST-ACCESS-TOKEN", USER_ID, DEVICE_ID, "AEXAMPLE"):
        assert secret not in text
    assert "HTTP 401" in text and "timeout" in text


def test_the_turn_api_does_not_show_its_token(alexa_api: FakeAlexaApi) -> None:
    api = AlexaApi.for_request(request_envelope(alexa_api.endpoint), client(), Budget())
    assert TOKEN not in repr(api) and TOKEN not in str(vars(api).get("budget"))


def test_a_missing_ca_bundle_is_a_failure_not_a_crash(
    alexa_api: FakeAlexaApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    alexa_api.answer(TZ_PATH, "Europe/London")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(alexa_api.ca_file) + ".missing")
    assert time_zone(alexa_api)[0] is None


def test_another_api_client_raising_gives_none_not_a_crash(alexa_api: FakeAlexaApi) -> None:
    from ask_sdk_core.api_client import DefaultApiClient

    plain = alexa_api.endpoint.replace("https://", "http://")  # the SDK's client raises on http
    assert device_time_zone(request_envelope(plain), DefaultApiClient(), Budget()) is None
