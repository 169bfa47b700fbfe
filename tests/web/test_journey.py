"""End to end through the test client, once per service definition: every step, review,
submit, the copy, a resumed draft, a double submit and each step's error path."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.adapters.db.models import Submission
from portal.definitions.model import ServiceDefinition
from portal.state import portal_state
from tests.conftest import FIXED_TODAY, sign_in
from tests.factories import multipart, submit_reviewed

SERVICES = sorted(p.stem for p in Path("forms").glob("*.yaml"))
REFERENCE = re.compile(r"[A-Z]{2,4}-\d{4}-\d{6}")


def service_of(app: Flask, service_id: str) -> ServiceDefinition:
    service = portal_state(app).catalog.service(service_id)
    assert service is not None
    return service


def start(client: FlaskClient, service_id: str) -> str:
    response = client.post(f"/leistungen/{service_id}/starten")
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    return response.location


def fill_all_steps(app: Flask, client: FlaskClient, service_id: str) -> str:
    """Fill every step with valid data; returns the review URL."""
    service = service_of(app, service_id)
    catalog = portal_state(app).catalog
    location = start(client, service_id)
    for _ in range(len(service.steps) + 1):
        if location.endswith("/pruefen"):
            return location
        step_id = location.rsplit("/", 1)[1]
        step = service.step(step_id)
        assert step is not None, location
        response = client.post(location, data=multipart(step, catalog, FIXED_TODAY),
                               content_type="multipart/form-data")
        assert response.status_code == 302, (step_id, _errors(response.get_data(as_text=True)))
        location = response.location
    raise AssertionError("never reached the review page")


def _errors(html: str) -> list[str]:
    return re.findall(r'<li><a class="kern-link" href="#[^"]+">([^<]+)</a>', html)


@pytest.mark.parametrize("service_id", SERVICES)
def test_happy_path_review_submit_copy(app: Flask, client: FlaskClient, service_id: str) -> None:
    sign_in(client, level=4)
    review_url = fill_all_steps(app, client, service_id)
    review = client.get(review_url)
    html = review.get_data(as_text=True)
    assert review.status_code == 200
    assert "Bitte prüfen Sie Ihre Angaben" in html
    service = service_of(app, service_id)
    for step in service.steps:
        if f'id="summary-{step.id}"' in html:
            assert f"/schritt/{step.id}" in html  # a change link for every section
    assert "Verbindlich absenden" in html

    submit_url = review_url.replace("/pruefen", "/absenden")
    missing_confirmation = submit_reviewed(client, review_url, confirm=False)
    assert missing_confirmation.status_code == 422
    assert "Bitte bestätigen Sie" in missing_confirmation.get_data(as_text=True)
    # What is sent is what was shown: a stale review page is not submitted.
    stale = client.post(submit_url, data={"confirm": "yes", "reviewed": "0" * 64})
    assert stale.status_code == 409
    assert "Ihre Angaben haben sich geändert" in stale.get_data(as_text=True)

    done = submit_reviewed(client, review_url)
    assert done.status_code == 302
    copy = client.get(done.location)
    copy_html = copy.get_data(as_text=True)
    assert copy.status_code == 200
    assert "Ihr Antrag ist eingegangen" in copy_html
    reference = REFERENCE.search(copy_html)
    assert reference and reference.group(0).startswith(service.reference_prefix + "-2026-")
    assert "Kopie Ihrer Erklärung" in copy_html

    # Double submit and replay: the same submission, never a second one.
    again = client.post(submit_url, data={"confirm": "yes", "reviewed": "replayed"})
    assert again.status_code == 302 and reference.group(0) in again.location
    with portal_state(app).db.session() as session:
        count = session.scalar(select(func.count()).select_from(Submission))
        stored = session.scalar(select(Submission))
        assert stored is not None
        history = [h.status for h in stored.history]
    assert count == 1
    assert history == ["received"]
    assert stored is not None and stored.reference == reference.group(0)
    assert stored.service_version == service.version
    assert stored.fee["currency"] == "EUR"

    listing = client.get("/meine-antraege").get_data(as_text=True)
    assert reference.group(0) in listing and "Eingegangen" in listing
    # Going back into the submitted draft leads to the submission, not to an editable form.
    back = client.get(review_url)
    assert back.status_code == 302 and reference.group(0) in back.location


@pytest.mark.parametrize("service_id", SERVICES)
def test_every_step_reports_missing_answers(app: Flask, client: FlaskClient, service_id: str) -> None:
    sign_in(client, level=4)
    service = service_of(app, service_id)
    catalog = portal_state(app).catalog
    location = start(client, service_id)
    seen = 0
    while not location.endswith("/pruefen"):
        step = service.step(location.rsplit("/", 1)[1])
        assert step is not None
        empty = client.post(location, data={"action": "next"})
        html = empty.get_data(as_text=True)
        if empty.status_code == 422:
            seen += 1
            assert 'id="error-summary"' in html
            for anchor in re.findall(r'<li><a class="kern-link" href="#([^"]+)">', html):
                assert f'id="{anchor}"' in html, f"error summary links to missing #{anchor}"
            assert 'aria-invalid="true"' in html
        response = client.post(location, data=multipart(step, catalog, FIXED_TODAY),
                               content_type="multipart/form-data")
        assert response.status_code == 302, _errors(response.get_data(as_text=True))
        location = response.location
    assert seen >= 1


@pytest.mark.parametrize("service_id", SERVICES)
def test_draft_is_resumed_after_signing_in_again(app: Flask, service_id: str) -> None:
    service = service_of(app, service_id)
    catalog = portal_state(app).catalog
    first = app.test_client()
    sign_in(first, level=4)
    location = start(first, service_id)
    step = service.steps[0]
    saved = first.post(location, data=multipart(step, catalog, FIXED_TODAY, action="save"),
                       content_type="multipart/form-data")
    assert saved.status_code == 302 and "saved=1" in saved.location
    assert "Ihre Angaben sind gespeichert" in first.get(saved.location).get_data(as_text=True)

    later = app.test_client()  # a new browser session
    sign_in(later, level=4)
    listing = later.get("/meine-antraege").get_data(as_text=True)
    assert "Fortsetzen" in listing
    draft_url = re.search(r'href="(/antraege/[^"]+/schritt/[^"]+)"', listing)
    assert draft_url is not None
    resumed = later.get(draft_url.group(1)).get_data(as_text=True)
    assert "Bitte prüfen Sie Ihre Angaben" not in resumed
    other = app.test_client()
    sign_in(other, persona="max", level=4)
    assert other.get(draft_url.group(1)).status_code == 404
