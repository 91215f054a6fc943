"""Realistic Alexa request envelopes, built in one place: for the tests and for `python -m skill try`.

Field names and shapes follow Alexa's request JSON reference; ids look like the real ones.
Every builder takes overrides so a test states only what it cares about.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

SKILL_ID = "amzn1.ask.skill.00000000-0000-4000-8000-000000000001"
USER_ID = "amzn1.ask.account.AEXAMPLEUSERIDFORTESTSONLY0000000000000000000000000"
# Where Alexa's APIs are for this request. Alexa sends its own region's endpoint; tests
# replace this with a loopback address (tests/conftest.py), so nothing ever calls Amazon.
API_ENDPOINT = "https://api.amazonalexa.com"
DEVICE_ID = "amzn1.ask.device.AEXAMPLEDEVICEIDFORTESTS00000000000000000000000000"


def iso(ts: datetime | str | None) -> str:
    if ts is None:
        ts = datetime.now(UTC)
    if isinstance(ts, str):
        return ts
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _request_id() -> str:
    return f"amzn1.echo-api.request.{uuid.uuid4()}"


def envelope(
    request: dict[str, Any],
    *,
    new_session: bool = True,
    session_attributes: Mapping[str, Any] | None = None,
    session_id: str | None = None,
    application_id: str = SKILL_ID,
    user_id: str = USER_ID,
    with_session: bool = True,
    locale: str = "en-US",
    api_endpoint: str | None = None,
    supported_interfaces: Mapping[str, Any] | None = None,
    viewport: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """`supported_interfaces` and `viewport` describe a device with a screen, e.g.
    {"Alexa.Presentation.APL": {"runtime": {"maxVersion": "2023.3"}}} and context.Viewport."""
    request.setdefault("requestId", _request_id())
    request.setdefault("timestamp", iso(None))
    request.setdefault("locale", locale)
    body: dict[str, Any] = {
        "version": "1.0",
        "context": {
            "System": {
                "application": {"applicationId": application_id},
                "user": {"userId": user_id},
                "device": {"deviceId": DEVICE_ID, "supportedInterfaces": dict(supported_interfaces or {})},
                "apiEndpoint": api_endpoint or API_ENDPOINT,
                "apiAccessToken": "test-access-token",
            },
            "Viewport": None,
        },
        "request": request,
    }
    if viewport is not None:
        body["context"]["Viewport"] = dict(viewport)
    else:
        del body["context"]["Viewport"]
    if with_session:
        body["session"] = {
            "new": new_session,
            "sessionId": session_id or f"amzn1.echo-api.session.{uuid.uuid4()}",
            "application": {"applicationId": application_id},
            "attributes": dict(session_attributes or {}),
            "user": {"userId": user_id},
        }
    return body


def launch_request(*, timestamp: datetime | str | None = None, **kw: Any) -> dict[str, Any]:
    return envelope({"type": "LaunchRequest", "timestamp": iso(timestamp)}, **kw)


def slot_value(
    name: str,
    value: str | None,
    *,
    match_id: str | None = None,
    match_name: str | None = None,
    slot_type: str = "EXERCISE",
    skill_id: str = SKILL_ID,
    resolved: bool = True,
) -> dict[str, Any]:
    """One slot as Alexa sends it: with entity resolution when a value was heard.

    match_id set -> ER_SUCCESS_MATCH to that id; value but no match_id -> ER_SUCCESS_NO_MATCH;
    value None -> the slot is present but empty (she did not say it); resolved=False -> the
    value without any resolution (as some test tools send it).
    """
    slot: dict[str, Any] = {"name": name, "confirmationStatus": "NONE"}
    if value is None:
        return slot
    slot["value"] = value
    slot["source"] = "USER"
    if not resolved:
        return slot
    authority = f"amzn1.er-authority.echo-sdk.{skill_id}.{slot_type}"
    if match_id is not None:
        status: dict[str, Any] = {"code": "ER_SUCCESS_MATCH"}
        values = [{"value": {"name": match_name or value, "id": match_id}}]
        resolution = {"authority": authority, "status": status, "values": values}
    else:
        resolution = {"authority": authority, "status": {"code": "ER_SUCCESS_NO_MATCH"}}
    slot["resolutions"] = {"resolutionsPerAuthority": [resolution]}
    return slot


def _heard(words: str) -> str:
    """How entity resolution compares words: blind to case and punctuation."""
    words = re.sub(r"['.\u2019]", "", words.lower())
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", words).split())


def resolved_slot(
    model: Mapping[str, Any], intent: str, slot: str, heard: str | None, *, skill_id: str = SKILL_ID
) -> dict[str, Any]:
    """The slot as Alexa sends it for these heard words, resolved against `model` (the
    interaction model JSON, or its languageModel) like Alexa's entity resolution:
    ER_SUCCESS_MATCH with the value's id and name when the words are a value or synonym of
    the slot's type, ER_SUCCESS_NO_MATCH otherwise. Built-in AMAZON.* types carry no
    resolutions. A slot the intent does not declare raises KeyError: Alexa never sends one.
    """
    language = model.get("interactionModel", {}).get("languageModel", model)
    intents = {i["name"]: i for i in language["intents"]}
    if intent not in intents:
        raise KeyError(f"the model has no intent {intent}")
    types = {s["name"]: s["type"] for s in intents[intent].get("slots", [])}
    if slot not in types:
        raise KeyError(f"{intent} has no slot {slot!r}; it has {', '.join(types) or 'none'}")
    values = next((t["values"] for t in language.get("types", []) if t["name"] == types[slot]), None)
    if values is None or heard is None:  # a built-in type, or she did not say it
        return slot_value(slot, heard, slot_type=types[slot], skill_id=skill_id, resolved=values is not None)
    for value in values:
        name = value["name"]["value"]
        if _heard(heard) in {_heard(s) for s in (name, *value["name"].get("synonyms", ()))}:
            return slot_value(
                slot, heard, match_id=value["id"], match_name=name, slot_type=types[slot], skill_id=skill_id
            )
    return slot_value(slot, heard, slot_type=types[slot], skill_id=skill_id)


def intent_request(
    name: str,
    slots: Mapping[str, dict[str, Any]] | None = None,
    *,
    timestamp: datetime | str | None = None,
    new_session: bool = False,
    **kw: Any,
) -> dict[str, Any]:
    intent: dict[str, Any] = {"name": name, "confirmationStatus": "NONE"}
    if slots is not None:
        intent["slots"] = dict(slots)
    request = {
        "type": "IntentRequest",
        "timestamp": iso(timestamp),
        "dialogState": "COMPLETED" if slots else None,
        "intent": intent,
    }
    if request["dialogState"] is None:
        del request["dialogState"]
    return envelope(request, new_session=new_session, **kw)


def session_ended_request(
    reason: str = "USER_INITIATED",
    *,
    error: Mapping[str, str] | None = None,
    timestamp: datetime | str | None = None,
    **kw: Any,
) -> dict[str, Any]:
    request: dict[str, Any] = {"type": "SessionEndedRequest", "timestamp": iso(timestamp), "reason": reason}
    if error:
        request["error"] = dict(error)
    kw.setdefault("new_session", False)
    return envelope(request, **kw)


def skill_disabled_event(*, timestamp: datetime | str | None = None, **kw: Any) -> dict[str, Any]:
    """AlexaSkillEvent.SkillDisabled arrives without a session."""
    request = {
        "type": "AlexaSkillEvent.SkillDisabled",
        "timestamp": iso(timestamp),
        "eventCreationTime": iso(timestamp),
        "eventPublishingTime": iso(timestamp),
        "body": {"userInformation": {"consentToken": None}},
    }
    kw.setdefault("with_session", False)
    return envelope(request, **kw)


def skill_permission_event(
    scopes: Iterable[str] = (),
    *,
    accepted: bool = False,
    timestamp: datetime | str | None = None,
    user_id: str = USER_ID,
    application_id: str = SKILL_ID,
    api_endpoint: str | None = None,
) -> dict[str, Any]:
    """AlexaSkillEvent.SkillPermissionChanged (or, with accepted=True, SkillPermissionAccepted):
    `scopes` are every scope she still allows, none once she has taken them all back.
    As Alexa sends skill events: no session, no device, no locale; the user carries a consent
    token only while she allows something.
    https://developer.amazon.com/en-US/docs/alexa/smapi/skill-events-in-alexa-skills.html"""
    kept = [{"scope": scope} for scope in scopes]
    user: dict[str, Any] = {"userId": user_id}
    if kept:
        user["permissions"] = {"consentToken": "test-consent-token"}
    stamp = iso(timestamp)
    return {
        "version": "1.0",
        "context": {
            "System": {
                "application": {"applicationId": application_id},
                "user": user,
                "apiEndpoint": api_endpoint or API_ENDPOINT,
                "apiAccessToken": "test-access-token",
            }
        },
        "request": {
            "type": f"AlexaSkillEvent.SkillPermission{'Accepted' if accepted else 'Changed'}",
            "requestId": _request_id(),
            "timestamp": stamp,
            "eventCreationTime": stamp,
            "eventPublishingTime": stamp,
            "body": {"acceptedPermissions": kept},
        },
    }
