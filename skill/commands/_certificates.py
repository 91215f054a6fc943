"""The certificates of the local test CA (skill/commands/_local_ca.py): keys, a root, an
intermediate, and end-entity TLS server certificates under it.

Shaped like a public TLS chain (key usages, extended key usage, subject and authority key
identifiers, SANs) so that cryptography's strict CA/Browser-Forum path validator accepts it.
Keys are generated once per process and label (RSA generation dominates the cost);
certificates are cheap. Nothing here is trusted by default.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

# Import time, to the second: certificates default to a window around it.
IMPORTED_AT = datetime.now(UTC).replace(microsecond=0)
CA_LIFETIME = timedelta(days=3650)
SigningKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


@functools.cache
def ec_key(label: str) -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


@functools.cache
def rsa_key(label: str) -> rsa.RSAPrivateKey:
    # 2048 bits: the smallest the CA/B policy accepts, and what Alexa's leaf uses.
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


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
def root_ca(label: str) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    """A self-signed root; `label` picks the key, so two labels give look-alike roots."""
    key = ec_key(f"root:{label}")
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
def intermediate_ca(
    label: str, not_after: datetime | None = None
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    root, root_key = root_ca(label)
    key = ec_key(f"intermediate:{label}")
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


def server_certificate(
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


def pem(*certs: x509.Certificate) -> bytes:
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)
