"""The family registration in a real browser: person 1 locked from the eID in the persons step,
the office box when the online path ends, and the review page in German and English (with
screenshots in test-artifacts/ to look at)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.factories import PDF
from tests.web.citizen.test_residence_registration import FAMILY_STEPS

pytestmark = pytest.mark.browser


def eid_page(browser: Browser, live_url: str) -> Page:
    context = browser.new_context(locale="de-DE", viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.goto(f"{live_url}/anmelden/entwicklung")
    page.check("#level-4")
    page.click("button[type=submit]")
    return page


def post(page: Page, url: str, form: dict[str, object]) -> str:
    """Post a step as the browser would (same cookies); returns where it leads."""
    response = page.request.post(url, data=urlencode({**form, "action": "next"}, doseq=True),
                                 headers={"Content-Type": "application/x-www-form-urlencoded"},
                                 max_redirects=0)
    assert response.status == 302, response.text()[:300]
    return str(response.headers["location"])


def start(page: Page, live_url: str) -> str:
    page.goto(f"{live_url}/leistungen/wohnsitz-anmeldung")
    page.click("text=Antrag starten")
    return page.url


def test_family_registration_pages(browser: Browser, live_url: str, artifacts: Path) -> None:
    page = eid_page(browser, live_url)
    url = start(page, live_url)
    for step_id in ("registrant", "previous_flat", "new_flat"):
        url = live_url + post(page, url, FAMILY_STEPS[step_id])
    page.goto(url)
    expect(page.locator("h1")).to_have_text("Personen")
    locked = page.locator(".portal-locked")
    expect(locked.first).to_be_visible()
    expect(page.locator("#f-persons-0-name")).to_contain_text("Erika Mustermann")
    page.screenshot(path=str(artifacts / "registration-persons-locked.png"), full_page=True)
    url = live_url + post(page, url, FAMILY_STEPS["persons"])
    response = page.request.post(url, multipart={
        **{k: str(v) for k, v in FAMILY_STEPS["landlord"].items()}, "action": "next",
        "landlord_confirmation_upload": {"name": "wohnungsgeberbestaetigung.pdf",
                                         "mimeType": "application/pdf", "buffer": PDF}},
        max_redirects=0)
    assert response.status == 302
    review = live_url + str(response.headers["location"])
    page.goto(review)
    expect(page.locator("h1")).to_have_text("Bitte prüfen Sie Ihre Angaben")
    expect(page.get_by_text("Goslarer Wohnstättengesellschaft mbH")).to_be_visible()
    page.screenshot(path=str(artifacts / "registration-review-de.png"), full_page=True)
    for section in ("new_flat", "persons", "landlord"):
        page.locator(f"section[aria-labelledby=summary-{section}]").screenshot(
            path=str(artifacts / f"registration-review-de-{section}.png"))
    page.goto(review + "?lang=en")
    expect(page.locator("h1")).to_have_text("Check your answers")
    page.screenshot(path=str(artifacts / "registration-review-en.png"), full_page=True)
    page.locator("section[aria-labelledby=summary-persons]").screenshot(
        path=str(artifacts / "registration-review-en-persons.png"))


def test_office_box_when_moving_from_abroad(browser: Browser, live_url: str,
                                            artifacts: Path) -> None:
    page = eid_page(browser, live_url)
    url = start(page, live_url)
    url = live_url + post(page, url, FAMILY_STEPS["registrant"])
    page.goto(url)
    page.check("#f-previous-home-in-germany-2")  # "Nein"
    page.click("button.kern-btn--primary")
    box = page.locator(".portal-office")
    expect(box).to_be_visible()
    expect(box).to_contain_text("Bürgerbüro der Stadt Goslar")
    expect(box.get_by_role("link", name="Termin online vereinbaren")).to_be_visible()
    page.screenshot(path=str(artifacts / "registration-not-online.png"), full_page=True)
