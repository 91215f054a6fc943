"""The ask-sdk skill both entry points serve (the web edge and the Lambda handler): the
handlers in order, the catch-all, the profile interceptors, and the settings that shape it."""

from __future__ import annotations

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import CustomSkillBuilder
from ask_sdk_model.services import ApiClient

from skill.alexa.api import AlexaApiClient
from skill.alexa.cfir import CanFulfillIntentRequestHandler
from skill.alexa.handlers import REQUEST_HANDLERS, CatchAllExceptionHandler
from skill.alexa.interceptors import ProfileLoadInterceptor, ProfileSaveInterceptor
from skill.alexa.mapping import ModelSerializer
from skill.config import Config
from skill.core.content import Content, default
from skill.storage import privacy

__all__ = ["build_skill", "configured_skill"]


def configured_skill(
    cfg: Config,
    persistence: AbstractPersistenceAdapter,
    content: Content,
    *,
    api_client: ApiClient | None = None,
) -> CustomSkill:
    """build_skill() as the settings say: log refs keyed by the operator's secret, and with
    exactly one skill id the SDK checks it too (with several, the entry point does)."""
    privacy.configure(cfg.log_hash_salt)
    return build_skill(
        persistence,
        skill_id=cfg.skill_ids[0] if len(cfg.skill_ids) == 1 else None,
        content=content,
        api_client=api_client,
    )


def build_skill(
    persistence: AbstractPersistenceAdapter,
    *,
    skill_id: str | None = None,
    content: Content | None = None,
    api_client: ApiClient | None = None,
) -> CustomSkill:
    """The skill: handlers in order, the catch-all, and the profile interceptors.
    `content` is loaded once by the caller (create_app), with every locale's words: each
    request gets its own locale's (turn.content_for). `api_client` reaches Alexa's APIs
    with a deadline per call (tests pass one that trusts their loopback fake)."""
    content = content or default()
    api_client = api_client or AlexaApiClient()
    builder = CustomSkillBuilder(persistence_adapter=persistence, api_client=api_client)
    builder.skill_id = skill_id  # type: ignore[assignment]  # the SDK annotates it as None
    # First: a name-free "could you answer this?" is answered from a static table, with no
    # storage, no API call and no session (skill/alexa/cfir.py; the interceptors skip it).
    builder.add_request_handler(CanFulfillIntentRequestHandler(content))
    for handler in REQUEST_HANDLERS:
        builder.add_request_handler(handler())
    builder.add_exception_handler(CatchAllExceptionHandler())
    builder.add_global_request_interceptor(ProfileLoadInterceptor(content, api_client))
    builder.add_global_response_interceptor(ProfileSaveInterceptor())
    skill = builder.create()
    skill.serializer = ModelSerializer()  # the SDK's, with model-class lookups remembered
    return skill
