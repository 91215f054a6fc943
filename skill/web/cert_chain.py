"""Amazon's signing chain: validate it once per download, then cache it until it expires.

A chain is downloaded and its path validated once per URL; what passed is kept until the
earliest notAfter on the validated path (leaf, intermediates, root), so a request costs one
RSA signature check, not a path validation. The cache has two budgets (see skill.web.rules):
proven chains - ones a real signature has verified against - and everything else, including
failures, which are remembered briefly so that forged requests repeating a bad URL do not
cause a download each. Concurrent first requests for one URL share one download.
"""

from __future__ import annotations

import functools
import http.client
import threading
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

import certifi
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509 import verification as x509v

from skill.web.download import DownloadBusy
from skill.web.rules import (
    CHAIN_DOWNLOAD_DEADLINE_S,
    FAILURE_CACHE_TTL,
    PROVEN_CHAINS_MAX,
    SIGNING_CERT_DNS_NAME,
    UNPROVEN_ENTRIES_MAX,
    VerificationError,
)


@dataclass(frozen=True)
class Chain:
    leaf: x509.Certificate
    intermediates: tuple[x509.Certificate, ...]


def parse_chain(pem: bytes) -> Chain:
    try:
        certs = x509.load_pem_x509_certificates(pem)
    except ValueError as error:
        raise VerificationError("certificate chain is not valid PEM") from error
    return Chain(leaf=certs[0], intermediates=tuple(certs[1:]))


def check_leaf_validity(leaf: x509.Certificate, now: datetime) -> None:
    # The path validator checks this too; checking first gives a reason a person can act on.
    if now < leaf.not_valid_before_utc:
        raise VerificationError("signing certificate is not yet valid")
    if now > leaf.not_valid_after_utc:
        raise VerificationError("signing certificate has expired")


def check_leaf_san(leaf: x509.Certificate) -> None:
    # Also enforced by the server verifier; repeated for a clear reason instead of
    # "no matching subjectAltName" deep inside a chain error.
    try:
        san = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound as error:
        raise VerificationError("signing certificate has no subject alternative name") from error
    if SIGNING_CERT_DNS_NAME not in san.get_values_for_type(x509.DNSName):
        raise VerificationError(f"signing certificate is not for {SIGNING_CERT_DNS_NAME}")


def check_path(chain: Chain, store: x509v.Store, now: datetime) -> list[x509.Certificate]:
    """The validated path, leaf first and trusted root last."""
    verifier = (
        x509v.PolicyBuilder()
        .store(store)
        .time(now)
        .build_server_verifier(x509.DNSName(SIGNING_CERT_DNS_NAME))
    )
    try:
        return verifier.verify(chain.leaf, list(chain.intermediates))
    except x509v.VerificationError as error:
        raise VerificationError("certificate chain does not lead to a trusted root") from error


def _validate(chain: Chain, store: x509v.Store, now: datetime) -> list[x509.Certificate]:
    check_leaf_validity(chain.leaf, now)
    check_leaf_san(chain.leaf)
    return check_path(chain, store, now)


def validate_chain(pem: bytes, *, trust_roots: Iterable[x509.Certificate], now: datetime) -> x509.Certificate:
    """Validate a PEM chain (leaf first) at `now`; return the leaf. Pure: no I/O, no cache."""
    chain = parse_chain(pem)
    _validate(chain, x509v.Store(list(trust_roots)), now)
    return chain.leaf


@functools.lru_cache(maxsize=1)
def certifi_roots() -> tuple[x509.Certificate, ...]:
    """The certifi bundle, parsed once per process."""
    with open(certifi.where(), "rb") as bundle:
        pem = bundle.read()
    # A few legacy roots in the bundle have non-positive serial numbers; cryptography warns
    # about each on every parse. They are Mozilla's choice, not something we can act on.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        return tuple(x509.load_pem_x509_certificates(pem))


# --- The cache -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """A validated chain (key set) or a remembered failure (reason set), valid in [since, until]."""

    since: datetime
    until: datetime
    key: rsa.RSAPublicKey | None = None
    reason: str = ""

    def fresh(self, now: datetime) -> bool:
        return self.since <= now <= self.until


class _Flight:
    def __init__(self) -> None:
        self.done = threading.Event()
        self.entry: Entry | None = None


class ChainCache:
    """URL -> the signing key of a validated chain, or why that URL failed."""

    def __init__(self, fetch: Callable[[str], bytes], store: x509v.Store) -> None:
        self._fetch = fetch
        self._store = store
        self._proven: OrderedDict[str, Entry] = OrderedDict()
        self._unproven: OrderedDict[str, Entry] = OrderedDict()
        self._flights: dict[str, _Flight] = {}
        self._lock = threading.Lock()

    def key(self, url: str, now: datetime) -> rsa.RSAPublicKey:
        """The signing key for `url` at `now`, downloading and validating at most once."""
        with self._lock:
            entry = self._lookup(url, now)
            flight = self._flights.get(url) if entry is None else None
            leader = entry is None and flight is None
            if leader:
                flight = self._flights[url] = _Flight()
        if leader:
            assert flight is not None
            entry = self._lead(url, now, flight)
        elif entry is None:
            assert flight is not None
            if not flight.done.wait(CHAIN_DOWNLOAD_DEADLINE_S + 1.0) or flight.entry is None:
                raise VerificationError("could not download certificate chain")
            entry = flight.entry
        if entry.key is None:
            raise VerificationError(entry.reason)
        return entry.key

    def _lead(self, url: str, now: datetime, flight: _Flight) -> Entry:
        """Download for everyone waiting on `flight`; whatever happens, release them."""
        entry, keep = None, False
        try:
            entry, keep = self._load(url, now)
            return entry
        finally:
            with self._lock:
                if entry is not None and keep:
                    self._remember(self._unproven, url, entry, UNPROVEN_ENTRIES_MAX)
                del self._flights[url]
            flight.entry = entry
            flight.done.set()

    def proven(self, url: str) -> None:
        """A signature verified with this URL's key: move it to the budget junk cannot reach."""
        with self._lock:
            entry = self._unproven.pop(url, None)
            if entry is not None and entry.key is not None:
                self._remember(self._proven, url, entry, PROVEN_CHAINS_MAX)
            elif url in self._proven:
                self._proven.move_to_end(url)

    def is_proven(self, url: str) -> bool:
        with self._lock:
            return url in self._proven

    def _lookup(self, url: str, now: datetime) -> Entry | None:
        for table in (self._proven, self._unproven):
            entry = table.get(url)
            if entry is not None:
                if entry.fresh(now):
                    return entry
                del table[url]
        return None

    @staticmethod
    def _remember(table: OrderedDict[str, Entry], url: str, entry: Entry, limit: int) -> None:
        table[url] = entry
        table.move_to_end(url)
        while len(table) > limit:
            table.popitem(last=False)

    def _load(self, url: str, now: datetime) -> tuple[Entry, bool]:
        """(entry, whether to cache it)."""
        failed_until = now + FAILURE_CACHE_TTL
        try:
            pem = self._fetch(url)
        except DownloadBusy:  # says nothing about the URL: do not remember it
            return Entry(now, now, reason="certificate download busy"), False
        except (OSError, http.client.HTTPException, ValueError):
            # OSError covers URLError, HTTPError, timeouts and refused connections.
            return Entry(now, failed_until, reason="could not download certificate chain"), True
        try:
            chain = parse_chain(pem)
            path = _validate(chain, self._store, now)
        except VerificationError as error:
            return Entry(now, failed_until, reason=str(error)), True
        key = chain.leaf.public_key()
        if not isinstance(key, rsa.RSAPublicKey):
            return Entry(now, failed_until, reason="signing certificate key is not RSA"), True
        since = max(cert.not_valid_before_utc for cert in path)
        until = min(cert.not_valid_after_utc for cert in path)
        return Entry(since, until, key=key), True
