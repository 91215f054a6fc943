"""The Echo Show screen: which screen a reply gets, the RenderDocument directive, and the
touch buttons' UserEvents.

Devices whose supportedInterfaces lack Alexa.Presentation.APL, or whose runtime's maxVersion
is lower than the document's version, get exactly the voice-only response. For the others,
every reply with speech also carries one RenderDocument: the static document
skill/alexa/apl/stretch.json (read once) with a datasource from skill.core.screen, built
from the coach's Outcome (its state, the Timeline in its reply, her completions):

    a Timeline in the reply       -> "stretch": pacer, pose figure, progress dots, Next/Pause
    mode waiting                  -> "paused": the wait's countdown, Resume/Next
    routine just finished, or "how often" / "how am I doing" outside a routine -> "week"
    anything else                 -> "text": the reply's sentences

Touch buttons send UserEvents (SendEvent arguments [action]). They are untrusted input: the
token must be the one this session's last document carried, and the action one its buttons
offered; anything else is ignored without a word. A valid one becomes the same coach Event
the voice command makes (next -> NEXT, pause -> WAIT, resume -> CONTINUE).
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response
from ask_sdk_model.interfaces.alexa.presentation.apl import RenderDocumentDirective, UserEvent

from skill.alexa.logsafe import clean
from skill.core import coach, screen
from skill.core import profile as prof
from skill.core import routine as rt
from skill.core.coach import Outcome
from skill.core.content import Content
from skill.core.events import Event, Kind
from skill.core.routine import Mode
from skill.core.timeline import Timeline

log = logging.getLogger("skill.alexa")

DOCUMENT_PATH = Path(__file__).with_name("apl") / "stretch.json"
INTERFACE = "Alexa.Presentation.APL"
USER_EVENT = "Alexa.Presentation.APL.UserEvent"
SCREEN_KEY = "screen"  # session attribute: {"token": ..., "actions": [...]} of the last document
TOKEN_PREFIX = "backstretch-"
MAX_TOKEN_LENGTH = 64
MAX_ARGUMENTS = 4
TOUCH_EVENTS = {"next": Kind.NEXT, "pause": Kind.WAIT, "resume": Kind.CONTINUE}

_TITLES = {
    "help": "Help",
    "frequency": "How often",
    "trimester": "Trimesters",
    "warning_signs": "When to stop",
    "list": "The stretches",
    "progress": "Your progress",
}


@lru_cache(maxsize=1)
def document() -> dict[str, Any]:
    """The APL document, read once per process."""
    loaded: dict[str, Any] = json.loads(DOCUMENT_PATH.read_text(encoding="utf-8"))
    return loaded


def version_tuple(version: object) -> tuple[int, ...] | None:
    """ "2023.3" -> (2023, 3); anything else -> None."""
    if not isinstance(version, str) or not 0 < len(version) <= 16:
        return None
    try:
        parts = tuple(int(p) for p in version.split("."))
    except ValueError:
        return None
    return parts if all(p >= 0 for p in parts) else None


def renders_document(handler_input: HandlerInput) -> bool:
    """The device declares APL, at a runtime version at least the document's."""
    context = handler_input.request_envelope.context
    device = context.system.device if context is not None and context.system is not None else None
    interfaces = device.supported_interfaces if device is not None else None
    apl = getattr(interfaces, "alexa_presentation_apl", None)
    if apl is None:
        return False
    runtime = getattr(apl, "runtime", None)
    have = version_tuple(getattr(runtime, "max_version", None))
    need = version_tuple(document()["version"])
    return have is not None and need is not None and have >= need


# --- which screen ----------------------------------------------------------------------


def payload_for(outcome: Outcome, content: Content, now: datetime) -> dict[str, Any] | None:
    """The datasource payload for this reply, None when the reply says nothing."""
    reply, state = outcome.reply, outcome.state
    if not reply.parts:
        return None
    names = {e.id: e.name for e in content.exercises}
    texts = [p for p in reply.parts if isinstance(p, str)]
    timeline = next((p for p in reply.parts if isinstance(p, Timeline)), None)
    in_routine = state.base is Mode.ROUTINE
    place = screen.progress(state.order if in_routine else (), state.current, state.done, names)
    if timeline is not None:
        lead = reply.parts[: reply.parts.index(timeline)]
        return screen.stretch(timeline, title=names.get(timeline.exercise_id, ""), place=place, lead=lead)
    if state.mode is Mode.WAITING:
        return screen.paused(
            title=names.get(state.current or "", "Paused"),
            place=place,
            seconds=screen.lead_seconds(reply.parts),
            line=texts[-1] if texts else "",
        )
    just_finished = bool(outcome.profile.completed) and outcome.profile.completed[-1] == now
    if just_finished or (state.topic in ("frequency", "progress") and not rt.stretching(state)):
        days = [prof.local_day(outcome.profile, t) for t in outcome.profile.completed if t <= now]
        return screen.week(
            title="This week" if not just_finished else "Routine done",
            today=prof.local_day(outcome.profile, now),
            days_done=days,
            lines=texts,
        )
    title = _TITLES.get(state.topic or "", names.get(state.current or "", "Back stretches"))
    return screen.text(title=title, lines=texts)


def add_screen(handler_input: HandlerInput, outcome: Outcome, content: Content, now: datetime) -> None:
    """On an APL device, add this reply's RenderDocument and remember its token and buttons."""
    if not renders_document(handler_input):
        return
    payload = payload_for(outcome, content, now)
    if payload is None:
        return
    token = TOKEN_PREFIX + uuid.uuid4().hex[:16]
    handler_input.response_builder.add_directive(
        RenderDocumentDirective(token=token, document=document(), datasources={"payload": payload})
    )
    if handler_input.request_envelope.session is not None and not outcome.reply.end_session:
        actions = [b["action"] for b in payload["buttons"]]
        attributes = handler_input.attributes_manager.session_attributes
        if attributes is not None:
            attributes[SCREEN_KEY] = {"token": token, "actions": actions}


# --- touch -----------------------------------------------------------------------------


def touch_event(request: object, session_attributes: object) -> Event | None:
    """The coach Event a touch stands for, or None when it must be ignored: not a UserEvent,
    a token other than the last document's, arguments of the wrong type, or a button that
    document did not show."""
    if not isinstance(request, UserEvent) or not isinstance(session_attributes, dict):
        return None
    shown = session_attributes.get(SCREEN_KEY)
    if not isinstance(shown, dict):
        return None
    token, actions = shown.get("token"), shown.get("actions")
    if (
        not isinstance(request.token, str)
        or not 0 < len(request.token) <= MAX_TOKEN_LENGTH
        or not isinstance(token, str)
        or request.token != token
    ):
        return None
    arguments = request.arguments
    if not isinstance(arguments, list) or not 1 <= len(arguments) <= MAX_ARGUMENTS:
        return None
    action = arguments[0]
    if not isinstance(action, str) or action not in TOUCH_EVENTS:
        return None
    if not isinstance(actions, list) or action not in actions:
        return None
    return Event(TOUCH_EVENTS[action])


class UserEventHandler(AbstractRequestHandler):
    """Next, Pause, Resume touched on the screen: the same coach events as the voice commands."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type(USER_EVENT)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        from skill.alexa import turn  # turn imports this module for its screen hook

        request = handler_input.request_envelope.request
        event = touch_event(request, handler_input.attributes_manager.session_attributes)
        if event is None:
            args = getattr(request, "arguments", None)
            log.info(
                "ignored a touch event (stale token or unexpected arguments %s) (user %s)",
                clean(repr(args)[:80]),
                turn.user_of(handler_input),
            )
            return handler_input.response_builder.response
        ctx = turn.context(handler_input)
        problem = turn.turn_of(handler_input).state_problem
        if problem is not None:  # as for voice: a state we could not read restarts her stretch
            return turn.respond(handler_input, coach.recover(ctx, problem.salvaged))
        return turn.respond(handler_input, coach.step(ctx, event))
