"""The inbox as a clerk sees it: Debian's Chromium signs in with password and TOTP, opens
the list and a case, changes the status with a message; the citizen's page shows it.
Screenshots go to test-artifacts/ (inbox-*.png) for a person to look at."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy import update
from werkzeug.serving import make_server

from portal.adapters.db.delivery import DeliveryJob
from portal.state import portal_state
from tests.adapters.delivery.receivers import free_port
from tests.adapters.delivery.support import delivery_app, run_jobs, submit_dog_tax
from tests.web.auth.test_staff import PASSWORD, create

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path("test-artifacts")

pytestmark = pytest.mark.browser


def serve(app: Flask) -> tuple[str, Any]:
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{port}", server


def no_horizontal_scroll(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_inbox_in_chromium(clean_db: str, seal: dict[str, Any]) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    app = delivery_app(clean_db, seal, {}, WTF_CSRF_ENABLED=True)
    ids = [submit_dog_tax(app, persona) for persona in ("erika", "max", "ayse")]
    run_jobs(app)
    with portal_state(app).db.session() as session:  # one delivery that failed for good
        session.execute(update(DeliveryJob).where(DeliveryJob.submission_id == ids[2])
                        .values(status="failed", attempts=8, last_error=(
                            "HTTP 503: Service Unavailable – der Empfänger ist nicht bereit")))
        session.commit()
    totp = create(app, "clara@goslar.example", ["back_office", "admin"], ["steueramt"])
    url, server = serve(app)
    # Playwright in a thread of its own: tests/browser keeps a sync Playwright (and its event
    # loop) alive in the main thread for the whole session, and two cannot share a thread.
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                try:
                    drive(browser, url, ids, totp)
                finally:
                    browser.close()
        except BaseException as exc:  # handed to the test's thread below
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(120)
    server.shutdown()
    if errors:
        raise errors[0]
    assert not thread.is_alive(), "the browser did not finish"


def drive(browser: Browser, url: str, ids: list[str], totp: Any) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="de-DE")
    page.goto(f"{url}/mitarbeiter/anmelden")
    page.fill("input[name=email]", "clara@goslar.example")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.fill("input[name=code]", totp.now())
    page.click("main button[type=submit]")
    page.goto(f"{url}/mitarbeiter/posteingang")
    assert page.locator("table tbody tr").count() == 3
    assert no_horizontal_scroll(page)
    page.screenshot(path=str(ARTIFACTS / "inbox-list.png"), full_page=True)

    page.click(f"a[href$='{ids[0]}']")
    page.click("text=Selbst übernehmen")
    page.select_option("#status", "in_progress")
    page.fill("#status-nachricht", "Wir haben Ihren Antrag erhalten und prüfen ihn.")
    page.click("text=Status ändern")
    assert page.locator("text=Der Status wurde geändert.").count() == 1
    assert page.locator("text=Siegel gültig").count() == 1
    assert no_horizontal_scroll(page)
    page.screenshot(path=str(ARTIFACTS / "inbox-detail.png"), full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert no_horizontal_scroll(page)
    page.screenshot(path=str(ARTIFACTS / "inbox-detail-mobile.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{url}/mitarbeiter/posteingang/zustellungen")
    assert page.locator("text=Erneut zustellen").count() == 1
    page.screenshot(path=str(ARTIFACTS / "inbox-failures.png"), full_page=True)

    citizen = browser.new_page(viewport={"width": 1280, "height": 900}, locale="de-DE")
    citizen.goto(f"{url}/anmelden/entwicklung")
    citizen.click("button[type=submit] >> nth=0")
    citizen.goto(f"{url}/meine-antraege")
    citizen.click("table a >> nth=0")
    assert citizen.locator("text=Wir haben Ihren Antrag erhalten").count() == 1
    citizen.screenshot(path=str(ARTIFACTS / "inbox-citizen-message.png"), full_page=True)
