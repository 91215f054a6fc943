"""Render the skill's SSML to a WAV with espeak-ng, to hear a stretch and to check that the
planned timing survives synthesis (tests, `python -m skill plan`). Not used when serving.

espeak-ng is not Alexa, but with `-m` it reads SSML and honours <break time>. What it does
differently, measured with espeak-ng 1.51 (durations of the written WAV):
- Of consecutive breaks it plays only one ("Hi.<5s/><10s/>Bye." = 10.9 s, same as one
  10 s break), so runs of breaks are summed into one break here. It plays one long break
  faithfully (30 s -> 30.9 s, 120 s -> 120.8 s, speech included).
- <prosody rate> also stretches breaks, by more than the rate (90 %: a 10 s break plays
  about 2 s long), so prosody is dropped and the calm rate goes into `-s` instead.
- A break before any text is ignored, so leading silence is added to the WAV here.
- amazon:* tags and <audio> mean nothing to it: their text is kept, clips are skipped
  (their length is not in the result).
"""

from __future__ import annotations

import shutil
import subprocess
import wave
from pathlib import Path

from skill.core import voice
from skill.core.ssml.heard import AudioClip, heard
from skill.core.ssml.render import escape

ESPEAK = "espeak-ng"
# espeak's -s is nominal: it speaks faster than it says. Measured on the skill's kind of
# text (nine cues of 2-16 words, 0.5 s breaks between them, 36.1 s planned at
# voice.WORDS_PER_SECOND): -s 100 -> 39.9 s, 110 -> 36.6 s, 112 -> 36.0 s, 120 -> 33.8 s.
# So nominal = 0.83 x the wanted words a minute. Re-measure if the voice changes.
ESPEAK_NOMINAL_PER_ACTUAL_WPM = 0.83
ESPEAK_WPM = round(voice.WORDS_PER_SECOND * 60 * ESPEAK_NOMINAL_PER_ACTUAL_WPM)
TIMEOUT_S = 60  # a whole 8000-character response renders in a couple of seconds


class AudioError(RuntimeError):
    """espeak-ng is missing or failed; the message says which."""


def espeak_markup(inner_ssml: str) -> tuple[str, float]:
    """Alexa SSML -> (SSML espeak plays as Alexa would time it, leading silence in s)."""
    out: list[str] = []
    leading = 0.0
    pause = 0.0
    for before, item in heard(inner_ssml):
        pause += before  # a skipped audio clip passes its pause on to what follows
        if item is None or isinstance(item, AudioClip):
            continue
        if pause:
            if out:
                out.append(f'<break time="{round(pause * 1000)}ms"/>')
            else:
                leading = pause
            pause = 0.0
        out.append(escape(item))
    if pause:
        if out:
            out.append(f'<break time="{round(pause * 1000)}ms"/>')
        else:
            leading = pause
    return f"<speak>{''.join(out)}</speak>", leading


def _prepend_silence(path: Path, seconds: float) -> None:
    with wave.open(str(path), "rb") as wav:
        params = wav.getparams()
        frames = wav.readframes(wav.getnframes())
    pad = b"\x00" * (round(seconds * params.framerate) * params.sampwidth * params.nchannels)
    with wave.open(str(path), "wb") as wav:
        wav.setparams(params)
        wav.writeframes(pad + frames)


def wav_seconds(path: str | Path) -> float:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / wav.getframerate()


def render_wav(inner_ssml: str, path: str | Path) -> float:
    """Speak the SSML into a WAV file at `path`; return its measured length in seconds."""
    exe = shutil.which(ESPEAK)
    if exe is None:
        raise AudioError(f"{ESPEAK} is not installed (apt-get install espeak-ng)")
    markup, leading = espeak_markup(inner_ssml)
    path = Path(path)
    try:
        subprocess.run(
            [exe, "-m", "-s", str(ESPEAK_WPM), "-w", str(path), "--stdin"],
            input=markup.encode("utf-8"),
            capture_output=True,
            timeout=TIMEOUT_S,
            check=True,
        )
    except subprocess.CalledProcessError as exc:
        detail = exc.stderr.decode(errors="replace").strip()
        raise AudioError(f"{ESPEAK} failed: {detail}") from None
    except subprocess.TimeoutExpired:
        raise AudioError(f"{ESPEAK} took longer than {TIMEOUT_S} s") from None
    if leading:
        _prepend_silence(path, leading)
    return wav_seconds(path)
