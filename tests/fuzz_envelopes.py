"""hypothesis strategies for Alexa request envelopes, shaped like ask-sdk-model's classes.

Every request type a custom skill receives, with the enum values taken from the SDK's own
classes (SessionEndedReason, SessionEndedErrorType, DialogState, confirmation statuses,
entity-resolution StatusCode) so the shapes follow the SDK, and every intent and slot from
interaction_model/en-US.json. Around them: random locales, a missing session or user, and
hostile session attributes (wrong types, unknown modes, future schema versions, out-of-range
values, strings up to the body cap, deep nesting). `envelopes()` draws (envelope, seed_doc):
the JSON dict to sign and post, and a profile document to store for her first (or None).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from ask_sdk_model import (
    DialogState,
    IntentConfirmationStatus,
    SessionEndedErrorType,
    SessionEndedReason,
    SlotConfirmationStatus,
)
from ask_sdk_model.slu.entityresolution import StatusCode
from hypothesis import strategies as st

from skill.alexa.apl import SCREEN_KEY, TOUCH_EVENTS
from skill.core import attributes
from skill.core import profile as prof
from skill.core import routine as rt
from skill.core.content import default
from skill.core.pacing import DOSES, PACES
from tests.envelopes import DEVICE_ID, SKILL_ID

MODEL = json.loads((Path(__file__).resolve().parents[1] / "interaction_model" / "en-US.json").read_text())
LANGUAGE = MODEL["interactionModel"]["languageModel"]
INTENTS = {i["name"]: [(s["name"], s["type"]) for s in i.get("slots", [])] for i in LANGUAGE["intents"]}
TYPES = {t["name"]: t["values"] for t in LANGUAGE.get("types", [])}
CONTENT = default()
IDS = tuple(CONTENT.ids)
VERSIONS = tuple(r.id for r in CONTENT.routines)
REFUSING_API = "https://127.0.0.1:1"
BODY_CAP = 128 * 1024
SKILL_EVENTS = (
    "SkillEnabled",
    "SkillDisabled",
    "SkillPermissionAccepted",
    "SkillPermissionChanged",
    "SkillAccountLinked",
)

# Text as she might be heard, and as an attacker might write it: NUL, emoji, RTL, SSML markup.
WORDS = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "🤰",
        "<break time='10s'/>",
        "&amp;",
        "{name}",
        "\u202e",
        "bleeding and dizzy",
        "cat cow",
        "wall angels",
        "seated",
    ]
)
TEXT = st.one_of(st.text(max_size=40), WORDS)
ANY_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.floats(-1e15, 1e15) | TEXT,
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(TEXT, kids, max_size=4),
    max_leaves=12,
)


def _enum(cls: Any) -> st.SearchStrategy[str]:
    return st.sampled_from([member.value for member in cls])


def _odd(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly valid values, sometimes anything at all."""
    return st.one_of(valid, valid, valid, ANY_JSON)


# --- slots and intents --------------------------------------------------------------------


SLOT_CONFIRMATION = _enum(SlotConfirmationStatus)
INTENT_CONFIRMATION = _enum(IntentConfirmationStatus)
STATUS_CODES = _enum(StatusCode)


def _heard(values: list[dict[str, Any]]) -> st.SearchStrategy[str | None]:
    synonyms = [s for v in values for s in (v["name"]["value"], *v["name"].get("synonyms", ()))]
    return st.one_of(st.none(), TEXT, st.sampled_from(synonyms or [""]))


def _matches(values: list[dict[str, Any]]) -> st.SearchStrategy[list[dict[str, Any]]]:
    ids = st.sampled_from([v.get("id", v["name"]["value"]) for v in values] or [""]) | TEXT
    return st.lists(
        st.builds(lambda i, n: {"value": {"id": i, "name": n}}, ids, TEXT), min_size=1, max_size=3
    )


# Built once: a strategy made inside a draw is re-validated every time, which cost more than
# the request it built (8 of 11 s for 300 cases).
HEARD = {name: _heard(values) for name, values in TYPES.items()} | {"": _heard([])}
MATCHES = {name: _matches(values) for name, values in TYPES.items()}


@st.composite
def slot(draw: st.DrawFn, name: str, slot_type: str) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name, "confirmationStatus": draw(SLOT_CONFIRMATION)}
    heard = draw(HEARD.get(slot_type, HEARD[""]))
    if heard is None:
        return out
    out["value"], out["source"] = heard, "USER"
    if slot_type not in TYPES or draw(st.integers(0, 3)) == 0:
        return out  # built-in type, or no resolutions sent
    code = draw(STATUS_CODES)
    authority = f"amzn1.er-authority.echo-sdk.{SKILL_ID}.{slot_type}"
    resolution: dict[str, Any] = {"authority": authority, "status": {"code": code}}
    if code == "ER_SUCCESS_MATCH":
        resolution["values"] = draw(MATCHES[slot_type])
    out["resolutions"] = {"resolutionsPerAuthority": [resolution]}
    return out


SLOTS = {(n, t): slot(n, t) for slots in INTENTS.values() for n, t in slots} | {
    ("unmatched", "EXERCISE"): slot("unmatched", "EXERCISE")
}
INTENT_NAMES = st.sampled_from(sorted(INTENTS)) | st.sampled_from(["NoSuchIntent", "AMAZON.ScrollUpIntent"])


@st.composite
def intent(draw: st.DrawFn) -> dict[str, Any]:
    name = draw(INTENT_NAMES)
    slots = {}
    for slot_name, slot_type in INTENTS.get(name, []):
        if draw(st.integers(0, 4)):  # usually present, sometimes missing altogether
            slots[slot_name] = draw(SLOTS[slot_name, slot_type])
    if draw(st.integers(0, 9)) == 0:  # a slot the model does not declare
        slots["unmatched"] = draw(SLOTS["unmatched", "EXERCISE"])
    body = {"name": name, "confirmationStatus": draw(INTENT_CONFIRMATION)}
    if slots or draw(st.booleans()):
        body["slots"] = slots
    return body


# --- requests ------------------------------------------------------------------------------


def _request_kinds() -> st.SearchStrategy[dict[str, Any]]:
    launch = st.just({"type": "LaunchRequest"})
    intent_request = st.builds(
        lambda i, d: {"type": "IntentRequest", "intent": i, **({"dialogState": d} if d else {})},
        intent(),
        st.none() | _enum(DialogState),
    )
    ended = st.builds(
        lambda r, e: {"type": "SessionEndedRequest", "reason": r, **({"error": e} if e else {})},
        _enum(SessionEndedReason),
        st.none() | st.builds(lambda t, m: {"type": t, "message": m}, _enum(SessionEndedErrorType), TEXT),
    )
    connections = st.builds(
        lambda n, c, p, t: {
            "type": "Connections.Response",
            "name": n,
            "status": {"code": c, "message": "OK"},
            "payload": p,
            "token": t,
        },
        st.sampled_from(["Buy", "Upsell", "AskFor"]) | TEXT,
        st.sampled_from(["200", "400", "500"]),
        st.dictionaries(TEXT, ANY_JSON, max_size=3),
        TEXT,
    )
    apl = st.builds(
        lambda t, a: {
            "type": "Alexa.Presentation.APL.UserEvent",
            "token": t,
            "arguments": a,
            "source": {"type": "TouchWrapper", "handler": "Press", "id": "next"},
            "components": {},
        },
        st.sampled_from(["stretch", "screen-1"]) | TEXT,
        st.lists(st.sampled_from(sorted(TOUCH_EVENTS)) | ANY_JSON, max_size=5),
    )
    can_fulfill = st.builds(lambda i: {"type": "CanFulfillIntentRequest", "intent": i}, intent())
    skill_event = st.builds(
        lambda kind, body: {
            "type": f"AlexaSkillEvent.{kind}",
            "eventCreationTime": None,
            "eventPublishingTime": None,
            "body": body,
        },
        st.sampled_from(SKILL_EVENTS),
        st.one_of(
            st.just({"userInformation": {"consentToken": None}}),
            st.just({"acceptedPermissions": [{"scope": "alexa::devices:all:address:full:read"}]}),
            st.dictionaries(TEXT, ANY_JSON, max_size=2),
        ),
    )
    kinds = {
        "intent": intent_request,
        "launch": launch,
        "ended": ended,
        "connections": connections,
        "apl": apl,
        "can_fulfill": can_fulfill,
        "skill_event": skill_event,
    }
    weights = (
        ["intent"] * 5 + ["launch"] * 2 + ["ended"] * 2 + ["connections", "apl", "can_fulfill", "skill_event"]
    )
    return st.sampled_from(weights).flatmap(kinds.__getitem__)


REQUESTS = _request_kinds()


# --- session attributes ----------------------------------------------------------------------


def _place(stretches: tuple[str, ...]) -> dict[str, st.SearchStrategy[Any]]:
    return {
        "order": _odd(st.permutations(stretches)),
        "current": _odd(st.sampled_from(stretches) | st.none()),
        "done": _odd(st.lists(st.sampled_from(stretches), max_size=len(stretches))),
    }


_MODES = [m.value for m in rt.Mode]
PLACES = {v: _place(CONTENT.routine(v).stretches) for v in VERSIONS} | {None: _place(IDS[:5])}
FIELDS = {
    "v": st.sampled_from([3, 3, 3, 2, 1, 4, 99, "3", None, 3.0]),
    "mode": _odd(st.sampled_from(_MODES)),
    "back": _odd(st.none() | st.sampled_from(_MODES)),
    "offer": _odd(st.none() | st.sampled_from(VERSIONS)),
    "spent_s": st.one_of(st.floats(0, rt.MAX_SPENT_S), st.floats(-(2.0**53), 2.0**53), ANY_JSON),
    "pace": _odd(st.sampled_from(PACES)),
    "dose": _odd(st.sampled_from(DOSES)),
    "topic": _odd(st.none() | st.sampled_from(rt.TOPICS)),
    "about": _odd(st.none() | st.sampled_from(IDS)),
    "tipped": _odd(st.booleans()),
    "index": st.none() | st.integers(-3, 12),  # what schema 1 kept
}
VERSION = _odd(st.sampled_from(VERSIONS))


@st.composite
def coach_state(draw: st.DrawFn) -> dict[str, Any]:
    """A schema-3 state whose fields are each usually plausible and sometimes hostile."""
    version = draw(VERSION)
    place = PLACES[version if isinstance(version, str) and version in VERSIONS else None]
    state = {name: draw(strategy) for name, strategy in FIELDS.items()}
    return {**state, "version": version, **{name: draw(strategy) for name, strategy in place.items()}}


def _nested(levels: int) -> Any:
    value: Any = "leaf"
    for _ in range(levels):
        value = {"k": value}
    return value


def _session_attributes() -> st.SearchStrategy[Any]:
    big = st.integers(1, BODY_CAP).map(lambda n: {attributes.STATE_KEY: "x" * n})
    deep = st.integers(1, 66).map(lambda n: {attributes.STATE_KEY: _nested(n)})
    screen = st.builds(lambda t, a: {SCREEN_KEY: {"token": t, "actions": a}}, TEXT, ANY_JSON)
    return st.one_of(
        st.builds(lambda s: {attributes.STATE_KEY: s}, coach_state()),
        st.builds(lambda s: {attributes.STATE_KEY: s}, coach_state()),
        st.builds(lambda s, x: {attributes.STATE_KEY: s, **x}, coach_state(), screen),
        st.just({}),
        st.none(),
        ANY_JSON,
        big,
        deep,
        st.dictionaries(st.just(attributes.STATE_KEY), ANY_JSON, min_size=1),
    )


SESSION_ATTRIBUTES = _session_attributes()


# --- what is stored before the request -------------------------------------------------------


PERMUTATIONS = {v: st.permutations(CONTENT.routine(v).stretches) for v in VERSIONS}
# Positions are drawn as indexes into the drawn order, so no strategy is built per draw.
SUBSET = st.lists(st.integers(0, 31), unique=True, max_size=8)
DAYS_AGO = st.lists(st.integers(0, 80), max_size=5, unique=True)
ZONES = st.sampled_from([None, "Europe/London", "Asia/Tokyo"])
CHOSEN = st.none() | st.sampled_from(VERSIONS)
VERSION_IDS = st.sampled_from(VERSIONS)
SPENT = st.floats(0, 3600)
LOCALES = st.sampled_from(["en-US", "en-GB", "en-IN", "de-DE", "ja-JP", "xx-XX", ""]) | TEXT
INTERFACES = st.sampled_from([{}, {"Alexa.Presentation.APL": {"runtime": {"maxVersion": "2023.3"}}}])
SKEW_S = {True: st.integers(-3000, 3000), False: st.integers(-140, 140)}  # skill events: 1 h; others: 150 s
TENTHS = st.integers(0, 9)


@st.composite
def stored_profile(draw: st.DrawFn, now: datetime) -> dict[str, Any] | None:
    if draw(TENTHS) < 3:
        return None
    version = draw(VERSION_IDS)
    order = draw(PERMUTATIONS[version])
    position = None
    if draw(st.booleans()):
        current = order[draw(st.integers(0, 31)) % len(order)]
        done = tuple(dict.fromkeys(order[i % len(order)] for i in draw(SUBSET)))
        ago = timedelta(hours=draw(st.integers(0, 48)))
        position = prof.Position(tuple(order), current, done, draw(SPENT), now - ago, version)
    completed = tuple(sorted(now - timedelta(days=d) for d in draw(DAYS_AGO)))
    return prof.to_document(
        prof.Profile(
            position=position,
            completed=completed,
            disclaimer_heard=draw(st.booleans()),
            check_in=draw(st.booleans()),
            time_zone=draw(ZONES),
            routine=draw(CHOSEN),
            last_seen=now - timedelta(days=1),
        )
    )


# --- the envelope ----------------------------------------------------------------------------


@st.composite
def envelopes(draw: st.DrawFn, now: datetime, user_id: str) -> tuple[dict[str, Any], dict[str, Any] | None]:
    request = dict(draw(REQUESTS))
    skill_event = request["type"].startswith("AlexaSkillEvent.")
    stamp = now + timedelta(seconds=draw(SKEW_S[skill_event]))
    request["requestId"] = "amzn1.echo-api.request.fuzz"
    request["timestamp"] = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    request["locale"] = draw(LOCALES)
    user = {"userId": user_id}
    system: dict[str, Any] = {"application": {"applicationId": SKILL_ID}}
    if draw(TENTHS):  # sometimes no user at all
        system["user"] = user
    if draw(st.booleans()):
        system["device"] = {"deviceId": DEVICE_ID, "supportedInterfaces": draw(INTERFACES)}
    if draw(st.booleans()):  # Alexa's API endpoint, closed: her time zone falls back to UTC at once
        system.update(apiEndpoint=REFUSING_API, apiAccessToken="fuzz-token")
    envelope: dict[str, Any] = {"version": "1.0", "context": {"System": system}, "request": request}
    if not skill_event and draw(TENTHS):  # sometimes no session
        attributes = draw(SESSION_ATTRIBUTES)
        session: dict[str, Any] = {
            "new": draw(st.booleans()),
            "sessionId": "amzn1.echo-api.session.fuzz",
            "application": {"applicationId": SKILL_ID},
            "attributes": attributes,
        }
        if "user" in system or draw(st.booleans()):
            session["user"] = user
        envelope["session"] = session
    return envelope, draw(stored_profile(now))
