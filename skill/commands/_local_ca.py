"""A throwaway certificate authority that stands in for Amazon's when requests are signed
locally: by `python -m skill chat` (so its requests pass the real verifier) and by the tests
(tests/alexa_ca.py builds on it).

Root -> intermediate -> `echo-api.amazon.com` leaf, shaped like a public TLS chain so that
cryptography's strict CA/Browser-Forum path validator accepts it (the certificates are made in
skill/commands/_certificates.py; keys once per process, certificates per variant).
A verifier trusts it only when given `root` as its sole trust root: nothing here is trusted
by default, so it cannot make a real deployment accept forged requests.

The same CA serves the benchmark (bench/signing.py: signed requests, and the root and chain
as files for servers in other processes) and issues loopback HTTPS server certificates
(`server_tls`: EC keys, SANs for IP addresses or names) for the stand-ins of Alexa's REST
API in bench/alexa_api.py and tests/fake_alexa_api.py, trusted through REQUESTS_CA_BUNDLE.
Importing this module does not import the web edge (skill.web.verification is imported
when a request is signed or a verifier built), so the bench can time that import itself.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from skill.commands._certificates import (
    IMPORTED_AT,
    ec_key,
    intermediate_ca,
    pem,
    root_ca,
    rsa_key,
    server_certificate,
)

if TYPE_CHECKING:
    from skill.web.verification import RequestVerifier

__all__ = ["CERT_URL", "ECHO_API", "IMPORTED_AT", "LocalAlexaCA", "other_rsa_key"]

ECHO_API = "echo-api.amazon.com"
CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-test.pem"
LeafKey = rsa.RSAPrivateKey
ServerKey = ec.EllipticCurvePrivateKey


def other_rsa_key() -> rsa.RSAPrivateKey:
    """A key that is not the leaf's: signatures made with it must be refused (tests)."""
    return rsa_key("forger")


@dataclass
class LocalAlexaCA:
    """A signing chain plus the fakes a RequestVerifier needs.

    `root` is always the root tests should trust; variants change only what is served as the
    chain (and signed with), so a verifier built for the default CA refuses them.
    """

    not_before: datetime = IMPORTED_AT - timedelta(days=30)
    not_after: datetime = IMPORTED_AT + timedelta(days=300)
    dns_names: tuple[str, ...] = (ECHO_API,)
    issuer_label: str = "trusted"  # any other label: a look-alike chain under an untrusted root
    include_intermediate: bool = True
    intermediate_not_after: datetime | None = None  # default: ten years from import
    cert_url: str = CERT_URL
    fetched: list[str] = field(default_factory=list, compare=False)

    def __post_init__(self) -> None:
        self.root = root_ca("trusted")[0]
        self.key: LeafKey = rsa_key("leaf")
        intermediate, intermediate_key = intermediate_ca(self.issuer_label, self.intermediate_not_after)
        self.intermediate = intermediate
        self._intermediate_key = intermediate_key
        self.leaf = server_certificate(
            intermediate,
            intermediate_key,
            self.key,
            ECHO_API,
            self.dns_names,
            self.not_before,
            self.not_after,
        )
        served = (self.leaf, intermediate) if self.include_intermediate else (self.leaf,)
        self.chain_pem: bytes = pem(*served)

    def variant(self, **changes: Any) -> Self:
        """A copy with some fields changed, e.g. variant(dns_names=("evil.example",))."""
        return replace(self, fetched=[], **changes)

    def fetch_chain(self, url: str) -> bytes:
        """Fake download: serves this CA's chain for any URL and records the call."""
        self.fetched.append(url)
        return self.chain_pem

    def signature(
        self,
        body: bytes,
        *,
        key: rsa.RSAPrivateKey | None = None,
        algorithm: hashes.HashAlgorithm | None = None,
    ) -> str:
        raw = (key or self.key).sign(body, padding.PKCS1v15(), algorithm or hashes.SHA256())
        return base64.b64encode(raw).decode("ascii")

    def sign(self, body: bytes, **kw: Any) -> dict[str, str]:
        """Headers as Alexa sends them for `body`; keyword arguments go to signature()."""
        from skill.web.verification import CERT_URL_HEADER, SIGNATURE_HEADER

        return {CERT_URL_HEADER: self.cert_url, SIGNATURE_HEADER: self.signature(body, **kw)}

    def verifier(
        self,
        skill_ids: Collection[str],
        *,
        clock: Callable[[], datetime] | None = None,
        fetch_chain: Callable[[str], bytes] | None = None,
    ) -> RequestVerifier:
        """A verifier that trusts only this CA's root and downloads from it (never the network)."""
        from skill.web.verification import RequestVerifier

        return RequestVerifier(
            tuple(skill_ids),
            trust_roots=[self.root],
            fetch_chain=fetch_chain or self.fetch_chain,
            clock=clock,
        )

    def save(self, directory: Path) -> tuple[Path, Path]:
        """The root and the served chain as PEM files in `directory`, for other processes: a
        server's verifier trusts the first and "downloads" the second (bench.signing's
        load_verifier), and REQUESTS_CA_BUNDLE may name the root (see server_tls)."""
        root, chain = directory / "local-ca-root.pem", directory / "local-ca-chain.pem"
        root.write_bytes(pem(self.root))
        chain.write_bytes(self.chain_pem)
        return root, chain

    def server_tls(self, directory: Path, names: Sequence[str] = ("127.0.0.1",)) -> tuple[Path, Path]:
        """Certificate (with the intermediate) and key PEM files for an HTTPS server valid for
        `names` (IP addresses or DNS names), issued under this CA's intermediate: a client
        that trusts `root` (e.g. REQUESTS_CA_BUNDLE naming save()'s root file) accepts it."""
        key: ServerKey = ec_key("server")
        cert = server_certificate(
            self.intermediate,
            self._intermediate_key,
            key,
            names[0],
            names,
            self.not_before,
            self.not_after,
        )
        cert_path, key_path = directory / "server-cert.pem", directory / "server-key.pem"
        cert_path.write_bytes(pem(cert, self.intermediate))
        key_path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        return cert_path, key_path
