"""GET /privacy: the notice every locale's store page links (issue 15)."""

from __future__ import annotations

import pytest

from skill import create_app
from skill.config import Config, ConfigError
from skill.storage import MemoryAdapter

PROVIDERS = {
    "en-US": "your doctor or midwife",
    "en-CA": "your health care provider",
    "en-GB": "your midwife or GP",
    "en-AU": "your midwife, GP or obstetrician",
    "en-IN": "your doctor",
}


@pytest.fixture
def notice_client():
    app = create_app(
        {
            "ALEXA_VERIFY_REQUESTS": "off",
            "STORAGE_BACKEND": "memory",
            "RETENTION_DAYS": "45",
            "PRIVACY_CONTACT": "privacy@stretch.example",
        },
        persistence=MemoryAdapter(),
    )
    return app.test_client()


@pytest.mark.parametrize("locale", sorted(PROVIDERS))
def test_each_locale_has_its_notice(notice_client, locale: str) -> None:
    response = notice_client.get(f"/privacy?locale={locale}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert response.headers["Content-Language"] == locale
    page = response.get_data(as_text=True)
    assert f'<html lang="{locale}">' in page
    assert f"Check with {PROVIDERS[locale]} before" in page
    assert "not a substitute for professional medical advice" in page


def test_the_notice_says_what_is_stored_for_how_long_how_to_delete_and_whom_to_ask(notice_client) -> None:
    page = notice_client.get("/privacy").get_data(as_text=True)
    for stored in (
        "your progress",
        "your settings",
        "the dates on which you finished the routine",
        "whether your last session ended in a safety stop",
        "Not why",
        "time zone",
        "reminder tokens",
    ):
        assert stored in page, stored
    assert "never asks for or stores your due date, trimester, symptoms" in page
    assert "deleted after 45 days without use" in page  # RETENTION_DAYS
    assert "delete my data" in page and "disable the skill" in page
    assert '<a href="mailto:privacy@stretch.example">privacy@stretch.example</a>' in page


@pytest.mark.parametrize(
    ("header", "locale"),
    [
        ("en-GB,en;q=0.8", "en-GB"),
        ("en-au", "en-AU"),
        ("de-DE,en-IN;q=0.5", "en-IN"),
        ("fr-FR", "en-US"),
        ("", "en-US"),
    ],
)
def test_accept_language_chooses_when_no_locale_is_asked(notice_client, header: str, locale: str) -> None:
    response = notice_client.get("/privacy", headers={"Accept-Language": header} if header else {})
    assert response.headers["Content-Language"] == locale
    assert "Accept-Language" in response.headers["Vary"]


@pytest.mark.parametrize(
    ("asked", "locale"), [("en-gb", "en-GB"), ("en-NZ", "en-US"), ("de-DE", "en-US"), ("<x>", "en-US")]
)
def test_the_locale_parameter_wins_and_falls_back(notice_client, asked: str, locale: str) -> None:
    response = notice_client.get(
        "/privacy", query_string={"locale": asked}, headers={"Accept-Language": "en-AU"}
    )
    assert response.headers["Content-Language"] == locale
    assert "<x>" not in response.get_data(as_text=True)


def test_without_a_contact_it_points_to_the_store_page() -> None:
    app = create_app(
        {"ALEXA_VERIFY_REQUESTS": "off", "STORAGE_BACKEND": "memory"}, persistence=MemoryAdapter()
    )
    page = app.test_client().get("/privacy").get_data(as_text=True)
    assert "the skill's page in the Alexa app" in page and "mailto:" not in page
    assert "deleted after 90 days without use" in page


def test_an_https_contact_is_a_link_and_the_contact_is_escaped() -> None:
    cfg = Config.from_mapping({"PRIVACY_CONTACT": "https://stretch.example/contact?a=1&b=2"})
    app = create_app(cfg, verifier=object(), persistence=MemoryAdapter())
    page = app.test_client().get("/privacy").get_data(as_text=True)
    assert 'href="https://stretch.example/contact?a=1&amp;b=2"' in page


@pytest.mark.parametrize("contact", ["not an address", "http://plain.example/x", "a@b", "<script>@x.y"])
def test_a_contact_that_is_neither_email_nor_https_is_refused(contact: str) -> None:
    with pytest.raises(ConfigError, match="PRIVACY_CONTACT"):
        Config.from_mapping({"PRIVACY_CONTACT": contact})


def test_only_get_and_head(notice_client) -> None:
    assert notice_client.head("/privacy").status_code == 200
    assert notice_client.post("/privacy").status_code == 405
