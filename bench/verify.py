"""Figure 3, `verify`: RequestVerifier.verify() alone, chain cached.

    .venv/bin/python -m bench.verify [--quick]

The project's verifier through its public API only (trust roots, fetch_chain seam); the
two expensive steps it takes are then timed on their own with `cryptography` directly:
path validation of the chain (paid once per certificate URL when the chain is cached) and
the RSA PKCS#1 v1.5 signature check (paid on every request).
"""

from __future__ import annotations

import base64
import functools
import statistics
import sys
from datetime import UTC, datetime

from bench.report import Figure, below, info, main, percentile, time_ms
from bench.signing import signed_launches
from skill.commands._local_ca import ECHO_API, LocalAlexaCA

VERIFY_MEAN_MS = 5.0


def run(quick: bool) -> list[Figure]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding
    from cryptography.x509.verification import PolicyBuilder, Store

    from skill.alexa.envelopes import SKILL_ID
    from skill.web.verification import SIGNATURE_HEADER

    n = 150 if quick else 500
    ca = LocalAlexaCA()
    verifier = ca.verifier((SKILL_ID,))
    signed = signed_launches(ca, n, prefix="verify")
    first_ms = time_ms(lambda: verifier.verify(signed[0][1], signed[0][0]))  # fetches the chain
    samples = [time_ms(functools.partial(verifier.verify, h, b)) for b, h in signed]

    # Where the time goes: the two cryptographic steps, one by one.
    store = Store([ca.root])

    def path() -> None:
        now = datetime.now(UTC)
        policy = PolicyBuilder().store(store).time(now).build_server_verifier(x509.DNSName(ECHO_API))
        policy.verify(ca.leaf, [ca.intermediate])

    body, headers = signed[0]
    signature = base64.b64decode(headers[SIGNATURE_HEADER])
    public_key = ca.key.public_key()  # the leaf's key

    def rsa_check() -> None:
        public_key.verify(signature, body, padding.PKCS1v15(), hashes.SHA256())

    path_ms = statistics.fmean(time_ms(path) for _ in range(n))
    sig_ms = statistics.fmean(time_ms(rsa_check) for _ in range(n))
    return [
        below(
            "verify",
            "verify() mean",
            statistics.fmean(samples),
            "ms",
            VERIFY_MEAN_MS,
            f"n={n}; chain fetched {len(ca.fetched)} time(s)",
        ),
        info("verify", "verify() p99", percentile(samples, 99), "ms"),
        info("verify", "verify() first call", first_ms, "ms", "fetch (from memory) + validate the chain"),
        info(
            "verify",
            "  of which path validation",
            path_ms,
            "ms",
            "cryptography's server verifier on leaf + intermediate (once per URL if cached)",
        ),
        info("verify", "  of which RSA signature check", sig_ms, "ms", "RSA-2048 PKCS#1 v1.5, SHA-256"),
    ]


if __name__ == "__main__":
    sys.exit(main({"verify": run}, __doc__.split("\n\n")[0]))
