"""skill.core.screen: the datasource the Echo Show document plays, from the same Timeline as
the SSML. Pure unit tests (no HTTP); the espeak-ng check renders real audio."""

from __future__ import annotations

import math
import re
import shutil
from datetime import date

import pytest

from skill.core import poses, screen
from skill.core.content import default
from skill.core.pacing import DOSES, PACES, Settings, plan, speaking_seconds
from skill.core.ssml import render
from skill.core.timeline import Silence, Speech

CONTENT = default()
EXERCISES = [e.id for e in CONTENT.exercises]
_BREAK = re.compile(r'<break time="(\d+)ms"/>')


def _timeline(exercise_id: str, settings: Settings = Settings()):
    return plan(CONTENT.exercise(exercise_id), settings, content=CONTENT)


@pytest.mark.parametrize("pace", PACES)
@pytest.mark.parametrize("dose", DOSES)
@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_each_phase_lasts_its_ssml_silence_plus_its_speaking_time(
    exercise_id: str, pace: str, dose: str
) -> None:
    timeline = _timeline(exercise_id, Settings(pace, dose))
    played = screen.pacer(timeline)["phases"]
    assert [p["kind"] for p in played] == [p.kind for p in timeline.phases]
    for phase, shown in zip(timeline.phases, played, strict=True):
        ssml = render([Silence(0.0), *phase.segments])  # the phase's own SSML, breaks and all
        silence_ms = sum(int(m) for m in _BREAK.findall(ssml))
        speaking_ms = sum(speaking_seconds(s.text) for s in phase.segments if isinstance(s, Speech)) * 1000
        assert shown["ms"] == pytest.approx(silence_ms + speaking_ms, abs=2), phase.kind


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_phases_play_back_to_back_from_the_lead_in(exercise_id: str) -> None:
    timeline = _timeline(exercise_id)
    played = screen.pacer(timeline, lead_s=7.5)
    at = 7500
    for phase in played["phases"]:
        assert abs(phase["atMs"] - at) <= 2
        at = phase["atMs"] + phase["ms"]
    assert played["totalMs"] == pytest.approx(7500 + timeline.planned_s * 1000, abs=2)
    cue_texts = [c["text"] for c in played["cues"]]
    assert cue_texts == [s.text for s in timeline.segments if isinstance(s, Speech)]
    assert [c["atMs"] for c in played["cues"]] == sorted(c["atMs"] for c in played["cues"])


def test_the_disc_grows_on_inhale_shrinks_on_exhale_and_holds_still_with_a_countdown() -> None:
    kinds = {p["kind"]: p for p in screen.pacer(_timeline("cat_cow"))["phases"]}
    assert kinds["inhale"]["to"] > kinds["inhale"]["from"] and kinds["inhale"]["label"] == "Breathe in"
    assert kinds["exhale"]["to"] < kinds["exhale"]["from"] and kinds["exhale"]["label"] == "Breathe out"
    hold = next(p for p in screen.pacer(_timeline("childs_pose"))["phases"] if p["kind"] == "hold")
    assert hold["from"] == hold["to"] and hold["countdown"] == math.ceil(hold["ms"] / 1000) >= 30
    assert all(p["countdown"] == 0 for p in kinds.values() if p["kind"] != "hold")


@pytest.mark.parametrize("pace", PACES)
@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_animation_stays_below_three_flashes_a_second(exercise_id: str, pace: str) -> None:
    """Each phase makes at most one change of disc size and of pose; none lasts under a second."""
    for phase in screen.pacer(_timeline(exercise_id, Settings(pace)))["phases"]:
        if phase["from"] != phase["to"]:
            assert phase["ms"] >= screen.MIN_ANIMATED_MS


def test_lead_in_lines_are_shown_while_said_and_the_pacer_starts_after_them() -> None:
    timeline = _timeline("wall_angels")
    lead = ("Stretch 3 of 5: wall angels.", Silence(1.0), "Stand with your back to a wall.")
    order = ("cat_cow", "shoulder_squeezes", "wall_angels", "childs_pose", "chest_opener")
    place = screen.progress(
        order, "wall_angels", ["cat_cow", "shoulder_squeezes"], {e.id: e.name for e in CONTENT.exercises}
    )
    payload = screen.stretch(timeline, title="wall angels", place=place, lead=lead)
    first, second = payload["pacer"]["cues"][:2]
    assert (first["atMs"], first["text"]) == (0, lead[0])
    assert second["atMs"] == screen.ms(speaking_seconds(lead[0]) + 1.0)
    assert payload["pacer"]["phases"][0]["atMs"] == screen.ms(screen.lead_seconds(lead))
    assert payload["cue"] == lead[0]
    assert payload["progress"]["label"] == "Stretch 3 of 5"
    assert [d["state"] for d in payload["progress"]["dots"]] == ["done", "done", "current", "todo", "todo"]
    assert [b["action"] for b in payload["buttons"]] == ["next", "pause"]
    assert payload["figure"]["a"] != payload["figure"]["b"]  # two keyframes


def test_every_stretch_has_its_own_two_keyframe_figure() -> None:
    assert set(EXERCISES) <= set(poses.POSES)
    shapes = {tuple(sorted(poses.figure(i)["a"].items())) for i in EXERCISES}
    assert len(shapes) == len(EXERCISES)
    for exercise_id in EXERCISES:
        fig = poses.figure(exercise_id)
        assert fig["a"].keys() == fig["b"].keys() and fig["a"] != fig["b"] and fig["label"]


def test_every_payload_has_the_same_keys() -> None:
    """The document reads every key on every screen; none may be missing."""
    keys = set(screen.stretch(_timeline("cat_cow"), title="t", place=screen.progress((), None, (), {})))
    assert keys == set(
        screen.paused(title="t", place=screen.progress((), None, (), {}), seconds=60, line="ok?")
    )
    assert keys == set(screen.text(title="t", lines=["a"]))
    assert keys == set(screen.week(title="t", today=date(2026, 12, 2), days_done=[]))


def test_week_strip_marks_her_days_ending_today() -> None:
    payload = screen.week(
        title="This week",
        today=date(2026, 12, 2),
        days_done=[date(2026, 12, 2), date(2026, 11, 30), date(2026, 11, 20)],
    )
    days = payload["week"]["days"]
    assert len(days) == 7 and days[-1]["today"] and days[-1]["label"].startswith("Today")
    assert [d["done"] for d in days] == [False, False, False, False, True, False, True]
    assert payload["week"]["summary"] == "2 days with a routine in the last seven"


def test_paused_shows_the_waits_countdown() -> None:
    payload = screen.paused(
        title="cat-cow", place=screen.progress((), None, (), {}), seconds=59.2, line="Ready?"
    )
    assert payload["countdown"] == 60 and payload["pacer"]["label"] == "Paused"
    assert [b["action"] for b in payload["buttons"]] == ["resume", "next"]


@pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="espeak-ng is not installed (apt-get install espeak-ng)"
)
@pytest.mark.parametrize("exercise_id", ["cat_cow", "childs_pose"])
def test_espeak_rendering_of_the_ssml_lasts_as_long_as_the_pacer(exercise_id: str, tmp_path) -> None:
    """Not marked slow: espeak-ng renders a two-minute stretch in well under a second."""
    from skill.commands._audio import render_wav

    timeline = _timeline(exercise_id)
    pacer_s = screen.pacer(timeline)["totalMs"] / 1000
    seconds = render_wav(render([timeline]), tmp_path / f"{exercise_id}.wav")
    assert seconds == pytest.approx(pacer_s, rel=0.10)


def test_preview_writes_the_document_and_datasource_for_one_stretch(tmp_path, capsys) -> None:
    import json

    from skill.__main__ import main

    assert main(["preview", "--screen", "wall angels", "--out", str(tmp_path)]) == 0
    doc = json.loads((tmp_path / "document.json").read_text())
    data = json.loads((tmp_path / "datasources.json").read_text())
    assert doc["type"] == "APL" and data["payload"]["screen"] == "stretch"
    assert data["payload"]["title"] == "wall angels"
    assert re.fullmatch(r"Stretch \d of 5", data["payload"]["progress"]["label"])
    assert main(["preview", "--screen", "handstand", "--out", str(tmp_path)]) == 2
