"""How the skill sounds, in one place: the delivery the SSML renderer applies, and the
speaking-time estimate the pacing engine makes for it. Change them together.

The estimate (skill.core.pacing.speaking_seconds) for one cue, said before a pause:

    letters / (WORDS_PER_SECOND x LETTERS_PER_WORD)   the words, by their length
    + CUE_OVERHEAD_S                                  starting and ending an utterance
    + SENTENCE_PAUSE_S per full stop (. ! ?) with more words after it
    + CLAUSE_PAUSE_S per comma (, ; : em dash) with more words after it

A cue's last stop adds nothing: the <break> that follows replaces the voice's own pause
(measured: "Squeeze." then a 100 ms break lasts as long as with a 3 s break, minus the
difference). So the pacing engine joins the cues of one phase into one utterance, and puts
an explicit short silence between two utterances that would otherwise run together.

Where the numbers come from. Amazon publishes no words-per-minute figure for Alexa's
voices; conversational English runs at about 150 words a minute, slowed here to
PROSODY_RATE_PERCENT, so WORDS_PER_SECOND = 2.25 (words of average length). Counting words
alone missed the cost of many short cues (rendered by espeak-ng, shoulder blade squeezes
ran 15.7 % over plan, cat-cow 6.4 %, the chest opener 7.4 %): a one-word cue ("Squeeze.")
takes about 0.75 s, not 0.44, and a full stop inside a cue ("Three. Squeeze.") about 0.7 s.
The four constants below were fitted by least squares to 66 of the skill's own cues,
each rendered by espeak-ng 1.51 (skill/commands/_audio.py) four times between 3 s breaks:
largest error 0.6 s on one cue, and every stretch of every version within 5 % of plan
(tests/test_pacing.py::test_every_stretch_of_every_version_sounds_as_planned).

Recalibrating from a real device (do this before trusting the figures on Alexa):
1. `python -m skill plan <exercise> --format ssml` for two or three stretches with many
   short cues (shoulder_squeezes, seated_squeezes) and one with long lines (childs_pose).
2. Play each through the Alexa developer console's Voice & Tone tab (or the skill's
   simulator with the same SSML) on the voice you ship, and record the device's output.
3. Measure each recording's length (`soxi -D file.wav`, or an audio editor). Compare with
   the planned seconds printed by `python -m skill plan <exercise>`.
4. If they differ by more than a few per cent: mark the start of each cue in the recording
   (an editor's label track), fit the constants below to the cue lengths the way
   voice.py's history says (letters, inner stops, inner commas, one per cue), and replace
   them. Keep WORDS_PER_SECOND tied to PROSODY_RATE_PERCENT.
5. Run `pytest tests/test_pacing.py`: every phase must still fit its target; lengthen a
   phase in pacing.PHASE_SECONDS or shorten a cue in the content if one no longer does.
"""

from __future__ import annotations

BASE_WORDS_PER_MINUTE = 150.0
PROSODY_RATE_PERCENT = 90  # Alexa accepts 20 % and above
WORDS_PER_SECOND = BASE_WORDS_PER_MINUTE / 60.0 * PROSODY_RATE_PERCENT / 100.0

# Fitted (see above). LETTERS_PER_WORD: an average English word in running text has about
# 4.7 letters; the fit says 4.78, so "words of average length" keeps its meaning.
LETTERS_PER_WORD = 4.78
CUE_OVERHEAD_S = 0.08
SENTENCE_PAUSE_S = 0.69
CLAUSE_PAUSE_S = 0.58

MAX_BREAK_S = 10.0  # Alexa's ceiling for one <break time="...">
