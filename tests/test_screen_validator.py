"""Amazon's APL validator (npm apl-suggester, StaticAplTemplateValidator, in tools/apl-check)
over the document and over every RenderDocument the screen conversations produce, each also as
a copy with every `when` removed. Plus the document's own rules: primitives only, a label on
every component, the version the fleet renders.

Without node or tools/apl-check/node_modules (`npm ci --prefix tools/apl-check`) the
validator tests skip with the reason, unless the environment variable CI is set: then they fail.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from skill.alexa import apl
from tests.test_apl_devices import DEVICES, PRODUCED, ScreenConversation

ROOT = Path(__file__).resolve().parents[1]
CHECKER = ROOT / "tools" / "apl-check"


def _node() -> str:
    node = shutil.which("node")
    why = None
    if node is None:
        why = "node is not on PATH"
    elif not (CHECKER / "node_modules" / "apl-suggester").is_dir():
        why = f"{CHECKER / 'node_modules'} is missing: run npm ci --prefix tools/apl-check"
    if why:
        if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
            pytest.fail(f"the APL validator must run in CI (CI is set), but {why}", pytrace=False)
        pytest.skip(f"APL validator not run: {why}")
    assert node is not None
    return node


def validate(items: list[dict[str, Any]], tmp_path: Path) -> dict[str, Any]:
    node = _node()
    path = tmp_path / "documents.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    done = subprocess.run(
        [node, str(CHECKER / "check.js"), "--json", "--strip-when", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode in (0, 1), done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_the_document_passes_the_validator(tmp_path: Path) -> None:
    result = validate([apl.document()], tmp_path)
    assert result["errors"] == 0, json.dumps(result["report"], indent=1)


def test_the_validator_is_not_blind(tmp_path: Path) -> None:
    """A broken copy (a property Text lacks, inside a `when` branch) must be reported."""
    broken = copy.deepcopy(apl.document())
    broken["mainTemplate"]["items"][1]["item"]["items"][0]["items"][0]["fontSize"] = "huge"
    result = validate([broken], tmp_path)
    assert result["errors"] >= 1


def _drive_every_screen(client: Any) -> None:
    """A routine end to end with touches, a pause, questions and the week strip, on every viewport."""
    for n, device in enumerate(DEVICES.values()):
        conv = ScreenConversation(client, device=device, user_id=f"amzn1.ask.account.CHECKED{n}")
        conv.launch()
        conv.intent("AMAZON.YesIntent")
        conv.touch("pause")
        conv.touch("resume")
        conv.touch("next")
        conv.intent("AMAZON.HelpIntent")  # a text screen: no buttons, so on by voice
        for _ in range(4):
            conv.intent("AMAZON.NextIntent")
        conv.launch()
        conv.intent("FrequencyIntent")


def test_every_render_document_of_the_conversations_passes_the_validator(client, tmp_path: Path) -> None:
    _node()
    _drive_every_screen(client)  # besides whatever tests/test_screen_conversation.py produced
    screens = {d["datasources"]["payload"]["screen"] for d in PRODUCED}
    assert screens == {"stretch", "paused", "text", "week"}
    result = validate(PRODUCED, tmp_path)
    assert result["checked"] == len(PRODUCED)
    assert result["errors"] == 0, json.dumps([r for r in result["report"] if r["findings"]][:5], indent=1)


# --- the document's own rules (no node needed) ------------------------------------------

COMPONENTS = {
    "Container",
    "Frame",
    "Text",
    "TouchWrapper",
    "VectorGraphic",
    "ScrollView",
    "Sequence",
    "Image",
    "Pager",
    "Video",
    "EditText",
    "GridSequence",
}


def _components(node: Any) -> list[dict[str, Any]]:
    found = []
    if isinstance(node, dict):
        if node.get("type") in COMPONENTS:
            found.append(node)
        for key, value in node.items():
            if key != "graphics":
                found += _components(value)
    elif isinstance(node, list):
        for item in node:
            found += _components(item)
    return found


def test_every_component_has_a_label_for_screen_readers() -> None:
    components = _components(apl.document()["mainTemplate"])
    assert len(components) > 30
    unlabelled = [c["type"] for c in components if not str(c.get("accessibilityLabel", "")).strip()]
    assert not unlabelled


def test_primitives_only_no_imports_no_external_media() -> None:
    doc = apl.document()
    assert "import" not in doc or doc["import"] == []
    text = json.dumps(doc)
    assert "alexa-layouts" not in text and "https://" not in text and "http://" not in text
    assert not [c for c in _components(doc) if c["type"] in ("Image", "Video")]
    assert doc["graphics"]["figure"]["type"] == "AVG"  # the pose figure is inline vector graphics


def test_the_document_version_is_one_most_of_the_fleet_renders() -> None:
    version = apl.version_tuple(apl.document()["version"])
    assert version is not None and version <= (2023, 3)


def test_with_animation_off_the_cues_still_change() -> None:
    """Timing comes from delays on SetValue, never from an animation's duration: when
    environment.animation is "none" the animations are skipped and the cues go on."""
    text = json.dumps(apl.document())
    assert text.count("environment.animation != 'none'") >= 2
    assert "environment.animation == 'none'" in text
    phase_clock = json.dumps(apl.document()["mainTemplate"]["items"][0])
    assert '"componentId": "cue", "property": "text"' in phase_clock
    assert '"componentId": "phaseLabel", "property": "text"' in phase_clock
