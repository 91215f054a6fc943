from __future__ import annotations

import importlib
import xml.etree.ElementTree as ET

import pytest

from skill.core import ssml, voice
from skill.core.ssml import SSMLError, render, speak, total_break_seconds, transcript, validate
from skill.core.timeline import Phase, Silence, Speech, Timeline
from tests.ssml_checks import assert_alexa_ssml


def hold(seconds: float, *segments) -> Timeline:
    return Timeline("childs_pose", (Phase("hold", seconds, tuple(segments)),))


def break_ms(inner: str) -> list[int]:
    root = ET.fromstring(speak(inner))
    return [int(b.attrib["time"].removesuffix("ms")) for b in root.iter("break")]


# --- rendering --------------------------------------------------------------------------


def test_special_characters_survive_as_text_and_parse():
    inner = render(['Cat & cow: <slowly>, you\'re "fine".'])
    ET.fromstring(speak(inner))  # parses
    assert transcript(inner) == 'Cat & cow: <slowly>, you\'re "fine".'
    assert "<slowly>" not in inner and " & " not in inner


def test_escape_covers_markup_and_both_quotes():
    assert ssml.escape("""a & b < c > d "e" 'f'""") == "a &amp; b &lt; c &gt; d &quot;e&quot; &apos;f&apos;"


def test_the_package_re_exports_each_job():
    # importlib: the package attributes `render` and `heard` are the functions, not modules
    check, heard, markup, render_ = (
        importlib.import_module(f"skill.core.ssml.{name}") for name in ("check", "heard", "markup", "render")
    )
    assert ssml.render is render_.render and ssml.escape is render_.escape
    assert ssml.validate is check.validate and ssml.MAX_SPEECH_CHARS == check.MAX_SPEECH_CHARS
    assert ssml.transcript is heard.transcript and ssml.SSMLError is markup.SSMLError
    for name in ssml.__all__:
        assert getattr(ssml, name) is not None, name


def test_45_second_silence_becomes_breaks_of_at_most_10_s_summing_to_45():
    inner = render([hold(45, Speech("Hold here.", 1), Silence(45), Speech("Release.", 1))])
    parts = break_ms(inner)
    assert len(parts) >= 5
    assert max(parts) <= 10_000
    assert sum(parts) == 45_000
    assert_alexa_ssml(inner)


def test_consecutive_silences_merge_before_splitting_even_across_parts():
    inner = render(["Hold.", Silence(6), hold(9, Silence(9)), Silence(0.02), "Release."])
    assert sum(break_ms(inner)) == 15_020
    assert len(break_ms(inner)) == 2  # 15.02 s needs two breaks, not three
    assert transcript(inner) == "Hold. [15 s] Release."


def test_breaks_are_rounded_to_whole_milliseconds():
    inner = render(["In.", Silence(4.0004), "Out.", Silence(1 / 3), "Done."])
    assert break_ms(inner) == [4000, 333]
    assert 'time="4000ms"' in inner


def test_tiny_silences_are_dropped_and_words_stay_apart():
    inner = render(["Breathe in.", Silence(0.01), "Breathe out."])
    assert "<break" not in inner
    assert transcript(inner) == "Breathe in. Breathe out."


def test_calm_prosody_is_applied_once_around_everything():
    inner = render(["Welcome.", hold(12, Speech("Hold.", 1), Silence(11)), "Say next."])
    root = ET.fromstring(speak(inner))
    prosody = list(root.iter("prosody"))
    assert len(prosody) == 1
    assert prosody[0].attrib == {"rate": f"{voice.PROSODY_RATE_PERCENT}%"}
    assert list(root) == [prosody[0]] and not (root.text or "").strip()


def test_empty_input_renders_nothing():
    assert render([]) == ""
    assert render([Silence(0.01), ""]) == ""


def test_render_rejects_unknown_parts():
    with pytest.raises(TypeError):
        render([42])  # type: ignore[list-item]


def test_rendered_timeline_total_matches_plan():
    timeline = hold(
        33,
        Speech("Sink your hips back.", 2),
        Silence(8.5),
        Speech("Keep breathing.", 1.5),
        Silence(8.5),
        Speech("Let your shoulders soften.", 2),
        Silence(10.5),
    )
    inner = render([timeline])
    assert total_break_seconds(inner) == pytest.approx(27.5)
    assert_alexa_ssml(inner)


# --- validate: rejections ---------------------------------------------------------------


@pytest.mark.parametrize(
    "bad, reason",
    [
        ('<break time="10.5s"/>', "10 s"),
        ('<break time="10500ms"/>', "10 s"),
        ('<break time="soon"/>', "s or ms"),
        ('<break strength="huge"/>', "strength"),
        ("<foo>hi</foo>", "<foo>"),
        ('<prosody speed="slow">hi</prosody>', "speed"),
        ('<audio src="http://example.com/a.mp3"/>', "https"),
        ('<prosody rate="10%">hi</prosody>', "20%"),
        ("<s>hi</p>", "well-formed"),
        ("Cat & cow", "well-formed"),
        ('<amazon:emotion name="calm" intensity="low">hi</amazon:emotion>', "name"),
        ('<amazon:emotion name="excited">hi</amazon:emotion>', "intensity"),
        ("<speak>hi</speak>", "nested"),
        ('<say-as format="mdy">1/2</say-as>', "interpret-as"),
        ('<say-as interpret-as="money">5</say-as>', "interpret-as"),
    ],
)
def test_validate_rejects(bad, reason):
    with pytest.raises(SSMLError, match=reason):
        validate(f"<speak>Hi. {bad}</speak>")


def test_validate_rejects_speech_over_8000_characters():
    long_speech = speak("a" * (ssml.MAX_SPEECH_CHARS - len(speak("")) + 1))
    assert len(long_speech) == 8001
    with pytest.raises(SSMLError, match="8000"):
        validate(long_speech)
    with pytest.raises(SSMLError, match="8000"):
        validate("word " * 1800)  # 9000 characters of inner speech


def test_character_count_includes_the_speak_wrapper_as_alexa_counts():
    inner = "a" * (ssml.MAX_SPEECH_CHARS - len("<speak></speak>"))
    validate(inner)  # exactly 8000 once wrapped
    with pytest.raises(SSMLError):
        validate(inner + "a")


def test_validate_rejects_a_sixth_audio_tag():
    clip = '<audio src="https://example.com/chime.mp3"/>'
    validate(speak(clip * 5))
    with pytest.raises(SSMLError, match="5"):
        validate(speak(clip * 6))


def test_validate_checks_known_audio_length():
    clip = '<audio src="https://example.com/music.mp3"/>'
    lengths = {"https://example.com/music.mp3": 100.0}
    validate(speak(clip * 2), audio_seconds=lengths)
    with pytest.raises(SSMLError, match="240"):
        validate(speak(clip * 3), audio_seconds=lengths)
    with pytest.raises(SSMLError, match="90"):
        validate(speak(clip), audio_seconds=lengths, reprompt=True)


def test_validate_rejects_text_outside_speak_and_doctype():
    with pytest.raises(SSMLError):
        validate("<speak>hi</speak> trailing")
    with pytest.raises(SSMLError):
        validate('<!DOCTYPE speak [<!ENTITY x "y">]><speak>&x;</speak>')


# --- validate: realistic Alexa SSML is accepted -----------------------------------------


SOUND = "https://s3.amazonaws.com/ask-soundlibrary/ui/gameshow/amzn_ui_sfx_gameshow_intro_01.mp3"
REALISTIC = (
    "<speak>"
    '<amazon:domain name="conversational">Welcome back.</amazon:domain> '
    '<amazon:emotion name="excited" intensity="medium">Nice work!</amazon:emotion> '
    '<amazon:effect name="whispered">Quietly now.</amazon:effect>'
    '<p><s>Do <say-as interpret-as="cardinal">10</say-as> breaths.</s>'
    '<s>Read <w role="amazon:VBD">read</w> <sub alias="pelvic floor">PF</sub>.</s></p>'
    '<break time="10s"/><break time="10000ms"/><break strength="strong"/>'
    '<prosody rate="90%" pitch="-5%" volume="-2dB">Slowly.</prosody>'
    '<emphasis level="reduced">gently</emphasis>'
    '<phoneme alphabet="ipa" ph="pɪˈkɑːn">pecan</phoneme>'
    '<lang xml:lang="fr-FR">bonjour</lang>'
    '<voice name="Joanna">Hello.</voice>'
    '<say-as interpret-as="date" format="mdy">1/2/2025</say-as>' + f'<audio src="{SOUND}"/>' * 5 + "</speak>"
)


def test_validate_accepts_realistic_alexa_ssml():
    validate(REALISTIC)
    assert_alexa_ssml(REALISTIC)


def test_validate_accepts_inner_ssml_and_declared_amazon_namespace():
    validate('Hi.<break time="2s"/>Bye.')
    validate(
        '<speak xmlns:amazon="https://amazon.com/ssml">'
        '<amazon:effect name="whispered">hi</amazon:effect></speak>'
    )


# --- transcript -------------------------------------------------------------------------


def test_transcript_shows_pauses_and_sums_adjacent_breaks():
    text = speak(
        'In.<break time="4s"/>Out.<break time="2000ms"/><break time="500ms"/>'
        'Hold.<break time="10s"/><break time="10s"/>'
    )
    assert transcript(text) == "In. [4 s] Out. [2.5 s] Hold. [20 s]"
    assert total_break_seconds(text) == pytest.approx(26.5)


def test_transcript_reads_what_is_heard():
    text = speak(
        '<sub alias="ten">10</sub> breaths <audio src="https://e.com/a.mp3"/> '
        'child<emphasis level="moderate">ren</emphasis> &amp; you'
    )
    assert transcript(text) == "ten breaths [audio] children & you"


# --- the shared check -------------------------------------------------------------------


@pytest.mark.parametrize(
    "leaky",
    [
        "Say &lt;break time=&quot;2s&quot;/&gt; now.",  # markup escaped twice
        "Hold for {seconds} seconds.",  # unfilled placeholder
        "Caf&amp;amp;e",  # double-escaped ampersand
    ],
)
def test_assert_alexa_ssml_catches_what_would_be_read_out(leaky):
    with pytest.raises(AssertionError):
        assert_alexa_ssml(leaky)


def test_assert_alexa_ssml_rejects_invalid_and_empty():
    with pytest.raises(AssertionError, match="reject"):
        assert_alexa_ssml('<break time="11s"/>')
    with pytest.raises(AssertionError, match="nothing"):
        assert_alexa_ssml("<speak> </speak>")
