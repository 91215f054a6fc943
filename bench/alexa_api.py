"""A loopback stand-in for Alexa's Settings API, so the project's time-zone lookup succeeds.

The project asks GET {apiEndpoint}/v2/devices/{deviceId}/settings/System.timeZone at the
start of a session until it knows her zone, then keeps it in her profile. Against a closed
port every launch would try again (and log a warning); in production only a user's first
launch pays for the call. This server answers "Europe/London" over HTTPS with a certificate
from the local CA (LocalAlexaCA.server_tls), which the server under test trusts through
REQUESTS_CA_BUNDLE (the variable `requests`, and so the project's API client, reads).
"""

from __future__ import annotations

import json
import re
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

TIME_ZONE = re.compile(r"^/v2/devices/[^/]+/settings/System\.timeZone$")
ZONE = "Europe/London"


class SettingsAPI:
    """Context manager: a thread serving https://127.0.0.1:<port>; `.calls` counts answers."""

    def __init__(self, cert: Path, key: Path) -> None:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                found = TIME_ZONE.match(self.path.split("?")[0]) is not None
                body = json.dumps(ZONE if found else {"message": "not found"}).encode()
                self.send_response(200 if found else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                owner.calls += found

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.url = f"https://127.0.0.1:{self.server.server_address[1]}"
        self.calls = 0
        self._thread = threading.Thread(target=self.server.serve_forever, name="settings-api", daemon=True)

    def __enter__(self) -> SettingsAPI:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
