"""A throwaway certificate authority that stands in for Amazon's when requests are signed
locally: by `python -m skill chat` (so its requests pass the real verifier) and by the tests
(tests/alexa_ca.py builds on it).

Root -> intermediate -> `echo-api.amazon.com` leaf, shaped like a public TLS chain so that
cryptography's strict CA/Browser-Forum path validator accepts it. Keys are generated once per
process (RSA generation dominates the cost); certificates are cheap and made per variant.
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
import functools
import ipaddress
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

if TYPE_CHECKING:
    from skill.web.verification import RequestVerifier

__all__ = ["CERT_URL", "ECHO_API", "IMPORTED_AT", "LocalAlexaCA", "other_rsa_key"]

ECHO_API = "echo-api.amazon.com"
CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-test.pem"
# Import time, to the second: certificates default to a window around it.
IMPORTED_AT = datetime.now(UTC).replace(microsecond=0)
CA_LIFETIME = timedelta(days=3650)
LeafKey = rsa.RSAPrivateKey
ServerKey = ec.EllipticCurvePrivateKey
SigningKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


@functools.cache
def _ec_key(label: str) -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


@functools.cache
def _rsa_key(label: str) -> rsa.RSAPrivateKey:
    # 2048 bits: the smallest the CA/B policy accepts, and what Alexa's leaf uses.
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def other_rsa_key() -> rsa.RSAPrivateKey:
    """A key that is not the leaf's: signatures made with it must be refused (tests)."""
    return _rsa_key("forger")


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test Amazon"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _ski(key: SigningKey) -> x509.SubjectKeyIdentifier:
    return x509.SubjectKeyIdentifier.from_public_key(key.public_key())


def _aki(issuer_key: SigningKey) -> x509.AuthorityKeyIdentifier:
    return x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key())


def _ca_usage() -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=True,
        crl_sign=True,
        encipher_only=False,
        decipher_only=False,
    )


@functools.cache
def _root(label: str) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    """A self-signed root; `label` picks the key, so two labels give look-alike roots."""
    key = _ec_key(f"root:{label}")
    name = _name("Test Amazon Root CA 1")  # same name for every label: a forger would copy it
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(IMPORTED_AT - CA_LIFETIME)
        .not_valid_after(IMPORTED_AT + CA_LIFETIME)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_ca_usage(), critical=True)
        .add_extension(_ski(key), critical=False)
        .sign(key, hashes.SHA256())
    )
    return cert, key


@functools.cache
def _intermediate(
    label: str, not_after: datetime | None = None
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    root, root_key = _root(label)
    key = _ec_key(f"intermediate:{label}")
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("Test Amazon RSA 2048 M01"))
        .issuer_name(root.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(IMPORTED_AT - CA_LIFETIME)
        .not_valid_after(not_after or IMPORTED_AT + CA_LIFETIME)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_ca_usage(), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(_ski(key), critical=False)
        .add_extension(_aki(root_key), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    return cert, key


def _general_name(name: str) -> x509.GeneralName:
    """An IP address SAN for "127.0.0.1" and the like, a DNS name SAN for anything else."""
    try:
        return x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        return x509.DNSName(name)


def _leaf(
    issuer: x509.Certificate,
    issuer_key: SigningKey,
    key: SigningKey,
    common_name: str,
    names: Sequence[str],
    not_before: datetime,
    not_after: datetime,
) -> x509.Certificate:
    """An end-entity TLS server certificate for `names` (the SANs), signed by the issuer."""
    return (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
        .issuer_name(issuer.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=True,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName([_general_name(n) for n in names]), critical=False)
        .add_extension(_ski(key), critical=False)
        .add_extension(_aki(issuer_key), critical=False)
        .sign(issuer_key, hashes.SHA256())
    )


def _pem(*certs: x509.Certificate) -> bytes:
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)


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
        self.root = _root("trusted")[0]
        self.key: LeafKey = _rsa_key("leaf")
        intermediate, intermediate_key = _intermediate(self.issuer_label, self.intermediate_not_after)
        self.intermediate = intermediate
        self._intermediate_key = intermediate_key
        self.leaf = _leaf(
            intermediate,
            intermediate_key,
            self.key,
            ECHO_API,
            self.dns_names,
            self.not_before,
            self.not_after,
        )
        served = (self.leaf, intermediate) if self.include_intermediate else (self.leaf,)
        self.chain_pem: bytes = _pem(*served)

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
        root.write_bytes(_pem(self.root))
        chain.write_bytes(self.chain_pem)
        return root, chain

    def server_tls(self, directory: Path, names: Sequence[str] = ("127.0.0.1",)) -> tuple[Path, Path]:
        """Certificate (with the intermediate) and key PEM files for an HTTPS server valid for
        `names` (IP addresses or DNS names), issued under this CA's intermediate: a client
        that trusts `root` (e.g. REQUESTS_CA_BUNDLE naming save()'s root file) accepts it."""
        key: ServerKey = _ec_key("server")
        cert = _leaf(
            self.intermediate,
            self._intermediate_key,
            key,
            names[0],
            names,
            self.not_before,
            self.not_after,
        )
        cert_path, key_path = directory / "server-cert.pem", directory / "server-key.pem"
        cert_path.write_bytes(_pem(cert, self.intermediate))
        key_path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        return cert_path, key_path
