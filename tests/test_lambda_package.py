"""The Lambda package is the project without Flask and gunicorn.

requirements-lambda.txt is a pinned subset of requirements.txt without the web edge; and the
Lambda entry point imports, builds and answers a launch in a fresh interpreter where Flask,
Werkzeug, gunicorn (and the web edge's cryptography) cannot be imported: a meta path finder
refuses them, as if they were not installed. Once from the repository, once from the code
folder `package --target lambda` writes (what `ask deploy` zips).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from skill.__main__ import main

ROOT = Path(__file__).resolve().parents[1]
WEB_ONLY = (
    "flask",
    "werkzeug",
    "gunicorn",
    "jinja2",
    "itsdangerous",
    "click",
    "blinker",
    "markupsafe",
    "cryptography",
)
PIN = re.compile(r"^([A-Za-z0-9_.\[\]-]+)==(\S+)$")


def pins(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            match = PIN.match(line)
            assert match, f"{path.name}: not a pin: {line!r}"
            found[match[1].lower()] = match[2]
    return found


def test_lambda_requirements_are_a_pinned_subset_without_the_web_edge() -> None:
    lambda_pins, all_pins = pins(ROOT / "requirements-lambda.txt"), pins(ROOT / "requirements.txt")
    assert lambda_pins.items() <= all_pins.items()
    assert not {name for name in lambda_pins if name.replace("-", "_").split("[")[0] in WEB_ONLY}
    assert {"ask-sdk-core", "ask-sdk-dynamodb-persistence-adapter", "boto3"} <= lambda_pins.keys()


GUARDED = textwrap.dedent(
    """
    import importlib.abc, json, sys

    BLOCKED = {blocked!r}

    class NotInstalled(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ModuleNotFoundError(f"No module named {{name!r}} (blocked: not in the Lambda package)")
            return None

    sys.meta_path.insert(0, NotInstalled())

    import skill
    assert not BLOCKED & {{m.split(".")[0] for m in sys.modules}}, "skill/__init__ imported the web edge"
    import skill.lambda_function as entry
    from skill.alexa.envelopes import launch_request

    # The default handler, as Lambda calls it: settings from the environment. Alexa's APIs
    # (her time zone) at a refusing loopback port: nothing calls Amazon.
    reply = entry.lambda_handler(launch_request(api_endpoint="https://127.0.0.1:1"), None)
    loaded = sorted(BLOCKED & {{m.split(".")[0] for m in sys.modules}})
    print(json.dumps({{"speech": "outputSpeech" in reply["response"], "loaded": loaded,
                      "from": entry.__file__}}))
    """
)


def _run_guarded(pythonpath: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK", "ALEXA", "DYNAMODB"))}
    env.update(PYTHONPATH=str(pythonpath), STORAGE_BACKEND="memory", PYTHONDONTWRITEBYTECODE="1")
    out = subprocess.run(
        [sys.executable, "-c", GUARDED.format(blocked=set(WEB_ONLY))],
        env=env,
        cwd=pythonpath,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_finder_really_blocks_flask() -> None:
    code = GUARDED.format(blocked=set(WEB_ONLY)).split("import skill\n")[0] + "import flask\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode != 0 and "blocked: not in the Lambda package" in out.stderr


def test_the_entry_point_imports_and_answers_without_flask() -> None:
    result = _run_guarded(ROOT)
    assert result == {"speech": True, "loaded": [], "from": str(ROOT / "skill" / "lambda_function.py")}


def test_the_packaged_code_folder_imports_and_answers_without_flask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["package", "--target", "lambda", "--out", str(tmp_path / "project")]) == 0
    code = tmp_path / "project" / "lambda"
    result = _run_guarded(code)
    assert result["speech"] is True and result["loaded"] == []
    assert result["from"] == str(code / "skill" / "lambda_function.py")
