"""`python -m skill try` against the real service on a loopback port."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer

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
    if "Stretch 1 of 5" not in out:  # a first launch may check she is ready before she moves
        assert "(reprompt)" in out
        assert main(["try", "AMAZON.YesIntent", "--url", service_url]) == 0
        out = capsys.readouterr().out
    assert "Stretch 1 of 5: cat-cow" in out and "[5 s]" in out and "(reprompt)" in out
    assert main(["try", "AMAZON.NextIntent", "--url", service_url]) == 0
    assert "Stretch 2 of 5" in capsys.readouterr().out
    assert main(["try", "ExerciseIntent", "exercise=balasana", "--url", service_url]) == 0
    assert "Stretch 2 of 5: child's pose" in capsys.readouterr().out
    assert main(["try", "ExerciseIntent", "exercise=the chest one", "--url", service_url]) == 0
    assert "chest opener" in capsys.readouterr().out
    assert main(["try", "AMAZON.StopIntent", "--url", service_url]) == 0
    assert "(session ends)" in capsys.readouterr().out


def test_slots_are_sent_resolved_like_alexa_resolves_them(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    sent = []

    class Recorder(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            sent.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            body = json.dumps({"version": "1.0", "response": {"shouldEndSession": False}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/alexa"
    try:
        assert main(["try", "ExerciseIntent", "exercise=the cat one", "--url", url]) == 0
        assert main(["try", "DescribeExerciseIntent", "exercise=banana bread", "--url", url]) == 0
        assert main(["try", "SymptomIntent", "symptom=my waters broke", "--url", url]) == 0
    finally:
        server.shutdown()
        thread.join(5)

    def resolution(body: dict, slot: str) -> dict:
        return body["request"]["intent"]["slots"][slot]["resolutions"]["resolutionsPerAuthority"][0]

    cat = resolution(sent[0], "exercise")
    assert cat["status"]["code"] == "ER_SUCCESS_MATCH" and cat["values"][0]["value"] == {
        "name": "cat cow",
        "id": "cat_cow",
    }
    assert sent[0]["request"]["intent"]["slots"]["exercise"]["value"] == "the cat one"
    assert resolution(sent[1], "exercise")["status"]["code"] == "ER_SUCCESS_NO_MATCH"
    assert resolution(sent[2], "symptom")["values"][0]["value"]["id"] == "warning"


def test_a_slot_the_intent_does_not_have_is_refused_before_sending(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["try", "FrequencyIntent", "exercise=cat", "--url", "http://127.0.0.1:9/alexa"]) == 1
    assert "FrequencyIntent has no slot 'exercise'" in capsys.readouterr().out


def test_a_refusal_is_shown_with_its_status(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    with serving({"STORAGE_BACKEND": "memory"}) as url:  # verification on: unsigned is refused
        assert main(["try", "LaunchRequest", "--url", url]) == 1
    assert "HTTP 400" in capsys.readouterr().out


def test_no_service_is_a_clear_message(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["try", "LaunchRequest", "--url", "http://127.0.0.1:9/alexa"]) == 1
    assert "could not reach" in capsys.readouterr().out
