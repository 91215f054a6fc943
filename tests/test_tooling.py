"""pyproject.toml stays the one place for metadata and tool settings, and agrees with the code."""

from __future__ import annotations

import tomllib
from pathlib import Path

from skill.version import __version__

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_the_version_has_one_source():
    project = PYPROJECT["project"]
    assert "version" not in project and "version" in project["dynamic"]
    attr = PYPROJECT["tool"]["setuptools"]["dynamic"]["version"]["attr"]
    module, _, name = attr.rpartition(".")
    assert (module, name) == ("skill.version", "__version__")
    assert __version__.count(".") == 2


def test_pytest_reads_its_settings_from_pyproject_only():
    assert not (ROOT / "pytest.ini").exists()
    options = PYPROJECT["tool"]["pytest"]["ini_options"]
    assert options["testpaths"] == ["tests"]
    assert any(marker.startswith("slow:") for marker in options["markers"])


def test_lint_and_type_tools_are_pinned():
    pins = dict(
        line.split("==", 1)
        for line in (ROOT / "requirements-dev.txt").read_text().splitlines()
        if "==" in line and not line.startswith("#")
    )
    assert {"ruff", "mypy"} <= pins.keys()
