"""The test CA: skill.commands._local_ca (which `python -m skill chat` signs with too), plus
what only tests need: look-alike and expired variants and a verifier over the test root.

Root -> intermediate -> `echo-api.amazon.com` leaf; see skill/commands/_local_ca.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from skill.commands._local_ca import CERT_URL, ECHO_API, IMPORTED_AT, LocalAlexaCA, other_rsa_key
from skill.web.verification import RequestVerifier
from tests.envelopes import SKILL_ID

__all__ = ["SKILL_ID", "AlexaTestCA", "make_verifier", "other_rsa_key", "CERT_URL", "ECHO_API", "IMPORTED_AT"]


class AlexaTestCA(LocalAlexaCA):
    """The local CA with the variants the verification tests attack with.

    `root` is always the root tests should trust; variants change only what is served as the
    chain (and signed with), so a verifier built for the default CA refuses them.
    """

    def expired(self, at: datetime) -> AlexaTestCA:
        return self.variant(not_before=at - timedelta(days=60), not_after=at - timedelta(seconds=1))

    def not_yet_valid(self, at: datetime) -> AlexaTestCA:
        return self.variant(not_before=at + timedelta(seconds=1), not_after=at + timedelta(days=60))


def make_verifier(
    ca: LocalAlexaCA,
    skill_ids: tuple[str, ...] = (SKILL_ID,),
    clock: Callable[[], datetime] | None = None,
    fetch_chain: Callable[[str], bytes] | None = None,
) -> RequestVerifier:
    """A verifier that trusts only the test root and downloads from `ca` (or `fetch_chain`)."""
    return ca.verifier(skill_ids, clock=clock, fetch_chain=fetch_chain)
