"""The service page and the privacy notice as a person sees them (screenshots in
test-artifacts/), without JavaScript."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["de", "en"])
def test_dog_tax_service_page_and_privacy_notice(browser: Browser, live_url: str,
                                                 artifacts: Path, lang: str) -> None:
    context = browser.new_context(java_script_enabled=False, locale="de-DE",
                                  viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.goto(f"{live_url}/leistungen/hundesteuer-anmeldung?lang={lang}")
    expect(page.locator("table.portal-reliefs")).to_be_visible()
    page.screenshot(path=str(artifacts / f"dog-tax-service-page-{lang}.png"), full_page=True)
    page.click("a[href$='/leistungen/hundesteuer-anmeldung/datenschutz']")
    expect(page.locator("h1")).to_have_text("Datenschutzhinweise" if lang == "de"
                                            else "Privacy notice")
    levels = [int(tag[1]) for tag in page.eval_on_selector_all(
        "main h1, main h2, main h3", "els => els.map(e => e.tagName)")]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in itertools.pairwise(levels))
    page.screenshot(path=str(artifacts / f"dog-tax-privacy-{lang}.png"), full_page=True)
    context.close()
