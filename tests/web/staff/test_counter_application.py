"""A clerk at the Bürgerbüro enters an application for the citizen in front of them."""

from __future__ import annotations

import re

import pyotp
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.adapters.db.accounts import LocalAccount
from portal.adapters.db.models import AuditEntry, Submission
from portal.services import staff
from portal.state import portal_state
from tests.conftest import FIXED_TODAY
from tests.factories import multipart, submit_reviewed

PASSWORD = "clerk password long"
DEPARTMENTS = ["steueramt", "meldebehoerde", "verkehrsbehoerde"]
PERSON = {"service_id": "wohnsitz-anmeldung", "document_type": "reisepass",
          "given_names": "Ayşe", "family_name": "Yılmaz", "birth_date": "02.11.1985",
          "street": "", "house_number": "", "postcode": "", "town": "", "account_email": "",
          "checked": "yes"}


def clerk(app: Flask, client: FlaskClient, roles: list[str]) -> str:
    email = f"{'-'.join(roles)}@goslar.example"
    with portal_state(app).db.session() as db:
        account, uri = staff.create_staff(db, email, "Clara Clerk", roles, ["meldebehoerde"],
                                          PASSWORD, DEPARTMENTS)
        db.commit()
        account_id = account.id
    first = client.post("/mitarbeiter/anmelden", data={"email": email, "password": PASSWORD})
    assert first.status_code == 302
    second = client.post("/mitarbeiter/anmelden/code", data={"code": pyotp.parse_uri(uri).now()})
    assert second.status_code == 302
    return account_id


def test_counter_application_end_to_end(app: Flask, client: FlaskClient) -> None:
    clerk_id = clerk(app, client, ["counter"])
    start = client.post("/mitarbeiter/schalter/antrag", data=PERSON)
    assert start.status_code == 302, start.get_data(as_text=True)[:500]
    location = start.location
    first_page = client.get(location).get_data(as_text=True)
    assert "Schaltervorgang: Antrag für Ayşe Yılmaz" in first_page
    catalog = portal_state(app).catalog
    service = catalog.services["wohnsitz-anmeldung"]  # level 4 online; in person it is allowed
    while not location.endswith("/pruefen"):
        step = service.step(location.rsplit("/", 1)[1])
        assert step is not None
        response = client.post(location, data=multipart(step, catalog, FIXED_TODAY),
                               content_type="multipart/form-data")
        assert response.status_code == 302, response.get_data(as_text=True)[:800]
        location = response.location
    done = submit_reviewed(client, location)
    assert done.status_code == 302
    assert "Ihr Antrag ist eingegangen" in client.get(done.location).get_data(as_text=True)
    with portal_state(app).db.session() as db:
        submission = db.scalar(select(Submission))
        assert submission is not None
        assert (submission.channel, submission.auth_method) == ("counter", "counter")
        started = db.scalar(select(AuditEntry).where(
            AuditEntry.action == "counter.application_started"))
        assert started is not None and started.actor == f"staff:{clerk_id}"
        assert started.details["document_type"] == "reisepass"

    ended = client.post("/mitarbeiter/schalter/antrag/beenden")
    assert ended.status_code == 302
    assert client.get("/meine-antraege").status_code == 302  # no citizen in the session now
    assert client.get("/mitarbeiter").status_code == 200  # the clerk is still signed in


def test_document_check_is_required_and_errors_are_explained(app: Flask,
                                                              client: FlaskClient) -> None:
    clerk(app, client, ["counter"])
    response = client.post("/mitarbeiter/schalter/antrag",
                           data={**PERSON, "checked": "", "birth_date": "31.02.1985",
                                 "document_type": "bibliotheksausweis"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for text in ("Bitte bestätigen Sie, dass Sie das Dokument geprüft haben.",
                 "Format TT.MM.JJJJ", "Bitte wählen Sie das vorgelegte Dokument."):
        assert text in html
    unknown = client.post("/mitarbeiter/schalter/antrag",
                          data={**PERSON, "account_email": "niemand@example.org"})
    assert unknown.status_code == 422
    assert "Zu dieser E-Mail-Adresse gibt es kein Konto." in unknown.get_data(as_text=True)


def test_only_counter_clerks_and_acting_ends_with_the_clerk(app: Flask) -> None:
    back_office = app.test_client()
    clerk(app, back_office, ["back_office"])
    assert back_office.get("/mitarbeiter/schalter/antrag").status_code == 403
    anonymous = app.test_client()
    assert anonymous.get("/mitarbeiter/schalter/antrag").status_code == 302

    counter_client = app.test_client()
    clerk(app, counter_client, ["counter"])
    start = counter_client.post("/mitarbeiter/schalter/antrag", data=PERSON)
    assert start.status_code == 302
    counter_client.post("/mitarbeiter/abmelden")
    again = counter_client.get(start.location)
    assert again.status_code == 302 and re.search(r"/anmelden", again.location)


def test_linking_an_account_needs_the_same_person_and_acting_reaches_one_application(
        app: Flask) -> None:
    state = portal_state(app)
    with state.db.session() as db:
        db.add(LocalAccount(email="vera@example.org", password_hash="x", given_names="Vera",
                            family_name="Victim", birth_date="1970-01-01", trust_level=1))
        db.commit()
    counter_client = app.test_client()
    clerk(app, counter_client, ["counter"])
    mallory = {**PERSON, "given_names": "Mallory", "family_name": "Other",
               "account_email": "vera@example.org"}
    refused = counter_client.post("/mitarbeiter/schalter/antrag", data=mallory)
    assert refused.status_code == 422
    assert "stimmen nicht mit dem Dokument überein" in refused.get_data(as_text=True)

    vera = {**PERSON, "service_id": "hundesteuer-anmeldung", "given_names": "Vera",
            "family_name": "Victim", "birth_date": "01.01.1970",
            "account_email": "vera@example.org"}
    started = counter_client.post("/mitarbeiter/schalter/antrag", data=vera)
    assert started.status_code == 302
    assert counter_client.get(started.location).status_code == 200
    # Nothing else of the citizen's is reachable while acting.
    assert counter_client.get("/meine-antraege").status_code == 404
    assert counter_client.post("/leistungen/bewohnerparkausweis/starten").status_code == 404
    other_draft = started.location.replace(started.location.split("/")[2], "0" * 8)
    assert counter_client.get(other_draft).status_code == 404


def test_staff_sessions_have_an_absolute_limit(app: Flask, client: FlaskClient) -> None:
    clerk(app, client, ["counter"])
    assert client.get("/mitarbeiter").status_code == 200
    app.config["STAFF_SESSION_MAX_SECONDS"] = -1  # read per request: every session is too old
    response = client.get("/mitarbeiter")
    assert response.status_code == 302 and "/mitarbeiter/anmelden" in response.location


def test_counter_lookup_is_audited(app: Flask, client: FlaskClient) -> None:
    clerk(app, client, ["counter"])
    assert client.get("/mitarbeiter/schalter?email=niemand@example.org").status_code == 200
    with portal_state(app).db.session() as db:
        entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "counter.account_lookup"))
        assert entry is not None and entry.details == {"found": False}
