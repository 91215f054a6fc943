"""Counters for the operator, in Prometheus text format (the official prometheus_client).

Every label takes values from a fixed set, so a hostile request can never add a time
series: request types and intent names the skill knows (anything else is "other"), refusal
kinds and verification reasons from this module's own tables. Nothing that came in a body
is ever a label value, and no count says anything about what she said (safety replies are
one number). deploy/README.md documents each metric with an example alert.

Under gunicorn, set PROMETHEUS_MULTIPROC_DIR (deploy/gunicorn.conf.py does, and wipes it at
start): each worker writes its values to files there and /metrics adds them up across
workers, the living and the dead (prometheus_client's multiprocess mode). Without it the
values live in this process's own registry (tests, `python -m skill chat`).
"""

from __future__ import annotations

import hmac
import ipaddress
import os
from collections.abc import Collection
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

__all__ = [
    "Metrics",
    "may_read_metrics",
    "REFUSALS",
    "REQUEST_TYPES",
    "VERIFICATION_REASONS",
    "verification_reason",
]

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

# What Alexa may send a custom skill (ask-sdk-model's request types); anything else is "other".
REQUEST_TYPES = frozenset(
    {
        "LaunchRequest",
        "IntentRequest",
        "SessionEndedRequest",
        "CanFulfillIntentRequest",
        "Connections.Response",
        "Alexa.Presentation.APL.UserEvent",
        "AlexaSkillEvent.SkillEnabled",
        "AlexaSkillEvent.SkillDisabled",
        "AlexaSkillEvent.SkillPermissionAccepted",
        "AlexaSkillEvent.SkillPermissionChanged",
        "AlexaSkillEvent.SkillAccountLinked",
        "System.ExceptionEncountered",
    }
)
# Why a request was refused before any handler ran (skill/web/endpoint.py and app.py raise each).
REFUSALS = ("verification", "too_large", "guard", "not_understood", "wrong_skill")
# VerificationError messages (skill/web/rules.py, verification.py, cert_chain.py) by the words
# they contain, first match wins; the message itself is never a label.
_REASON_WORDS = (
    ("header missing", "missing_header"),
    ("certificate URL", "cert_url"),
    ("timestamp", "timestamp"),
    ("application id", "application_id"),
    ("signature does not match", "bad_signature"),
    ("signature", "signature_format"),
    ("certificate", "certificate"),
    ("request body", "body"),
)
VERIFICATION_REASONS = (*dict.fromkeys(slug for _, slug in _REASON_WORDS), "other")
# Seconds; Alexa gives up after about 8 s, and an answer after 2 s is already too slow.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0)


def verification_reason(message: str) -> str:
    for words, slug in _REASON_WORDS:
        if words in message:
            return slug
    return "other"


class Metrics:
    """One set of metric objects per app; `render()` is the /metrics body."""

    def __init__(self, intents: Collection[str]) -> None:
        self.intents = frozenset(intents)
        self._children: dict[tuple[int, tuple[str, ...]], Any] = {}
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter(
            "alexa_requests", "Verified Alexa requests by type and intent", ["type", "intent"], registry=r
        )
        self.replies = Counter(
            "alexa_replies",
            "Replies to POST /alexa by outcome (ok, refused, error) and refusal reason",
            ["outcome", "reason"],
            registry=r,
        )
        self.latency = Histogram(
            "alexa_request_duration_seconds",
            "Time from receiving POST /alexa to the reply",
            ["type"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.verification_failures = Counter(
            "alexa_verification_failures",
            "Requests refused by signature verification",
            ["reason"],
            registry=r,
        )
        self.storage_errors = Counter(
            "skill_storage_errors",
            "Storage calls that failed (turn: a request; probe: /healthz)",
            ["where"],
            registry=r,
        )
        self.safety_replies = Counter(
            "skill_safety_replies", "Safety replies given (a count only; never what was said)", registry=r
        )

    def child(self, metric: Counter | Histogram, *labels: str) -> Any:
        """metric.labels(*labels), remembered: every value comes from a fixed set (above), so
        the cache is as bounded as the series, and the hot path skips the client's lock and
        label checks."""
        key = (id(metric), labels)
        found = self._children.get(key)
        if found is None:
            found = self._children[key] = metric.labels(*labels)
        return found

    def request_type(self, value: object) -> str:
        return value if isinstance(value, str) and value in REQUEST_TYPES else "other"

    def intent(self, request: object) -> str:
        if not isinstance(request, dict) or request.get("type") != "IntentRequest":
            return ""
        intent = request.get("intent")
        name = intent.get("name") if isinstance(intent, dict) else None
        return name if isinstance(name, str) and name in self.intents else "other"

    def render(self) -> tuple[bytes, str]:
        if os.environ.get(MULTIPROC_ENV):
            merged = CollectorRegistry()
            multiprocess.MultiProcessCollector(merged)
            return generate_latest(merged), CONTENT_TYPE_LATEST
        return generate_latest(self.registry), CONTENT_TYPE_LATEST


def may_read_metrics(headers: Any, remote_addr: str | None, token: str) -> bool:
    """From this host with nothing proxying it (a proxy adds a Forwarded header), or with
    `Authorization: Bearer <METRICS_TOKEN>` when a token is configured. `headers`: any
    mapping with .get (werkzeug's Headers, a dict)."""
    if not headers.get("X-Forwarded-For") and not headers.get("Forwarded"):
        try:
            if ipaddress.ip_address(remote_addr or "").is_loopback:
                return True
        except ValueError:
            pass
    sent = headers.get("Authorization") or ""
    return bool(token) and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())
