"""What a citizen sees and what the tax office receives for the dog tax, by the bylaw: through
the real forms, the review page, the XÖV message and the sealed PDF (Hundesteuersatzung der
Stadt Goslar, rates from 1 January 2026: 132 / 192 / 216 EUR, 960 EUR for a dangerous dog)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.adapters.db.models import Submission
from portal.adapters.documents.compose import tools_for
from portal.adapters.xoev.schemas import load_schemas, parse
from portal.services.documents import create_document
from portal.services.messages import build_message
from portal.services.submissions import attachments
from portal.state import portal_state
from tests.adapters.documents.support import run, write
from tests.conftest import FIXED_TODAY, sign_in
from tests.factories import multipart, submit_reviewed

SERVICE = "hundesteuer-anmeldung"
DOG = {"dogs.0.breed": ["labrador_retriever"], "dogs.0.dangerous": ["no"],
       "dogs.0.relief_requested": ["no"], "dogs.0.moved_from_elsewhere": ["no"]}


def errors_of(html: str) -> list[str]:
    return re.findall(r'<li><a class="kern-link" href="#[^"]+">([^<]+)</a>', html)


def walk(app: Flask, client: FlaskClient, service_id: str,
         overrides: dict[str, dict[str, list[str]]]) -> str:
    """Every step with valid answers and the step's `overrides`; the review page's URL."""
    catalog = portal_state(app).catalog
    service = catalog.services[service_id]
    response = client.post(f"/leistungen/{service_id}/starten")
    location = response.location
    while not location.endswith("/pruefen"):
        step_id = location.rsplit("/", 1)[1]
        step = service.step(step_id)
        assert step is not None
        response = client.post(location, data=multipart(step, catalog, FIXED_TODAY,
                                                         overrides=overrides.get(step_id)),
                               content_type="multipart/form-data")
        assert response.status_code == 302, (step_id, errors_of(response.get_data(as_text=True)))
        location = response.location
    return location


def review_and_submit(app: Flask, client: FlaskClient, dogs: dict[str, list[str]],
                      already: int = 0) -> tuple[str, Submission]:
    review_url = walk(app, client, SERVICE, {
        "dogs": {"dogs_already_taxed": [str(already)], **DOG, **dogs},
        "payment": {"sepa_mandate": ["no"]}})
    html = client.get(review_url).get_data(as_text=True)
    assert submit_reviewed(client, review_url).status_code == 302
    with portal_state(app).db.session() as session:
        submission = session.scalar(select(Submission))
        assert submission is not None
        session.expunge(submission)
    return html, submission


def message_and_pdf(app: Flask, submission: Submission, tmp_path: Path) -> tuple[Any, str]:
    state = portal_state(app)
    with state.db.session() as session:
        stored = session.get(Submission, submission.id)
        assert stored is not None
        uploads = attachments(session, stored)
        xml = build_message(stored, state.catalog, load_schemas(Path(app.config["XOEV_SCHEMAS_DIR"])),
                            attachments=uploads)
        document = create_document(session, state.catalog, stored.id, xml, tools_for(app))
        session.commit()
    text = " ".join(run("pdftotext", write(tmp_path / "doc.pdf", document.content), "-").split())
    return parse(xml), text


def test_pit_bull_terrier_without_a_passed_temperament_test_is_taxed_as_dangerous(
        sealing_app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    """Hundesteuersatzung Goslar: a Pit-Bull-Terrier without a passed temperament test pays the
    rate for dangerous dogs, 960 EUR a year: on the review page, in the message, in the PDF."""
    sign_in(client, level=3)
    html, submission = review_and_submit(sealing_app, client, {
        "dogs.0.breed": ["pit_bull_terrier"], "dogs.0.temperament_test": ["no"]})
    assert "960,00 €" in html
    assert "gefährlicher Hund: Rasse nach der Hundesteuersatzung, ohne bestandenen Wesenstest" \
        in html
    assert submission.fee["amount"] == "960.00"
    doc, pdf = message_and_pdf(sealing_app, submission, tmp_path)
    dog = doc.find("hundesteuerAnmeldung/hund")
    assert dog.findtext("rasse/code") == "pit_bull_terrier"
    assert dog.findtext("wesenstest/bestanden") == "false"
    assert dog.findtext("steuer/steuersatz/code") == "04"
    assert dog.findtext("steuer/gefaehrlichNachRasseliste") == "true"
    assert dog.findtext("steuer/jahresbetrag") == "960.00"
    assert doc.findtext("antrag/gebuehr/betrag") == "960.00"
    assert "960,00 €" in pdf and "ohne bestandenen Wesenstest" in pdf


def test_a_guide_dog_is_tax_free(sealing_app: Flask, client: FlaskClient,
                                 tmp_path: Path) -> None:
    """Hundesteuersatzung Goslar: a dog serving a blind person is exempt (proof: severe
    disability card with the marker Bl); the citizen sees 0,00 € for it."""
    sign_in(client, level=3)
    html, submission = review_and_submit(sealing_app, client, {
        "dogs.0.relief_requested": ["yes"], "dogs.0.relief_reason": ["blindenfuehrhund"]})
    assert "(steuerfrei)" in html and "0,00 €" in html
    assert "vorbehaltlich der Prüfung Ihres Nachweises" in html
    doc, pdf = message_and_pdf(sealing_app, submission, tmp_path)
    dog = doc.find("hundesteuerAnmeldung/hund")
    assert dog.findtext("steuerbefreiung/grund/code") == "blindenfuehrhund"
    assert dog.find("steuerbefreiung/nachweis") is not None
    assert dog.findtext("steuer/steuersatz/code") == "05"
    assert dog.findtext("steuer/jahresbetrag") == "0.00"
    assert "(steuerfrei)" in pdf


def test_a_second_dog_of_a_household_that_already_pays_for_one(
        sealing_app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    """Hundesteuersatzung Goslar: the tax is per household; a new dog in a household that
    already pays for one is the second dog, 192 EUR."""
    sign_in(client, level=3)
    html, submission = review_and_submit(sealing_app, client, {}, already=1)
    assert "192,00 €" in html and "(zweiter Hund)" in html
    doc, pdf = message_and_pdf(sealing_app, submission, tmp_path)
    assert doc.findtext("hundesteuerAnmeldung/haushalt/anzahlBereitsVersteuerterHunde") == "1"
    dog = doc.find("hundesteuerAnmeldung/hund")
    assert dog.findtext("steuer/steuersatz/code") == "02"
    assert dog.findtext("steuer/jahresbetrag") == "192.00"
    assert "192,00 €" in pdf and "(zweiter Hund)" in pdf


def test_transponder_number_is_required_for_a_dog_older_than_six_months(
        app: Flask, client: FlaskClient) -> None:
    """§ 4 Satz 1 NHundG: a dog older than six months is marked with a transponder."""
    sign_in(client, level=3)
    catalog = portal_state(app).catalog
    service = catalog.services[SERVICE]
    location = client.post(f"/leistungen/{SERVICE}/starten").location
    keeper = service.step("keeper")
    assert keeper is not None
    location = client.post(location, data=multipart(keeper, catalog, FIXED_TODAY),
                           content_type="multipart/form-data").location
    dogs = service.step("dogs")
    assert dogs is not None
    response = client.post(location, data=multipart(dogs, catalog, FIXED_TODAY, overrides={
        **DOG, "dogs.0.birth_date": ["01.01.2025"], "dogs.0.chip": [""]}),
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert any("§ 4 Satz 1 NHundG" in e for e in errors_of(response.get_data(as_text=True)))
    puppy = (FIXED_TODAY.replace(month=FIXED_TODAY.month - 2)).strftime("%d.%m.%Y")
    response = client.post(location, data=multipart(dogs, catalog, FIXED_TODAY, overrides={
        **DOG, "dogs.0.birth_date": [puppy], "dogs.0.keeping_since": [puppy],
        "dogs.0.chip": [""]}), content_type="multipart/form-data")
    assert response.status_code == 302, errors_of(response.get_data(as_text=True))


def test_a_family_name_with_digits_and_signs_is_refused_at_the_form(
        app: Flask, client: FlaskClient) -> None:
    """DIN 91379 datatype A for names of natural persons: "Jürgen 2000 € §" is refused as a
    family name with a clear message naming the characters; the typed value is kept."""
    sign_in(client, level=3)
    catalog = portal_state(app).catalog
    keeper = catalog.services[SERVICE].step("keeper")
    assert keeper is not None
    location = client.post(f"/leistungen/{SERVICE}/starten").location
    response = client.post(location, data=multipart(keeper, catalog, FIXED_TODAY, overrides={
        "name.family_name": ["Jürgen 2000 € §"]}), content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    message = next(e for e in errors_of(html) if "Familienname" in e)
    assert "nur Buchstaben" in message and "2 0 € §" in message
    assert 'value="Jürgen 2000 € §"' in html
    english = client.post(location + "?lang=en", data=multipart(
        keeper, catalog, FIXED_TODAY, overrides={"name.family_name": ["Jürgen 2000 € §"]}),
        content_type="multipart/form-data").get_data(as_text=True)
    assert "may only contain letters" in english
    # A name of letters passes.
    ok = client.post(location, data=multipart(keeper, catalog, FIXED_TODAY),
                     content_type="multipart/form-data")
    assert ok.status_code == 302
