"""`python -m skill plan`, called through the real dispatcher."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from skill.__main__ import main
from skill.core.content import default
from skill.core.pacing import Settings, plan, routine_seconds
from skill.core.ssml.check import validate
from skill.core.ssml.markup import speak
from skill.core.ssml.render import render

CONTENT = default()
NAMES = [CONTENT.exercise(i).name for i in CONTENT.routine("standard").stretches]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["plan", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_text_plan_of_the_routine(capsys):
    code, out, _ = run(capsys)
    assert code == 0
    for name in NAMES:
        assert f"total {name}:" in out
    total = routine_seconds(Settings())
    assert f"routine total: {int(total // 60):02d}:{round(total) % 60:02d} ({total:.1f} s)" in out
    assert re.search(r"^\s+\[\d+\.\d s\]$", out, re.M)  # silences
    assert re.search(r"^\s+\d\d:\d\d  Breathe in\. Cow\.$", out, re.M)  # cues with start times
    assert re.search(r"^\s+hold\s+planned\s+45\.0 s\s+target\s+45\.0 s$", out, re.M)


def test_text_plan_of_one_stretch_by_name(capsys):
    code, out, _ = run(capsys, "child's pose", "--dose", "full", "--pace", "slower")
    assert code == 0
    assert "child's pose (childs_pose, floor): 60 seconds" in out
    assert "routine total" not in out and "wall angels" not in out
    assert "pace slower, dose full" in out


@pytest.mark.parametrize("spoken", ["wall_angels", "Wall Angels", "wall slides"])
def test_ids_names_and_synonyms_are_accepted(capsys, spoken):
    code, out, _ = run(capsys, spoken, "--format", "json")
    assert code == 0
    assert [e["exercise_id"] for e in json.loads(out)["exercises"]] == ["wall_angels"]


def test_json_has_the_documented_shape(capsys):
    code, out, _ = run(capsys, "--format", "json", "--pace", "faster", "--dose", "short")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"settings", "routine", "exercises", "total_s"}
    assert data["settings"] == {"pace": "faster", "dose": "short"} and data["routine"] == "standard"
    assert [e["exercise_id"] for e in data["exercises"]] == list(CONTENT.routine("standard").stretches)
    assert data["total_s"] == pytest.approx(routine_seconds(Settings("faster", "short")), abs=0.01)
    for ex in data["exercises"]:
        assert set(ex) == {"exercise_id", "id", "name", "position", "dose", "planned_s", "phases"}
        assert ex["planned_s"] == pytest.approx(sum(p["planned_s"] for p in ex["phases"]), abs=0.05)
        expected_at = 0.0
        for phase in ex["phases"]:
            assert set(phase) == {"kind", "target_s", "planned_s", "segments"}
            for seg in phase["segments"]:
                assert seg["kind"] in ("speech", "silence")
                assert ("text" in seg) == (seg["kind"] == "speech")
                # each segment starts where the previous one ended (both rounded to 0.01)
                assert seg["start_s"] == pytest.approx(expected_at, abs=0.011)
                expected_at = seg["start_s"] + seg["seconds"]
    cat_cow = data["exercises"][0]
    assert cat_cow["dose"] == {"amount": 5, "unit": "breaths"}
    assert cat_cow["phases"][0]["kind"] == "setup"


def test_ssml_output_is_valid_alexa_ssml(capsys):
    code, out, _ = run(capsys, "cat cow", "--format", "ssml")
    assert code == 0
    (line,) = out.splitlines()
    validate(line)
    assert line == speak(render([plan(CONTENT.exercise("cat_cow"), Settings())]))


def test_unknown_exercise_exits_2_with_the_ids(capsys):
    code, out, err = run(capsys, "plank")
    assert code == 2 and out == ""
    assert "plank" in err
    for ex_id in CONTENT.ids:
        assert ex_id in err


def test_bad_option_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["plan", "--pace", "brisk"])
    assert exit_info.value.code == 2


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_audio_reports_measured_next_to_planned(capsys, tmp_path):
    wav = tmp_path / "childs_pose.wav"
    code, out, _ = run(capsys, "child's pose", "--dose", "short", "--audio", str(wav))
    assert code == 0 and wav.stat().st_size > 0
    planned = plan(CONTENT.exercise("childs_pose"), Settings(dose="short")).planned_s
    match = re.search(r"measured ([\d.]+) s, planned ([\d.]+) s", out)
    assert match and float(match.group(2)) == pytest.approx(planned, abs=0.05)
    # espeak is not Alexa, but the pauses dominate a hold: its length is within 10 % of the plan
    assert float(match.group(1)) == pytest.approx(planned, rel=0.10)
