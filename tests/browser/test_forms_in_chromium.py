"""What a person sees in a real browser: with and without JavaScript, keyboard first."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser


def signed_in_page(browser: Browser, live_url: str, javascript: bool = True) -> Page:
    context = browser.new_context(java_script_enabled=javascript, locale="de-DE",
                                  viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.goto(f"{live_url}/anmelden/entwicklung")
    page.check("#level-3")
    page.click("button[type=submit]")
    return page


def start_dog_tax(page: Page, live_url: str) -> None:
    page.goto(f"{live_url}/leistungen/hundesteuer-anmeldung")
    page.click("text=Antrag starten")
    expect(page.locator("h1")).to_have_text("Halterin oder Halter")


def test_conditional_fields_are_revealed_with_javascript(browser: Browser, live_url: str,
                                                         artifacts: Path) -> None:
    page = signed_in_page(browser, live_url)
    start_dog_tax(page, live_url)
    page.goto(page.url.rsplit("/", 1)[0] + "/dogs")
    # Hundesteuersatzung Goslar: a listed breed is asked for its temperament test.
    test = page.locator("#f-dogs-0-temperament-test-field")
    expect(test).to_be_hidden()
    page.select_option("#f-dogs-0-breed", "pit_bull_terrier")
    expect(test).to_be_visible()
    page.screenshot(path=str(artifacts / "dogs-listed-breed-with-js.png"), full_page=True)
    page.select_option("#f-dogs-0-breed", "labrador_retriever")
    expect(test).to_be_hidden()
    reason = page.locator("#f-dogs-0-relief-reason-field")
    expect(reason).to_be_hidden()
    page.check("#f-dogs-0-relief-requested-1")  # "Ja"
    expect(reason).to_be_visible()
    page.check("#f-dogs-0-relief-requested-2")  # "Nein"
    expect(reason).to_be_hidden()


def test_everything_works_without_javascript(browser: Browser, live_url: str,
                                             artifacts: Path) -> None:
    page = signed_in_page(browser, live_url, javascript=False)
    start_dog_tax(page, live_url)
    page.click("button.kern-btn--primary[value=next]")  # keeper step: prefilled, valid
    expect(page.locator("h1")).to_have_text("Ihre Hunde")
    page.click("button.kern-btn--primary[value=next]")
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(page).to_have_title(page.title())
    assert page.title().startswith("Fehler:")
    page.screenshot(path=str(artifacts / "dogs-errors-without-js.png"), full_page=True)
    # Add a second dog without JavaScript, then remove it again.
    page.click("text=Weitere Angabe hinzufügen: Hund")
    expect(page.locator("legend", has_text="Hund 2")).to_be_visible()
    page.click("text=Hund 2 entfernen")
    expect(page.locator("legend", has_text="Hund 2")).to_have_count(0)
    # A conditional field is shown with a note on when it applies, also for either of two
    # conditions (a listed breed, or a cross with one).
    test = page.locator("#f-dogs-0-temperament-test-field")
    expect(test).to_be_visible()
    expect(test.locator(".portal-condition-hint")).to_contain_text("Nur ausfüllen, wenn")
    expect(test.locator(".portal-condition-hint")).to_contain_text("Pit-Bull-Terrier")
    expect(test.locator(".portal-condition-hint")).to_contain_text("oder")


def test_keyboard_reaches_skip_link_and_error_summary_takes_focus(browser: Browser,
                                                                  live_url: str) -> None:
    page = signed_in_page(browser, live_url)
    start_dog_tax(page, live_url)
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.click("button.kern-btn--primary[value=next]")
    page.click("button.kern-btn--primary[value=next]")
    expect(page.locator("#error-summary")).to_be_focused()
    first_link = page.locator("#error-summary a").first
    target = first_link.get_attribute("href")
    assert target and page.locator(target).count() == 1
    first_link.click()
    expect(page.locator(target)).to_be_focused()
