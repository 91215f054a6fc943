"""The folders are layers: each may import only from the layers beneath it.

skill.core (pure) imports neither Flask nor ask-sdk nor storage; storage sits beneath the
Alexa layer; the web edge is on top. Checked on the source's import statements.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from skill.alexa.handlers import HANDLED_INTENTS
from skill.core.events import SYMPTOM_TIERS

ROOT = Path(__file__).resolve().parents[1]
SKILL = ROOT / "skill"
MODEL = ROOT / "interaction_model" / "en-US.json"

FORBIDDEN = {
    "core": (
        "flask",
        "werkzeug",
        "ask_sdk_core",
        "ask_sdk_model",
        "ask_sdk_runtime",
        "boto3",
        "botocore",
        "skill.storage",
        "skill.alexa",
        "skill.web",
        "skill.commands",
        "skill.config",
    ),
    "storage": ("flask", "werkzeug", "skill.alexa", "skill.web", "skill.commands"),
    "alexa": ("flask", "werkzeug", "skill.web", "skill.commands"),
    "web": ("skill.commands",),
}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_a_layer_imports_nothing_from_above_it(layer: str) -> None:
    offences = []
    for path in sorted((SKILL / layer).rglob("*.py")):
        for name in _imports(path):
            if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN[layer]):
                offences.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not offences, "\n".join(offences)


def test_nothing_imports_the_package_root_from_below() -> None:
    """skill/__init__ re-exports create_app from the web edge; importing it from inside would be a cycle."""
    offences = [
        str(p.relative_to(ROOT)) for p in SKILL.rglob("*.py") if p.parent != SKILL and "skill" in _imports(p)
    ]
    assert not offences


def _model() -> dict:
    return json.loads(MODEL.read_text())["interactionModel"]["languageModel"]


def test_the_symptom_slot_ids_are_the_coachs_tiers() -> None:
    types = {t["name"]: t for t in _model()["types"]}
    assert sorted(v["id"] for v in types["SYMPTOM"]["values"]) == sorted(SYMPTOM_TIERS)


def test_every_model_intent_becomes_an_event_and_back() -> None:
    assert {i["name"] for i in _model()["intents"]} == set(HANDLED_INTENTS)
