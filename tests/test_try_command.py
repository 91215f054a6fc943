"""`python -m skill try` against the real service on a loopback port."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator

import pytest
from werkzeug.serving import make_server

from skill import create_app
from skill.__main__ import main
from skill.storage import MemoryAdapter


@contextmanager
def serving(config: dict[str, str]) -> Iterator[str]:
    """The app on a free loopback port for the duration; yields its /alexa URL."""
    server = make_server("127.0.0.1", 0, create_app(config, persistence=MemoryAdapter()))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/alexa"
    finally:
        server.shutdown()
        thread.join(5)


@pytest.fixture
def service_url() -> Iterator[str]:
    with serving({"ALEXA_VERIFY_REQUESTS": "off", "STORAGE_BACKEND": "memory"}) as url:
        yield url


def test_a_short_conversation_carries_the_session(service_url, tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["try", "LaunchRequest", "--url", service_url]) == 0
    out = capsys.readouterr().out
    assert "Stretch 1 of 5: cat-cow" in out and "[5 s]" in out and "(reprompt)" in out
    assert main(["try", "AMAZON.NextIntent", "--url", service_url]) == 0
    assert "Stretch 2 of 5" in capsys.readouterr().out
    assert main(["try", "ExerciseIntent", "exercise=balasana", "--url", service_url]) == 0
    assert "Stretch 4 of 5: child's pose" in capsys.readouterr().out
    assert main(["try", "AMAZON.StopIntent", "--url", service_url]) == 0
    assert "(session ends)" in capsys.readouterr().out


def test_a_refusal_is_shown_with_its_status(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    with serving({"STORAGE_BACKEND": "memory"}) as url:  # verification on: unsigned is refused
        assert main(["try", "LaunchRequest", "--url", url]) == 1
    assert "HTTP 400" in capsys.readouterr().out


def test_no_service_is_a_clear_message(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["try", "LaunchRequest", "--url", "http://127.0.0.1:9/alexa"]) == 1
    assert "could not reach" in capsys.readouterr().out
