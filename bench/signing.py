"""Signed Alexa requests for the bench, from the project's one local CA.

The CA is skill.commands._local_ca.LocalAlexaCA (which `python -m skill chat` and the tests
sign with too): root -> intermediate -> an RSA-2048 `echo-api.amazon.com` leaf, the shape of
Amazon's own signing chain, so that `cryptography`'s path validator (and the project's
RequestVerifier) accepts it when told to trust that root. Nothing here touches the network:
the verifier's `fetch_chain` seam hands it the PEM chain from memory (in this process), or
from the file LocalAlexaCA.save wrote (in a server process, load_verifier).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from skill.commands._local_ca import LocalAlexaCA

__all__ = ["LOOPBACK_API", "LocalAlexaCA", "load_verifier", "signed_launches"]

# Where the envelopes say Alexa's REST APIs are (the time-zone lookup on launch): a closed
# loopback port, so the call fails at once, the skill falls back to UTC, and nothing leaves
# this machine. The figures are our processing, not Amazon's API latency.
LOOPBACK_API = "https://127.0.0.1:9"


def load_verifier(root_pem: Path, chain_pem: Path, skill_ids: tuple[str, ...]) -> Any:
    """A RequestVerifier in a server process: trust `root_pem`, 'download' `chain_pem`."""
    from cryptography import x509

    from skill.web.verification import RequestVerifier

    root = x509.load_pem_x509_certificate(root_pem.read_bytes())
    chain = chain_pem.read_bytes()
    return RequestVerifier(skill_ids, trust_roots=[root], fetch_chain=lambda url: chain)


def signed_launches(
    ca: LocalAlexaCA, users: int, prefix: str = "bench", api_endpoint: str = LOOPBACK_API
) -> list[tuple[bytes, dict[str, str]]]:
    """One freshly signed LaunchRequest per user (timestamps are now: valid for 150 s)."""
    from skill.alexa.envelopes import launch_request

    out = []
    for u in range(users):
        body = json.dumps(
            launch_request(user_id=f"amzn1.ask.account.{prefix}{u:04d}", api_endpoint=api_endpoint)
        ).encode()
        out.append((body, ca.sign(body)))
    return out
