"""Settings from the environment, in one place.

Every setting is an environment variable of the same name; create_app() also accepts a
mapping with those names (tests pass one). The README's configuration table lists them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}
STORAGE_BACKENDS = ("sqlite", "dynamodb", "memory")
# Idle days before a user's stored progress goes: the DynamoDB TTL, purge's default, and how
# far back completed dates are kept. 90 matches the profile's own history window.
DEFAULT_RETENTION_DAYS = 90


class ConfigError(ValueError):
    """A setting has a value we cannot use; the message names it."""


def _flag(name: str, raw: str) -> bool:
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigError(f"{name} must be one of {sorted(TRUE_WORDS | FALSE_WORDS)}, got {raw!r}")


@dataclass(frozen=True)
class Config:
    skill_ids: tuple[str, ...] = ()
    verify_requests: bool = True
    storage_backend: str = "sqlite"
    sqlite_path: str = "data/stretches.sqlite3"
    dynamodb_table: str = "back-stretches"
    dynamodb_region: str | None = None
    dynamodb_endpoint_url: str | None = None
    dynamodb_create_table: bool = False
    log_level: str = "INFO"
    max_body_bytes: int = 128 * 1024
    # Privacy. The salts are secrets: repr=False keeps them out of logged or printed configs.
    storage_key_salt: str = field(default="", repr=False)  # HMAC key for row keys; never change it
    log_hash_salt: str = field(default="", repr=False)  # HMAC key for the user refs in log lines
    retention_days: int = (
        DEFAULT_RETENTION_DAYS  # DynamoDB TTL and purge's default; older completed dates are not kept
    )
    # Bearer token for GET /metrics from other hosts (loopback needs none); empty: loopback only.
    metrics_token: str = field(default="", repr=False)
    # The operator's contact on the privacy notice (GET /privacy): an e-mail address or an
    # https:// URL. Empty: the notice points to the skill's page in the Alexa app.
    privacy_contact: str = ""

    @classmethod
    def from_mapping(cls, env: Mapping[str, object]) -> Config:
        def get(name: str, default: str | None = None) -> str | None:
            value = env.get(name)
            if value is None or (isinstance(value, str) and value.strip() == ""):
                return default
            return str(value) if not isinstance(value, (list, tuple)) else ",".join(map(str, value))

        backend = (get("STORAGE_BACKEND", "sqlite") or "sqlite").lower()
        if backend not in STORAGE_BACKENDS:
            raise ConfigError(f"STORAGE_BACKEND must be one of {STORAGE_BACKENDS}, got {backend!r}")
        level = (get("LOG_LEVEL", "INFO") or "INFO").upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ConfigError(f"LOG_LEVEL must be a logging level name, got {level!r}")
        ids = tuple(s.strip() for s in (get("ALEXA_SKILL_IDS", "") or "").split(",") if s.strip())
        raw_days = get("RETENTION_DAYS", str(DEFAULT_RETENTION_DAYS)) or str(DEFAULT_RETENTION_DAYS)
        try:
            retention_days = int(raw_days)
        except ValueError:
            raise ConfigError(f"RETENTION_DAYS must be a whole number of days, got {raw_days!r}") from None
        if retention_days < 1:
            raise ConfigError(f"RETENTION_DAYS must be at least 1, got {retention_days}")
        contact = (get("PRIVACY_CONTACT", "") or "").strip()
        if contact and not re.fullmatch(r"https://\S+|[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+", contact):
            raise ConfigError(
                f"PRIVACY_CONTACT must be an e-mail address or an https:// URL, got {contact!r}"
            )
        return cls(
            skill_ids=ids,
            verify_requests=_flag("ALEXA_VERIFY_REQUESTS", get("ALEXA_VERIFY_REQUESTS", "on") or "on"),
            storage_backend=backend,
            sqlite_path=get("SQLITE_PATH", cls.sqlite_path) or cls.sqlite_path,
            dynamodb_table=get("DYNAMODB_TABLE", cls.dynamodb_table) or cls.dynamodb_table,
            dynamodb_region=get("AWS_REGION") or get("AWS_DEFAULT_REGION"),
            dynamodb_endpoint_url=get("DYNAMODB_ENDPOINT_URL"),
            dynamodb_create_table=_flag(
                "DYNAMODB_CREATE_TABLE", get("DYNAMODB_CREATE_TABLE", "off") or "off"
            ),
            log_level=level,
            # Salts are taken verbatim (no strip): a changed byte would orphan every row.
            storage_key_salt=str(env.get("STORAGE_KEY_SALT") or ""),
            log_hash_salt=str(env.get("LOG_HASH_SALT") or ""),
            retention_days=retention_days,
            metrics_token=str(env.get("METRICS_TOKEN") or "").strip(),
            privacy_contact=contact,
        )

    @classmethod
    def from_env(cls) -> Config:
        return cls.from_mapping(os.environ)
