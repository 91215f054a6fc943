"""Simulated users talking to a running service over HTTP: each one a thread that runs her
routine turn by turn, in order, pausing between turns as long as the reply takes to say
(compressed by `speed`), the way Alexa's requests arrive from one person.

Used by the load figure (bench/routines_load.py) and by the crash test
(tests/test_crash.py), which also uses `check_stored` to compare what storage holds with
what her last received reply implied.

Each turn is a fresh, signed request (the caller's `sign(body) -> headers`). A turn that
gets no 200 (a worker killed mid-request, a 5xx, a socket error) counts as an error and is
sent again, as she would say it again; the retry carries the same session, so it implies
the same progress.
"""

from __future__ import annotations

import http.client
import json
import random
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

WORDS_PER_S = 2.6  # Alexa's default speaking rate, about 155 words a minute
MAX_TURNS = 40
MAX_ATTEMPTS = 8
Sign = Callable[[bytes], Mapping[str, str]]


@dataclass
class User:
    user_id: str
    stop_after: int  # she stops after this many turns (an unfinished routine), or MAX_TURNS
    latencies: list[float] = field(default_factory=list)  # seconds per answered turn
    errors: list[str] = field(default_factory=list)  # what went wrong on each failed attempt
    last: dict[str, Any] | None = None  # body of the last 200 reply
    finished: bool = False  # the last reply closed a finished routine
    retried_final: bool = False  # the closing turn needed a retry (a completion may count twice)


def spoken_seconds(reply: Mapping[str, Any]) -> float:
    from skill.core.ssml import total_break_seconds, transcript

    ssml = ((reply.get("response") or {}).get("outputSpeech") or {}).get("ssml") or ""
    if not ssml:
        return 0.0
    return total_break_seconds(ssml) + len(transcript(ssml).split()) / WORDS_PER_S


def next_request(user: User, api_endpoint: str) -> dict[str, Any]:
    """What she says next: Yes to any offer, Next through the routine, Start when idle."""
    from skill.alexa.envelopes import intent_request, launch_request

    if user.last is None or (user.last.get("response") or {}).get("shouldEndSession") is True:
        return launch_request(user_id=user.user_id, api_endpoint=api_endpoint)
    attributes = user.last.get("sessionAttributes") or {}
    mode = (attributes.get("coach") or {}).get("mode")
    name = {"routine": "AMAZON.NextIntent", "single": "AMAZON.NextIntent", "idle": "StartRoutineIntent"}.get(
        mode or "", "AMAZON.YesIntent"
    )
    return intent_request(
        name, user_id=user.user_id, session_attributes=attributes, api_endpoint=api_endpoint
    )


def _post(url: str, body: bytes, headers: Mapping[str, str], timeout: float) -> tuple[int, bytes]:
    call = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json", **headers}
    )
    try:
        with urllib.request.urlopen(call, timeout=timeout) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def run_user(
    user: User, url: str, sign: Sign, *, speed: float, api_endpoint: str, timeout: float = 10.0
) -> None:
    for turn in range(min(user.stop_after, MAX_TURNS)):
        request = next_request(user, api_endpoint)
        state = ((user.last or {}).get("sessionAttributes") or {}).get("coach") or {}
        order = state.get("order") or [None]
        closing = state.get("mode") == "routine" and state.get("current") == order[-1]  # Next finishes it
        for attempt in range(MAX_ATTEMPTS):
            body = json.dumps(request).encode()  # same session; a fresh timestamp is not needed
            started = time.monotonic()
            try:
                status, raw = _post(url, body, sign(body), timeout)
            except (
                OSError,
                http.client.HTTPException,
            ) as error:  # refused, reset or cut short by a killed worker, timed out
                status, raw = 0, type(error).__name__.encode()
            if status == 200:
                user.latencies.append(time.monotonic() - started)
                break
            user.errors.append(f"turn {turn}: {status} {raw[:80]!r}")
            user.retried_final = user.retried_final or closing
            time.sleep(0.05 * (attempt + 1))
        else:
            return  # gave up: user.last stays the last reply she heard
        reply = json.loads(raw)
        ended = (reply.get("response") or {}).get("shouldEndSession") is True
        user.finished = ended and closing
        user.last = reply
        if user.finished:
            return
        time.sleep(spoken_seconds(reply) / speed)


def run_users(
    url: str,
    sign: Sign,
    users: int,
    *,
    speed: float,
    api_endpoint: str,
    prefix: str = "load",
    seed: int = 16,
    stop_early: bool = False,
    start_within_s: float = 1.0,
) -> list[User]:
    """`users` simulated users at once (starts spread over `start_within_s`); with
    `stop_early`, each stops after a random number of turns, so many end mid-routine."""
    rng = random.Random(seed)
    people = [
        User(f"amzn1.ask.account.{prefix}{n:05d}", rng.randint(1, 9) if stop_early else MAX_TURNS)
        for n in range(users)
    ]

    def start(user: User, delay: float) -> None:
        time.sleep(delay)
        run_user(user, url, sign, speed=speed, api_endpoint=api_endpoint)

    threads = [
        threading.Thread(target=start, args=(u, rng.uniform(0, start_within_s)), daemon=True) for u in people
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return people


def implied_position(user: User) -> dict[str, Any] | None:
    """The stored position her last reply implies, when it implies one exactly (mid-routine)."""
    state = ((user.last or {}).get("sessionAttributes") or {}).get("coach") or {}
    if state.get("mode") != "routine" or not state.get("current"):
        return None
    return {key: state[key] for key in ("version", "order", "current", "done", "spent_s")}


def check_stored(user: User, stored: Mapping[str, Any]) -> str | None:
    """Why what is stored for her is not what her last 200 reply implied, or None."""
    if user.last is None:
        return None  # she never heard a reply: nothing is promised
    if user.finished:
        completions = len(stored.get("completed") or ())
        allowed = (1, 2) if user.retried_final else (1,)
        if stored.get("position") is not None or completions not in allowed:
            return f"finished, but stored position {stored.get('position')} and {completions} completions"
        return None
    wanted = implied_position(user)
    if wanted is None:
        return None
    position = stored.get("position") or {}
    got = {key: position.get(key) for key in wanted}
    return None if got == wanted else f"reply implied {wanted}, stored {got}"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]
