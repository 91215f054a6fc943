"""A DynamoDB stand-in on loopback: moto's server mode, started once per test session.

Tests talk to it over real HTTP through boto3, exactly as production talks to AWS, with
dummy credentials so nothing can reach a real account.

Use it from a test module with `from tests.dynamo_server import dynamo_endpoint  # noqa: F401`
(pytest finds fixtures imported into the module).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator

import pytest

REGION = "us-east-1"
START_TIMEOUT = 15.0  # seconds; moto imports its backends lazily, the first start is slow

DUMMY_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    # Keep boto3 from reading a developer's ~/.aws files or reaching instance metadata.
    "AWS_CONFIG_FILE": "/dev/null",
    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    "AWS_EC2_METADATA_DISABLED": "true",
}


@pytest.fixture(scope="session")
def dynamo_endpoint() -> Iterator[str]:
    """http://127.0.0.1:<port> of a running moto server; skips if it cannot start."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError as exc:  # moto[server] extras missing
        pytest.skip(f"moto server mode unavailable: {exc}")

    with pytest.MonkeyPatch.context() as mp:
        for name, value in DUMMY_AWS_ENV.items():
            mp.setenv(name, value)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        # start() waits forever if binding fails inside its thread; bound the wait.
        starter = threading.Thread(target=server.start, daemon=True)
        starter.start()
        starter.join(START_TIMEOUT)
        if starter.is_alive():
            pytest.skip(f"moto server did not start on 127.0.0.1 within {START_TIMEOUT} s")
        host, port = server.get_host_and_port()
        try:
            yield f"http://{host}:{port}"
        finally:
            server.stop()


def unique_table_name(prefix: str = "stretches") -> str:
    """Tables are per test so tests never see each other's users on the shared server."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"
