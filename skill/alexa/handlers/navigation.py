"""Moving through the routine: start, next, back, repeat, jump to a stretch, pause, stop."""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput

from skill.core import coach
from skill.core.coach import Context, Outcome
from skill.alexa.handlers.base import IntentHandler, simple
from skill.alexa.handlers.slots import resolve_exercise

StartRoutineIntentHandler = simple("StartRoutineIntentHandler", ("StartRoutineIntent",), coach.start_routine)
ResumeIntentHandler = simple("ResumeIntentHandler", ("AMAZON.ResumeIntent",), coach.resume)
NextIntentHandler = simple("NextIntentHandler", ("AMAZON.NextIntent",), coach.next_stretch)
SkipIntentHandler = simple("SkipIntentHandler", ("SkipIntent",), coach.skip)
PreviousIntentHandler = simple("PreviousIntentHandler", ("AMAZON.PreviousIntent",), coach.previous)
RepeatIntentHandler = simple("RepeatIntentHandler", ("AMAZON.RepeatIntent",), coach.repeat)
StartOverIntentHandler = simple("StartOverIntentHandler", ("AMAZON.StartOverIntent",), coach.start_over)
YesIntentHandler = simple("YesIntentHandler", ("AMAZON.YesIntent",), coach.yes)
NoIntentHandler = simple("NoIntentHandler", ("AMAZON.NoIntent",), coach.no)
PauseIntentHandler = simple("PauseIntentHandler", ("AMAZON.PauseIntent",), coach.pause)
StopIntentHandler = simple(
    "StopIntentHandler", ("AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.NavigateHomeIntent"), coach.stop
)


class ExerciseIntentHandler(IntentHandler):
    intents = ("ExerciseIntent",)

    def decide(self, ctx: Context, handler_input: HandlerInput) -> Outcome:
        intent = getattr(handler_input.request_envelope.request, "intent", None)
        return coach.exercise(ctx, resolve_exercise(intent))
