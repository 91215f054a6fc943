"""A throwaway certificate authority and signed Alexa requests, for the bench only.

Root -> intermediate -> an RSA-2048 `echo-api.amazon.com` leaf, the shape of Amazon's own
signing chain, so that `cryptography`'s path validator (and the project's RequestVerifier)
accepts it when told to trust this root. Nothing here touches the network: the verifier's
`fetch_chain` seam hands it the PEM chain from memory.
"""

from __future__ import annotations

import base64
import ipaddress
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

# Alexa's header names and a URL that passes the certificate-URL rules (s3, /echo.api/).
CERT_URL_HEADER = "SignatureCertChainUrl"
SIGNATURE_HEADER = "Signature-256"
CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-bench.pem"
ECHO_API = "echo-api.amazon.com"
# Where the envelopes say Alexa's REST APIs are (the time-zone lookup on launch): a closed
# loopback port, so the call fails at once, the skill falls back to UTC, and nothing leaves
# this machine. The figures are our processing, not Amazon's API latency.
LOOPBACK_API = "https://127.0.0.1:9"

CAKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


def _usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=not ca,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _certificate(
    subject: str,
    key: CAKey,
    issuer: x509.Certificate | None,
    issuer_key: CAKey,
    *,
    ca: bool,
    lifetime: timedelta,
    san: x509.GeneralName | None = None,
) -> x509.Certificate:
    """One certificate; issuer None means self-signed. Leaves get `san` (default: echo-api)."""
    now = datetime.now(UTC).replace(microsecond=0)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Bench Amazon"),
            x509.NameAttribute(NameOID.COMMON_NAME, subject),
        ]
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer.subject if issuer is not None else name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + lifetime)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(_usage(ca=ca), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False
        )
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
    if not ca:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([san or x509.DNSName(ECHO_API)]), critical=False
        )
    return builder.sign(issuer_key, hashes.SHA256())


class BenchCA:
    """Keys and certificates made once per process (RSA key generation is the slow part)."""

    def __init__(self) -> None:
        root_key = ec.generate_private_key(ec.SECP256R1())
        self._mid_key = mid_key = ec.generate_private_key(ec.SECP256R1())
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.root = _certificate(
            "Bench Root CA", root_key, None, root_key, ca=True, lifetime=timedelta(days=3650)
        )
        self.intermediate = _certificate(
            "Bench RSA 2048 M01", mid_key, self.root, root_key, ca=True, lifetime=timedelta(days=3000)
        )
        self.leaf = _certificate(
            ECHO_API, self.key, self.intermediate, mid_key, ca=False, lifetime=timedelta(days=300)
        )
        self.chain_pem = b"".join(
            c.public_bytes(serialization.Encoding.PEM) for c in (self.leaf, self.intermediate)
        )
        self.fetched: list[str] = []

    def fetch_chain(self, url: str) -> bytes:
        """The verifier's download seam: serve the chain from memory and count the calls."""
        self.fetched.append(url)
        return self.chain_pem

    def sign(self, body: bytes) -> dict[str, str]:
        """The headers Alexa would send with `body`."""
        raw = self.key.sign(body, padding.PKCS1v15(), hashes.SHA256())
        return {CERT_URL_HEADER: CERT_URL, SIGNATURE_HEADER: base64.b64encode(raw).decode("ascii")}

    def verifier(self, skill_ids: tuple[str, ...]) -> Any:
        """The project's RequestVerifier, trusting only this root, chain served from memory."""
        from skill.web.verification import RequestVerifier

        return RequestVerifier(skill_ids, trust_roots=[self.root], fetch_chain=self.fetch_chain)

    def loopback_tls(self, directory: Path) -> tuple[Path, Path]:
        """Certificate (with the intermediate) and key files for an HTTPS server on 127.0.0.1."""
        key = ec.generate_private_key(ec.SECP256R1())
        cert = _certificate(
            "127.0.0.1",
            key,
            self.intermediate,
            self._mid_key,
            ca=False,
            lifetime=timedelta(days=2),
            san=x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
        )
        cert_path, key_path = directory / "loopback-cert.pem", directory / "loopback-key.pem"
        cert_path.write_bytes(
            b"".join(c.public_bytes(serialization.Encoding.PEM) for c in (cert, self.intermediate))
        )
        key_path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        return cert_path, key_path

    def save(self, directory: Path) -> tuple[Path, Path]:
        """Root and chain as PEM files, for servers started in other processes."""
        root = directory / "bench-root.pem"
        chain = directory / "bench-chain.pem"
        root.write_bytes(self.root.public_bytes(serialization.Encoding.PEM))
        chain.write_bytes(self.chain_pem)
        return root, chain


def load_verifier(root_pem: Path, chain_pem: Path, skill_ids: tuple[str, ...]) -> Any:
    """A RequestVerifier in a server process: trust `root_pem`, 'download' `chain_pem`."""
    from skill.web.verification import RequestVerifier

    root = x509.load_pem_x509_certificate(root_pem.read_bytes())
    chain = chain_pem.read_bytes()
    return RequestVerifier(skill_ids, trust_roots=[root], fetch_chain=lambda url: chain)


def signed_launches(
    ca: BenchCA, users: int, prefix: str = "bench", api_endpoint: str = LOOPBACK_API
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
