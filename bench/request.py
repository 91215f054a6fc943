"""Figure 1, `request`: the whole /alexa path in one process (Flask test client).

    .venv/bin/python -m bench.request [--quick]

Verification ON (bench.signing's throwaway CA; every request freshly signed outside the
timed region; the chain fetched once, then cached), envelope parsing, the ask-sdk dispatch,
the handler, SSML rendering and memory storage.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from typing import Any

from bench.report import Figure, below, info, main, percentile
from bench.signing import LOOPBACK_API
from skill.commands._local_ca import LocalAlexaCA

REQUEST_P95_MS = 50.0
REQUEST_P99_MS = 100.0


class Client:
    """A project app with verification on, memory storage, and a signer in front of it."""

    def __init__(self) -> None:
        from skill import create_app
        from skill.alexa.envelopes import SKILL_ID
        from skill.storage import MemoryAdapter

        self.ca = LocalAlexaCA()
        self.storage = MemoryAdapter()
        app = create_app(
            {
                "ALEXA_VERIFY_REQUESTS": "on",
                "ALEXA_SKILL_IDS": SKILL_ID,
                "STORAGE_BACKEND": "memory",
                "LOG_LEVEL": "ERROR",
            },
            verifier=self.ca.verifier((SKILL_ID,)),
            persistence=self.storage,
        )
        self.http = app.test_client()

    def post(self, payload: dict[str, Any]) -> tuple[float, dict[str, Any]]:
        """(milliseconds, reply JSON); signing (about 1 ms of RSA) stays outside the timing."""
        payload["context"]["System"]["apiEndpoint"] = LOOPBACK_API
        body = json.dumps(payload).encode()
        headers = self.ca.sign(body)
        start = time.perf_counter_ns()
        reply = self.http.post("/alexa", data=body, headers=headers, content_type="application/json")
        elapsed = (time.perf_counter_ns() - start) / 1e6
        if reply.status_code != 200:
            raise RuntimeError(f"request refused: {reply.status_code} {reply.get_data(as_text=True)}")
        return elapsed, reply.get_json()


def speech(reply: dict[str, Any]) -> str:
    return str(((reply.get("response") or {}).get("outputSpeech") or {}).get("ssml") or "")


def _shape(replies: list[dict[str, Any]]) -> str:
    """What the timed replies were, so a reader sees when the conversation changes the path."""
    guided = sum("<break" in speech(r) for r in replies)
    chars = sum(len(speech(r)) for r in replies) / max(1, len(replies))
    return f"{guided}/{len(replies)} replies guide a paced stretch; mean {chars:,.0f} SSML chars"


def run(quick: bool) -> list[Figure]:
    from skill.alexa.envelopes import USER_ID, intent_request, launch_request

    n = 100 if quick else 300
    warmup = 10 if quick else 30
    client = Client()

    # LaunchRequest: a new user each time, the heaviest launch (first-use path).
    def launch(i: int) -> tuple[float, dict[str, Any]]:
        return client.post(launch_request(user_id=f"{USER_ID}L{i}"))

    # NextIntent mid-routine: one user; session attributes as after launch + next + next,
    # replayed, so every timed request takes the same step of the routine.
    session = "amzn1.echo-api.session.bench-next"
    _, reply = client.post(launch_request(user_id=USER_ID, session_id=session))
    for _ in range(2):
        _, reply = client.post(
            intent_request(
                "AMAZON.NextIntent",
                user_id=USER_ID,
                session_id=session,
                session_attributes=reply.get("sessionAttributes") or {},
            )
        )
    mid_routine = reply.get("sessionAttributes") or {}

    def next_intent(i: int) -> tuple[float, dict[str, Any]]:
        return client.post(
            intent_request(
                "AMAZON.NextIntent", user_id=USER_ID, session_id=session, session_attributes=mid_routine
            )
        )

    figures: list[Figure] = []
    steps: tuple[tuple[str, Callable[[int], tuple[float, dict[str, Any]]]], ...] = (
        ("LaunchRequest", launch),
        ("NextIntent", next_intent),
    )
    for label, fn in steps:
        for i in range(warmup):
            fn(-1 - i)
        timed = [fn(i) for i in range(n)]
        samples = [ms for ms, _ in timed]
        if not all(speech(r) for _, r in timed):
            raise RuntimeError(f"{label}: a reply says nothing")
        figures += [
            info(
                "request",
                f"{label} p50",
                percentile(samples, 50),
                "ms",
                f"n={n}; {_shape([r for _, r in timed])}",
            ),
            below("request", f"{label} p95", percentile(samples, 95), "ms", REQUEST_P95_MS),
            below("request", f"{label} p99", percentile(samples, 99), "ms", REQUEST_P99_MS),
        ]
    if len(client.ca.fetched) != 1:
        raise RuntimeError(f"certificate chain fetched {len(client.ca.fetched)} times; expected once")
    return figures


if __name__ == "__main__":
    sys.exit(main({"request": run}, __doc__.split("\n\n")[0]))
