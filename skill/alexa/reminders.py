"""Carrying out the coach's reminder Effects with Alexa's Reminders API, and the voice
permission request (issue 12).

- Create: POST {apiEndpoint}/v1/alerts/reminders with a ReminderRequest built from the SDK's
  model classes: SCHEDULED_ABSOLUTE, one weekly recurrence rule per chosen day, local naive
  datetimes plus her device's time zone, a short text without medical words. Then, when it
  replaces an older one, DELETE the old alertTokens (404 = already gone).
  https://developer.amazon.com/en-US/docs/alexa/smapi/alexa-reminders-api-reference.html
- Delete: DELETE {apiEndpoint}/v1/alerts/reminders/{alertToken}, one per stored token. The
  tokens are ours from creating; the list call is never used (GET /v1/alerts/reminders
  through ask-sdk-model 1.82 raises SerializationException whenever a reminder has
  alertInfo, alexa-apis-for-python issue 4).
- Permission by voice: Connections.SendRequest, name AskFor, payload
  AskForPermissionsConsentRequest version 2 with the reminders scope at ACCOUNT level.
  Alexa asks her, then sends Connections.Response (status ACCEPTED, DENIED or
  NOT_ANSWERED) with our token back; the token says what the permission was for.
  https://developer.amazon.com/en-US/docs/alexa/smapi/voice-permissions-for-reminders.html

Every call goes through skill.alexa.api: one deadline per call and the turn's budget of
4 s across all of them (time zone, create, delete), so a slow API costs her a sentence,
never the turn. Every failure becomes a Result for the coach, which says it honestly.

Time zone: her profile's (the interceptor reads it from the Settings API at the start of a
session). When it is not known yet, this turn asks the Settings API once more; when still
unknown, the request carries no timeZoneId, and Alexa then uses the device's own time zone
for the reminder (the API's documented default), which is the one she means.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from typing import Any

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model.interfaces.connections import ConnectionsResponse, SendRequestDirective
from ask_sdk_model.services.reminder_management import (
    AlertInfo,
    PushNotification,
    PushNotificationStatus,
    Recurrence,
    ReminderRequest,
    ReminderResponse,
    SpokenInfo,
    SpokenText,
    Trigger,
    TriggerType,
)
from ask_sdk_model.ui import AskForPermissionsConsentCard

from skill.alexa.api import AlexaApi, AlexaApiError, device_time_zone, turn_budget
from skill.core import coach
from skill.core import profile as prof
from skill.core.coach import Context, Effect, Outcome
from skill.core.events import PERMISSION_ANSWERS, Event, Kind
from skill.core.reminders import (
    REMINDERS_SCOPE,
    Created,
    Deleted,
    Draft,
    Result,
    draft_of_token,
    rules,
    token_for,
)

log = logging.getLogger("skill.alexa")

REMINDERS_PATH = "/v1/alerts/reminders"
REMINDER_PATH = "/v1/alerts/reminders/{alertToken}"
ASK_FOR = "AskFor"


# --- the requests, from the SDK's model classes ------------------------------------------------


def reminder_request(
    draft: Draft, *, zone: str | None, text: str, locale: str, now: datetime
) -> ReminderRequest:
    """One reminder, one weekly rule per day. `now` is aware; the API takes local naive
    datetimes with the zone beside them (no zone: Alexa uses the device's)."""
    assert draft.time is not None
    local = now.astimezone(prof.zone(zone)) if zone else now
    local_now = local.replace(tzinfo=None, second=0, microsecond=0)
    return ReminderRequest(
        request_time=local_now,
        trigger=Trigger(
            object_type=TriggerType.SCHEDULED_ABSOLUTE,
            time_zone_id=zone,
            recurrence=Recurrence(
                start_date_time=local_now, recurrence_rules=list[object](rules(draft.days, draft.time))
            ),
        ),
        alert_info=AlertInfo(spoken_info=SpokenInfo(content=[SpokenText(locale=locale, text=text)])),
        push_notification=PushNotification(status=PushNotificationStatus.ENABLED),
    )


def permission_directive(draft: Draft | None) -> SendRequestDirective:
    """Alexa asks her for the reminders permission. The SDK (1.82) types the payload as a
    dict; its keys are the documented AskForPermissionsConsentRequest, version 2."""
    return SendRequestDirective(
        name=ASK_FOR,
        payload={
            "@type": "AskForPermissionsConsentRequest",
            "@version": "2",
            "permissionScopes": [{"permissionScope": REMINDERS_SCOPE, "consentLevel": "ACCOUNT"}],
        },
        token=token_for(draft),
    )


def consent_card() -> AskForPermissionsConsentCard:
    """The card in the Alexa app that lets her allow reminders there."""
    return AskForPermissionsConsentCard(permissions=[REMINDERS_SCOPE])


def decorate(handler_input: HandlerInput, outcome: Outcome) -> None:
    """Add what the Effects ask of the response itself: the AskFor directive, the card."""
    builder = handler_input.response_builder
    if Effect.ASK_PERMISSION in outcome.effects:
        builder.add_directive(permission_directive(outcome.state.draft))
    if Effect.PERMISSION_CARD in outcome.effects:
        builder.set_card(consent_card())


# --- Connections.Response -> an event ------------------------------------------------------------


def permission_event(request: Any) -> Event | None:
    """Her answer to AskFor, as an Event; None for any other Connections.Response."""
    if not isinstance(request, ConnectionsResponse) or request.name != ASK_FOR:
        return None
    payload = request.payload or {}
    answer = str(payload.get("status") or "").lower() if isinstance(payload, dict) else ""
    if answer not in PERMISSION_ANSWERS:
        answer = "not_answered"
    draft = draft_of_token(request.token)
    if draft is None:
        return Event(Kind.PERMISSION, answer)
    return Event(Kind.PERMISSION, answer, days=draft.days, at=draft.time)


# --- carrying out the coach's effects ------------------------------------------------------------


def _api(handler_input: HandlerInput) -> AlexaApi | None:
    factory = handler_input.service_client_factory
    client = factory.api_configuration.api_client if factory is not None else None
    if client is None:
        return None
    return AlexaApi.for_request(handler_input.request_envelope, client, turn_budget(handler_input))


def _result(error: AlexaApiError) -> Result:
    return {401: Result.UNAUTHORIZED, 403: Result.FORBIDDEN}.get(error.status or 0, Result.FAILED)


def create(api: AlexaApi | None, request: ReminderRequest) -> Created:
    if api is None:
        return Created(Result.FAILED)
    try:
        answer = api.call(
            "POST", REMINDERS_PATH, body=request, response_type=ReminderResponse, operation="create reminder"
        )
    except AlexaApiError as error:  # already logged, without anything that identifies her
        return Created(_result(error))
    token = getattr(answer, "alert_token", None)
    if not isinstance(token, str) or not token:
        log.warning("Alexa API create reminder answered without an alert token")
        return Created(Result.FAILED)
    return Created(Result.OK, token)


def delete(api: AlexaApi | None, tokens: tuple[str, ...]) -> Deleted:
    """Every token deleted, or gone already (404); the worst result and the tokens still there."""
    kept: list[str] = []
    worst = Result.OK
    for token in tokens:
        try:
            if api is None:
                raise AlexaApiError("no API endpoint or token in the request")
            api.call("DELETE", REMINDER_PATH, path_params={"alertToken": token}, operation="delete reminder")
        except AlexaApiError as error:
            if error.status == 404:
                continue  # already gone: deleted in the Alexa app, or by Alexa
            kept.append(token)
            result = _result(error)
            worst = result if worst is Result.OK or result is Result.UNAUTHORIZED else worst
    return Deleted(worst, tuple(kept))


def carry_out(
    handler_input: HandlerInput, ctx: Context, outcome: Outcome, *, after_consent: bool = False
) -> Outcome:
    """Do what the coach asked (create or delete reminders), then let it decide what she
    hears from the result. Other effects pass through to the response."""
    if Effect.CREATE_REMINDER in outcome.effects:
        draft = outcome.state.draft
        assert draft is not None
        profile = outcome.profile
        api = _api(handler_input)
        if profile.time_zone is None and api is not None:
            zone = device_time_zone(handler_input.request_envelope, api.api_client, api.budget)
            profile = replace(profile, time_zone=zone) if zone else profile
        locale = getattr(handler_input.request_envelope.request, "locale", None) or "en-US"
        request = reminder_request(
            draft, zone=profile.time_zone, text=ctx.say("reminder_text"), locale=locale, now=ctx.now
        )
        result = create(api, request)
        old = profile.reminder.tokens if profile.reminder is not None else ()
        if result.result is Result.OK and old:
            result = replace(result, kept=delete(api, old).kept)  # "change my reminder" replaces it
        after = replace(ctx, state=outcome.state, profile=profile)
        return coach.reminder_created(after, result, after_consent=after_consent)
    if Effect.DELETE_REMINDERS in outcome.effects:
        reminder = outcome.profile.reminder
        tokens = reminder.tokens if reminder is not None else ()
        deleted = delete(_api(handler_input), tokens)
        after = replace(ctx, state=outcome.state, profile=outcome.profile)
        return coach.reminders_deleted(after, deleted, after_consent=after_consent)
    return outcome
