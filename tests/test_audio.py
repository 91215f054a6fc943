from __future__ import annotations

import shutil
import wave

import pytest

from skill.commands import _audio as audio
from skill.core import voice
from skill.core.ssml import render
from skill.core.timeline import Phase, Silence, Speech, Timeline

needs_espeak = pytest.mark.skipif(
    shutil.which(audio.ESPEAK) is None,
    reason="espeak-ng is not installed (apt-get install espeak-ng)",
)


def said(text: str) -> Speech:
    # the speaking-time estimate the pacing engine is meant to make: words at the voice rate
    return Speech(text, len(text.split()) / voice.WORDS_PER_SECOND)


def childs_pose_hold() -> Timeline:
    """What a 30 s child's-pose hold looks like: setup, then silence with a cue every ~10 s."""
    setup = (
        said("Kneel with your knees wide apart to make room for your bump."),
        Silence(0.5),
        said("Sit your hips back toward your heels and walk your hands forward."),
        Silence(0.5),
        said("Rest your forehead down and let your upper back soften."),
    )
    cues = []
    for cue in ("Keep breathing.", "Let your shoulders melt.", "Ten more seconds."):
        cues += [said(cue), Silence(10 - said(cue).seconds)]
    release = (said("Slowly walk your hands back and come up to kneeling."),)
    return Timeline(
        "childs_pose",
        (
            Phase("setup", 0, setup),
            Phase("hold", 30, tuple(cues)),
            Phase("release", 0, release),
        ),
    )


@needs_espeak
def test_rendered_hold_lasts_as_long_as_planned(tmp_path):
    timeline = childs_pose_hold()
    assert timeline.planned_s > 40  # setup + 30 s hold + release
    seconds = audio.render_wav(render([timeline]), tmp_path / "hold.wav")
    assert seconds == pytest.approx(timeline.planned_s, rel=0.10)
    with wave.open(str(tmp_path / "hold.wav")) as wav:
        assert wav.getnframes() / wav.getframerate() == pytest.approx(seconds)


@needs_espeak
def test_chained_breaks_play_in_full(tmp_path):
    # espeak-ng plays only one of several consecutive breaks; render_wav must merge them
    base = audio.render_wav("Hold. Release.", tmp_path / "a.wav")
    chained = audio.render_wav(
        'Hold.<break time="10000ms"/><break time="10000ms"/><break time="5000ms"/>Release.',
        tmp_path / "b.wav",
    )
    # the break replaces the short pause after "Hold.", so allow a second either way
    assert chained - base == pytest.approx(25, abs=1.0)


@needs_espeak
def test_leading_silence_is_kept(tmp_path):
    plain = audio.render_wav("Breathe in.", tmp_path / "a.wav")
    led = audio.render_wav(render([Silence(3), "Breathe in."]), tmp_path / "b.wav")
    assert led - plain == pytest.approx(3, abs=0.1)


@needs_espeak
def test_prosody_and_amazon_tags_do_not_change_timing(tmp_path):
    plain = audio.render_wav('Hold.<break time="10s"/>Release.', tmp_path / "a.wav")
    dressed = audio.render_wav(
        '<prosody rate="90%"><amazon:domain name="conversational">Hold.<break time="10s"/>'
        "Release.</amazon:domain></prosody>",
        tmp_path / "b.wav",
    )
    assert dressed == pytest.approx(plain, abs=0.05)


def test_espeak_markup_merges_breaks_and_keeps_text_escaped():
    markup, leading = audio.espeak_markup(
        '<break time="2s"/><prosody rate="90%">Cat &amp; cow.<break time="4s"/>'
        '<break time="6s"/>Again.<audio src="https://e.com/a.mp3"/></prosody>'
    )
    assert markup == '<speak>Cat &amp; cow.<break time="10000ms"/>Again.</speak>'
    assert leading == 2


def test_missing_espeak_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(audio, "ESPEAK", "espeak-ng-not-installed-here")
    with pytest.raises(audio.AudioError, match="not installed"):
        audio.render_wav("Hello.", tmp_path / "x.wav")
