"""ask-sdk request handlers, registered in one ordered list: specific before general,
safety first. Each handler is thin; decisions live in skill.core.coach."""

from __future__ import annotations

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import CustomSkillBuilder

from skill.alexa.handlers.answers import (
    AdjustIntentHandler,
    AnswerIntentHandler,
    DeleteDataIntentHandler,
    FallbackIntentHandler,
    UnknownIntentHandler,
)
from skill.alexa.handlers.base import IntentHandler
from skill.alexa.handlers.lifecycle import (
    CatchAllExceptionHandler,
    LaunchRequestHandler,
    ProfileLoadInterceptor,
    ProfileSaveInterceptor,
    SessionEndedRequestHandler,
    SkillDisabledEventHandler,
    UnhandledRequestHandler,
)
from skill.alexa.handlers.navigation import (
    ExerciseIntentHandler,
    NextIntentHandler,
    NoIntentHandler,
    PauseIntentHandler,
    PreviousIntentHandler,
    RepeatIntentHandler,
    ResumeIntentHandler,
    SkipIntentHandler,
    StartOverIntentHandler,
    StartRoutineIntentHandler,
    StopIntentHandler,
    YesIntentHandler,
)
from skill.alexa.handlers.safety import SymptomIntentHandler

REQUEST_HANDLERS = (
    SymptomIntentHandler,
    SkillDisabledEventHandler,
    SessionEndedRequestHandler,
    LaunchRequestHandler,
    StartRoutineIntentHandler,
    ExerciseIntentHandler,
    NextIntentHandler,
    SkipIntentHandler,
    PreviousIntentHandler,
    RepeatIntentHandler,
    StartOverIntentHandler,
    ResumeIntentHandler,
    YesIntentHandler,
    NoIntentHandler,
    PauseIntentHandler,
    StopIntentHandler,
    AnswerIntentHandler,
    AdjustIntentHandler,
    DeleteDataIntentHandler,
    FallbackIntentHandler,
    UnknownIntentHandler,
    UnhandledRequestHandler,
)

HANDLED_INTENTS = frozenset(
    name for cls in REQUEST_HANDLERS if issubclass(cls, IntentHandler) for name in cls.intents
)


def build_skill(persistence: AbstractPersistenceAdapter, *, skill_id: str | None = None) -> CustomSkill:
    builder = CustomSkillBuilder(persistence_adapter=persistence)
    builder.skill_id = skill_id
    for handler in REQUEST_HANDLERS:
        builder.add_request_handler(handler())
    builder.add_exception_handler(CatchAllExceptionHandler())
    builder.add_global_request_interceptor(ProfileLoadInterceptor())
    builder.add_global_response_interceptor(ProfileSaveInterceptor())
    return builder.create()
