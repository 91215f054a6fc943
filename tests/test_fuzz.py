"""Property-based fuzzing of the whole edge with verification on: every envelope is signed
with the test CA and posted through the real WSGI app (tests/fuzz_envelopes.py draws them).

Invariants: never a 5xx; a refusal is a 4xx with a short JSON reason; every 200 is a valid
Alexa response (SSML Alexa accepts, a reprompt whenever speech leaves the session open, no
speech for SessionEndedRequest or skill events); what storage holds for her
afterwards is a profile skill.core.profile reads back without a single problem.

The number of cases comes from the hypothesis profile (tests/conftest.py): 10,000 in CI
(derandomized), 1,000 locally with a fresh seed each run. The seed is printed on failure;
FUZZ_SEED=<seed> replays a local run.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import random
from collections import Counter
from typing import Any

import pytest
from ask_sdk_model import Context, RequestEnvelope, User
from ask_sdk_model.interfaces.system import SystemState
from flask import Flask
from hypothesis import given, seed, settings

from skill import create_app
from skill.core import profile as prof
from skill.storage import MemoryAdapter
from tests.alexa_ca import IMPORTED_AT, SKILL_ID, AlexaTestCA, make_verifier
from tests.fuzz_envelopes import CONTENT, envelopes
from tests.ssml_checks import assert_alexa_ssml

NOW = IMPORTED_AT
PLACEHOLDER = "amzn1.ask.account.FUZZPLACEHOLDER"
SEED = int(os.environ.get("FUZZ_SEED") or random.SystemRandom().randrange(2**32))
CA = AlexaTestCA()
STORAGE = MemoryAdapter()
APP: list[Flask] = []  # built inside the test: create_app sets the "skill" logger's level
USERS = (f"amzn1.ask.account.FUZZ{n:09d}" for n in itertools.count())
SEEN: Counter[str] = Counter()


def _as_stored(user_id: str) -> RequestEnvelope:
    return RequestEnvelope(context=Context(system=SystemState(user=User(user_id=user_id))))


def _ssml(part: dict[str, Any] | None) -> str | None:
    return (part or {}).get("ssml")


def check_reply(envelope: dict[str, Any], status: int, reply: dict[str, Any]) -> None:
    assert status < 500, f"{status}: {reply}"
    if status != 200:
        assert 400 <= status < 500 and isinstance(reply.get("error"), str) and len(reply["error"]) <= 120, (
            reply
        )
        return
    assert reply["version"] == "1.0"
    response = reply["response"]
    speech = _ssml(response.get("outputSpeech"))
    reprompt = _ssml((response.get("reprompt") or {}).get("outputSpeech"))
    kind = envelope["request"]["type"]
    if kind == "SessionEndedRequest" or kind.startswith("AlexaSkillEvent."):
        assert speech is None and reprompt is None, "speech where Alexa allows none"
    if speech is not None:
        assert_alexa_ssml(speech)
        if response.get("shouldEndSession") is not True:
            assert reprompt is not None, "the session stays open without a reprompt"
    if reprompt is not None:
        assert_alexa_ssml(reprompt, reprompt=True)


def check_storage(user_id: str, seeded: dict[str, Any] | None, status: int) -> None:
    stored = STORAGE.get_attributes(_as_stored(user_id))
    if status != 200:
        assert stored == (seeded or {}), "a refused request changed what is stored"
    if stored and stored != seeded:  # the skill wrote it: it must read back whole
        _, problems = prof.from_document(stored, CONTENT)
        assert not problems, problems


def fuzz_one(case: tuple[dict[str, Any], dict[str, Any] | None]) -> None:
    envelope, seeded = case
    user_id = next(USERS)  # a fresh user each case: no case depends on another
    if seeded is not None:
        STORAGE.save_attributes(_as_stored(user_id), seeded)
    body = json.dumps(envelope).replace(PLACEHOLDER, user_id).encode()
    response = (
        APP[0].test_client().post("/alexa", data=body, headers=CA.sign(body), content_type="application/json")
    )
    reply = response.get_json(silent=True) or {}
    SEEN[f"{envelope['request']['type']} -> {response.status_code}"] += 1
    envelope = json.loads(body)
    check_reply(envelope, response.status_code, reply)
    check_storage(user_id, seeded, response.status_code)


@given(envelopes(NOW, PLACEHOLDER))
def _fuzz(case: tuple[dict[str, Any], dict[str, Any] | None]) -> None:
    fuzz_one(case)


@pytest.mark.slow
def test_signed_hostile_envelopes_never_get_a_5xx_and_every_reply_is_valid_alexa() -> None:
    derandomized = settings.default.derandomize
    skill_log = logging.getLogger("skill")
    level = skill_log.level
    # Quiet: 10,000 refusals and fallbacks logged would cost more than the requests.
    APP[:] = [
        create_app(
            {"ALEXA_SKILL_IDS": SKILL_ID, "STORAGE_BACKEND": "memory", "LOG_LEVEL": "CRITICAL"},
            verifier=make_verifier(CA, clock=lambda: NOW),
            persistence=STORAGE,
        )
    ]
    run = _fuzz if derandomized else seed(SEED)(_fuzz)
    try:
        run()
    except BaseException:
        how = "derandomized (profile ci)" if derandomized else f"FUZZ_SEED={SEED} replays it"
        print(f"fuzz failed; seed: {'derandomized' if derandomized else SEED} ({how})")
        raise
    finally:
        skill_log.setLevel(level)
        print(f"fuzz: {sum(SEEN.values())} cases:", dict(sorted(SEEN.items())))
    assert sum(SEEN.values()) >= settings.default.max_examples
