"""The skill's own service on a loopback port, verification on, for `python -m skill chat`.

create_app() (SQLite in the given file) listens on 127.0.0.1 with a RequestVerifier that
trusts only a certificate authority made for this process (skill/commands/_local_ca.py);
each request is signed with it like Alexa signs hers. Flask, werkzeug and the CA are
imported when the service starts, not when the command line is built.
"""

from __future__ import annotations

import json
import logging
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from skill.alexa.envelopes import SKILL_ID

Post = Callable[[dict[str, Any]], tuple[int, dict[str, Any]]]


@contextmanager
def local_service(database: Path) -> Iterator[Post]:
    """create_app() on a loopback port, verifying with a local CA; yields post(envelope)."""
    from werkzeug.serving import make_server

    from skill.commands._local_ca import LocalAlexaCA
    from skill.web.app import create_app

    ca = LocalAlexaCA()
    settings = {
        "STORAGE_BACKEND": "sqlite",
        "SQLITE_PATH": str(database),
        "ALEXA_SKILL_IDS": SKILL_ID,
        "ALEXA_VERIFY_REQUESTS": "on",
        "LOG_LEVEL": "ERROR",
    }
    app = create_app(settings, verifier=ca.verifier([SKILL_ID]))
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log between the turns
    server = make_server("127.0.0.1", 0, app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/alexa"

    def post(envelope: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        body = json.dumps(envelope).encode()
        headers = {"Content-Type": "application/json", **ca.sign(body)}
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as reply:
                return reply.status, json.loads(reply.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"{}")

    try:
        yield post
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
