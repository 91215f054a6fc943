"""GET /privacy: the privacy notice the operator links from the skill's store page.

One template (templates/privacy.html), rendered per locale: ?locale=en-GB first, then the
browser's Accept-Language, else en-US. What it says is what the service stores (the profile
document, skill/core/profile.py), RETENTION_DAYS and PRIVACY_CONTACT from the settings, and
the locale's own words for the care provider (skill/core/content/locales). `python -m skill
package` points each locale's privacyPolicyUrl here; deploy/Caddyfile forwards the path.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from skill.core.content import BASE_LOCALE, Content, pick_locale

TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE = "privacy.html"
_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))


def notice_locale(content: Content, asked: str | None, accept_languages: object = None) -> str:
    """The locale the notice is written for: ?locale=, then Accept-Language, else en-US.
    Only real locales: a request in another language gets en-US's notice."""
    locales = sorted(name for name in content.locales if name != BASE_LOCALE and "-" in name)
    known = [BASE_LOCALE, *locales]
    if asked:
        chosen = pick_locale(asked, known)
        return chosen if chosen in known else BASE_LOCALE
    best = getattr(accept_languages, "best_match", None)
    found = best(known) if callable(best) else None
    return found if isinstance(found, str) and found in known else BASE_LOCALE


def contact_href(contact: str) -> str:
    return contact if contact.startswith("https://") else f"mailto:{contact}"


def render_notice(content: Content, locale: str, *, retention_days: int, contact: str) -> str:
    words = content.for_locale(locale)
    return _env.get_template(TEMPLATE).render(
        locale=locale,
        retention_days=retention_days,
        contact=contact,
        contact_href=contact_href(contact) if contact else "",
        provider=words.terms.get("provider", "your healthcare provider"),
    )
