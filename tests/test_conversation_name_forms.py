"""A stretch's name in a sentence, through HTTP with the envelopes Alexa sends: "the chest
opener" wherever it sits inside a sentence, the bare "chest opener" in a label. Which
template gets which form is listed in tests/test_name_forms.py."""

from __future__ import annotations

from tests.conversation import MODEL_JSON, Conversation, Said, last_sentence, stored

LANGUAGE = MODEL_JSON["interactionModel"]["languageModel"]


def _routine_on_the_chest_opener(talk: Conversation) -> Said:
    """Launch (yes to "ready?" on first use), then next to the last stretch."""
    said = talk.launch()
    if said.state["mode"] != "routine":
        said = talk.intent("AMAZON.YesIntent")
    for _ in range(4):
        said = talk.intent("AMAZON.NextIntent")
    assert said.state["current"] == "chest_opener"
    return said


def test_what_is_the_chest_opener_offers_the_chest_opener(talk: Conversation) -> None:
    # "what is the chest opener" is the sample "what is the {exercise}": the slot is the name
    describe = next(i for i in LANGUAGE["intents"] if i["name"] == "DescribeExerciseIntent")
    assert "what is the {exercise}" in describe["samples"]
    said = talk.intent("DescribeExerciseIntent", exercise="chest opener")
    said.says("The chest opener is done standing tall")
    assert last_sentence(said.speech) == "Would you like to do the chest opener now?"
    said.reprompts("Would you like to do the chest opener now? Say yes or no.")
    said = talk.intent("AMAZON.YesIntent").says("Let's do the chest opener.").does_not_say("Stretch 5 of 5")
    assert said.state["mode"] == "single" and said.state["current"] == "chest_opener"


def test_a_stretch_by_name_is_lets_do_the_chest_opener(talk: Conversation) -> None:
    talk.intent("ExerciseIntent", exercise="the chest one").says("Let's do the chest opener.")


def test_the_label_stays_bare_and_the_question_before_it_has_the_article(talk: Conversation) -> None:
    said = talk.launch()
    said = talk.intent("AMAZON.YesIntent")  # "ready?" on first use
    for _ in range(3):
        said = talk.intent("AMAZON.NextIntent")
    assert said.state["current"] == "wall_angels"
    assert last_sentence(said.speech) == "Ready to move on to the chest opener?"
    said.reprompts("Ready to move on to the chest opener? Say next, or say repeat to do wall angels again.")
    said = talk.intent("AMAZON.NextIntent").says("Stretch 5 of 5: chest opener.")
    said.does_not_say("Stretch 5 of 5: the chest opener")
    said.reprompts("say repeat to do the chest opener once more")


def test_resuming_at_the_chest_opener(talk: Conversation, storage) -> None:
    _routine_on_the_chest_opener(talk).says("Stretch 5 of 5: chest opener.")
    talk.intent("AMAZON.StopIntent").says("I've saved your place at the chest opener.")
    assert stored(storage)["position"]["current"] == "chest_opener"
    said = talk.launch().says("Welcome back. You were on the chest opener, stretch 5 of 5.")
    assert last_sentence(said.speech) == "Would you like to pick up where you left off, at the chest opener?"
    said.reprompts("Would you like to pick up with the chest opener?")
    talk.intent("AMAZON.YesIntent").says("Stretch 5 of 5: chest opener.")


def test_where_am_i_and_help_on_the_chest_opener(talk: Conversation) -> None:
    _routine_on_the_chest_opener(talk)
    talk.intent("ProgressIntent").says("You're on stretch 5 of 5, the chest opener. This is the last one.")
    talk.intent("AMAZON.HelpIntent").says("You're on the chest opener. Say next to move on")


def test_lists_keep_the_bare_names(talk: Conversation) -> None:
    talk.intent("ExerciseIntent", exercise="downward dog").says(
        "I know cat-cow, child's pose, shoulder blade squeezes, wall angels, or chest opener."
    )


def test_the_quick_version_moves_on_to_the_seated_chest_opener(talk: Conversation) -> None:
    talk.launch()
    talk.intent("AMAZON.StopIntent")  # the first-use note heard
    said = talk.intent("StartRoutineIntent", version="quick").says("Stretch 1 of 2: seated cat-cow.")
    assert last_sentence(said.speech) == "Ready to move on to the seated chest opener?"
    talk.intent("AMAZON.NextIntent").says("Stretch 2 of 2: seated chest opener.")
