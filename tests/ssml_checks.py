"""Platform invariants every spoken response must keep; tests call this on each one."""

from __future__ import annotations

import atexit
import json
import os
import re
import select
import shutil
import subprocess
import threading
import warnings
from pathlib import Path

import pytest

from skill.core import ssml

# What should never be heard: markup escaped twice (said as "less than break") and
# content placeholders left unfilled (said as "curly brace name").
_LEAKS = re.compile(r"<|>|\{|\}|&(amp|lt|gt|quot|apos);")


def assert_alexa_ssml(text: str, *, reprompt: bool = False) -> None:
    """Full <speak> or inner SSML: Alexa accepts it and nothing odd would be read out."""
    try:
        ssml.validate(text, reprompt=reprompt)
    except ssml.SSMLError as exc:
        raise AssertionError(f"Alexa would reject this SSML: {exc}\n{text}") from None
    heard = ssml.transcript(text)
    assert heard.strip(), f"the response says nothing: {text!r}"
    leak = _LEAKS.search(heard)
    assert leak is None, f"would read out {leak.group(0)!r}: {heard}"
    assert_ssml_check_core(text)


# --- a second opinion: the npm package ssml-check-core (tools/ssml-check) ------------------
# One long-lived `node tools/ssml-check/check.js --platform amazon --locale en-US` per test
# session (en-US: the skill's only locale; amazon:emotion is valid in a few), started
# on first use: JSON string in, {"ok": ..., "errors": [...]} out, one line each. Without node
# or tools/ssml-check/node_modules (`npm ci --prefix tools/ssml-check`), a local run warns once
# and goes on; with CI set (to anything but "0", "false" or "no"), that is a failure: CI must
# run this check. A forked process starts its own checker rather than share the parent's pipes.

_CHECKER_DIR = Path(__file__).resolve().parents[1] / "tools" / "ssml-check"
_CHECKER_TIMEOUT_S = 30.0
_checker_lock = threading.Lock()
_checker: subprocess.Popen[str] | None = None
_checker_pid = 0  # the process that started _checker
_checker_missing_warned = False


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _start_checker() -> subprocess.Popen[str] | None:
    """The Node process, started once; None (after one warning) when it cannot run here."""
    global _checker, _checker_pid, _checker_missing_warned
    if _checker is not None and _checker_pid == os.getpid() and _checker.poll() is None:
        return _checker
    node = shutil.which("node")
    if node is None or not (_CHECKER_DIR / "node_modules" / "ssml-check-core").is_dir():
        why = (
            "node is not on PATH"
            if node is None
            else f"{_CHECKER_DIR / 'node_modules'} is missing: run npm ci --prefix tools/ssml-check"
        )
        if _in_ci():  # pytest.fail, not an AssertionError that pytest.raises could swallow
            pytest.fail(f"ssml-check-core must run in CI (CI is set), but {why}", pytrace=False)
        if not _checker_missing_warned:
            _checker_missing_warned = True
            warnings.warn(f"SSML not checked with ssml-check-core: {why}", stacklevel=3)
        return None
    _checker = subprocess.Popen(
        [node, str(_CHECKER_DIR / "check.js"), "--platform", "amazon", "--locale", "en-US"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        bufsize=1,
    )
    _checker_pid = os.getpid()
    atexit.register(_stop_checker, _checker)
    return _checker


def _stop_checker(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None and proc.stdin is not None:
        proc.stdin.close()  # check.js ends at end of input
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()


def assert_ssml_check_core(text: str) -> None:
    """ssml-check-core (platform "amazon") reports no error for this SSML."""
    with _checker_lock:
        proc = _start_checker()
        if proc is None:
            return
        assert proc.stdin is not None and proc.stdout is not None
        try:
            proc.stdin.write(json.dumps(text) + "\n")
            proc.stdin.flush()
        except BrokenPipeError:
            raise AssertionError(f"ssml-check-core process exited ({proc.poll()})") from None
        ready, _, _ = select.select([proc.stdout], [], [], _CHECKER_TIMEOUT_S)
        line = proc.stdout.readline() if ready else ""
        if not line:
            proc.kill()
            raise AssertionError(f"no answer from ssml-check-core (exit status {proc.poll()})")
    result = json.loads(line)
    assert result.get("ok") is True, f"ssml-check-core rejects this SSML: {result.get('errors')}\n{text}"
