"""The inbox as a clerk sees it: Debian's Chromium signs in with password and TOTP, opens
the list and a case, changes the status with a message; the citizen's page shows it.
Screenshots go to test-artifacts/ (inbox-*.png) for a person to look at."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

from portal.adapters.jobs.tasks import run_due
from portal.adapters.jobs.wiring import runtime_of
from tests.adapters.delivery.receivers import free_port
from tests.adapters.delivery.support import delivery_app, submit_dog_tax
from tests.web.auth.test_staff import PASSWORD, create

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path("test-artifacts")

pytestmark = pytest.mark.browser


@pytest.fixture
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


def serve(app: Flask) -> tuple[str, Any]:
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{port}", server


def no_horizontal_scroll(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_inbox_in_chromium(clean_db: str, seal: dict[str, Any], browser: Browser) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    app = delivery_app(clean_db, seal, {}, WTF_CSRF_ENABLED=True)
    ids = [submit_dog_tax(app, persona) for persona in ("erika", "max", "ayse")]
    # In a thread of its own, as a worker would: Playwright's sync API runs an event loop in
    # this thread, and pyHanko's signing starts one of its own.
    worker = threading.Thread(target=run_due, args=(runtime_of(app),))
    worker.start()
    worker.join()
    totp = create(app, "clara@goslar.example", ["back_office", "admin"], ["steueramt"])
    url, server = serve(app)
    try:
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
        page.screenshot(path=str(ARTIFACTS / "inbox-failures.png"), full_page=True)

        citizen = browser.new_page(viewport={"width": 1280, "height": 900}, locale="de-DE")
        citizen.goto(f"{url}/anmelden/entwicklung")
        citizen.click("button[type=submit] >> nth=0")
        citizen.goto(f"{url}/meine-antraege")
        citizen.click("table a >> nth=0")
        assert citizen.locator("text=Wir haben Ihren Antrag erhalten").count() == 1
        citizen.screenshot(path=str(ARTIFACTS / "inbox-citizen-message.png"), full_page=True)
    finally:
        server.shutdown()
