"""Resident parking permit: main residence from the eID at trust level 4 (else flagged for the
back office), one permit per person and per vehicle, vehicle and keeper data, and the fee with
its legal basis."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.adapters.db.models import Submission
from portal.adapters.xoev.schemas import load_schemas, parse
from portal.services.messages import build_message
from portal.services.submissions import attachments
from portal.state import portal_state
from tests.conftest import FIXED_TODAY, sign_in
from tests.factories import multipart, submit_reviewed
from tests.web.citizen.test_dog_tax_by_the_bylaw import errors_of, walk

SERVICE = "bewohnerparkausweis"
VEHICLE = {"registration_mark": ["GS-AB 123"], "vehicle_relation": ["halter"]}


def submit_permit(app: Flask, client: FlaskClient, vehicle: dict[str, list[str]] | None = None,
                  applicant: dict[str, list[str]] | None = None) -> Submission:
    review_url = walk(app, client, SERVICE, {"applicant": applicant or {},
                                             "vehicle": vehicle or VEHICLE,
                                             "parking": {"private_parking_available": ["no"]}})
    assert submit_reviewed(client, review_url).status_code == 302
    with portal_state(app).db.session() as session:
        submission = session.scalars(select(Submission).order_by(
            Submission.submitted_at.desc())).first()
        assert submission is not None
        session.expunge(submission)
        return submission


def vehicle_step(app: Flask, client: FlaskClient) -> Callable[[dict[str, list[str]]], Any]:
    """A new application past the applicant step: a function that posts vehicle answers to its
    vehicle step."""
    catalog = portal_state(app).catalog
    service = catalog.services[SERVICE]
    location = client.post(f"/leistungen/{SERVICE}/starten").location
    applicant, vehicle = service.step("applicant"), service.step("vehicle")
    assert applicant is not None and vehicle is not None
    location = client.post(location, data=multipart(applicant, catalog, FIXED_TODAY),
                           content_type="multipart/form-data").location

    def post(answers: dict[str, list[str]]) -> Any:
        return client.post(location, data=multipart(vehicle, catalog, FIXED_TODAY,
                                                    overrides=answers),
                           content_type="multipart/form-data")
    return post


def message_of(app: Flask, submission_id: str) -> object:
    state = portal_state(app)
    with state.db.session() as session:
        stored = session.get(Submission, submission_id)
        assert stored is not None
        xml = build_message(stored, state.catalog,
                            load_schemas(Path(app.config["XOEV_SCHEMAS_DIR"])),
                            attachments=attachments(session, stored))
    return parse(xml)


def test_at_level_4_the_eid_address_is_used_and_locked(app: Flask, client: FlaskClient) -> None:
    """§ 45 Abs. 1b Satz 1 Nr. 2a StVO: the main residence must lie in the zone; with the eID
    (trust level 4) the address comes from the ID card and cannot be changed."""
    sign_in(client, persona="erika", level=4)  # Bäckerstraße 12, zone B
    location = client.post(f"/leistungen/{SERVICE}/starten").location
    page = client.get(location).get_data(as_text=True)
    assert "Aus Ihrem Online-Ausweis übernommen – nicht änderbar" in page
    assert 'name="address.street"' not in page  # no input: locked
    submission = submit_permit(app, client, applicant={"address.street": ["Marktstraße"]})
    assert submission.answers["address"]["street"] == "Bäckerstraße"  # the eID's, not typed
    assert not any(n.get("code") == "unverified:address" for n in submission.notices)
    doc = message_of(app, submission.id)
    assert doc.findtext("bewohnerparkausweis/antragsteller/anschriftDurchEIdBestaetigt") == "true"


def test_below_level_4_the_back_office_is_told_the_address_is_unverified(
        app: Flask, client: FlaskClient) -> None:
    """Without the eID the address is typed in; the applicant sees a notice before sending,
    and the message flags the address for a check in the population register."""
    sign_in(client, persona="erika", level=3)
    review_url = walk(app, client, SERVICE, {"vehicle": VEHICLE,
                                             "parking": {"private_parking_available": ["no"]}})
    review = client.get(review_url).get_data(as_text=True)
    assert "Ihre Anschrift wurde nicht mit der Online-Ausweisfunktion bestätigt" in review
    assert submit_reviewed(client, review_url).status_code == 302
    with portal_state(app).db.session() as session:
        submission = session.scalar(select(Submission))
        assert submission is not None
        assert any(n.get("code") == "unverified:address" for n in submission.notices)
        submission_id = submission.id
    doc = message_of(app, submission_id)
    body = "bewohnerparkausweis/antragsteller/anschriftDurchEIdBestaetigt"
    assert doc.findtext(body) == "false"
    hints = [h.text for h in doc.findall("antrag/hinweis")]
    assert any("nicht mit der Online-Ausweisfunktion bestätigt" in (h or "") for h in hints)


def test_vehicle_and_keeper_are_fields_of_the_message(app: Flask, client: FlaskClient) -> None:
    sign_in(client, level=3)
    submission = submit_permit(app, client, vehicle={
        "registration_mark": ["gs xy 42"], "vehicle_make": ["Škoda"],
        "vehicle_relation": ["dauernutzer"], "keeper_name": ["Harzer Pflegedienst GmbH"],
        "keeper_address.street": ["Kornstraße"], "keeper_address.house_number": ["8"],
        "keeper_address.postcode": ["38640"], "keeper_address.town": ["Goslar"]})
    doc = message_of(app, submission.id)
    vehicle = doc.find("bewohnerparkausweis/fahrzeug")
    assert vehicle.findtext("kennzeichen") == "GS-XY 42"
    assert vehicle.findtext("marke") == "Škoda"
    assert vehicle.findtext("verhaeltnisZumFahrzeug/code") == "dauernutzer"
    assert vehicle.findtext("halter/name") == "Harzer Pflegedienst GmbH"
    assert vehicle.findtext("halter/anschrift/strasse") == "Kornstraße"


def test_the_fee_names_its_legal_basis(app: Flask, client: FlaskClient) -> None:
    """The municipality file names the legal basis of the fee (GebOSt Gebühren-Nr. 265); the
    citizen sees it, and the message carries it."""
    html = client.get(f"/leistungen/{SERVICE}").get_data(as_text=True)
    assert "Gebühren-Nr. 265" in html
    sign_in(client, level=3)
    submission = submit_permit(app, client)
    assert "Gebühren-Nr. 265" in submission.fee["legal_basis"]["de"]
    doc = message_of(app, submission.id)
    assert "Gebühren-Nr. 265" in (doc.findtext("antrag/gebuehr/rechtsgrundlage") or "")


def test_one_permit_per_person_while_one_is_pending_or_valid(app: Flask,
                                                             client: FlaskClient) -> None:
    """One permit per person (VwV-StVO zu § 45 Abs. 1 bis 1e, as in the Bundesportal service
    description): a second application while the first is pending is refused with a clear
    message naming the first; after a rejection a new one is possible."""
    sign_in(client, persona="erika", level=3)
    first = submit_permit(app, client)
    post_vehicle = vehicle_step(app, client)
    other_car = {**VEHICLE, "registration_mark": ["GS-ZZ 9"]}
    refused = post_vehicle(other_car)
    assert refused.status_code == 422
    message = " ".join(errors_of(refused.get_data(as_text=True)))
    assert "Jede Person und jedes Fahrzeug erhält nur einen Ausweis" in message
    assert first.reference in message
    with portal_state(app).db.session() as session:
        stored = session.get(Submission, first.id)
        assert stored is not None
        stored.status = "rejected"
        session.commit()
    allowed = post_vehicle(other_car)
    assert allowed.status_code == 302, errors_of(allowed.get_data(as_text=True))


def test_one_permit_per_vehicle_without_naming_the_other_application(
        app: Flask, client: FlaskClient) -> None:
    """The same vehicle cannot get a second permit from another person while one is valid;
    the other person's application is not revealed."""
    sign_in(client, persona="erika", level=3)
    first = submit_permit(app, client)
    with portal_state(app).db.session() as session:
        stored = session.get(Submission, first.id)
        assert stored is not None
        stored.status = "decided"  # granted: valid from the start date for 12 months
        session.commit()
    other = app.test_client()
    sign_in(other, persona="max", level=3)
    post_vehicle = vehicle_step(app, other)
    refused = post_vehicle({**VEHICLE, "registration_mark": ["gs-ab 123"]})
    assert refused.status_code == 422
    message = " ".join(errors_of(refused.get_data(as_text=True)))
    assert "nur einen Ausweis" in message and first.reference not in message
    # Once the permit has run out, the vehicle can get a new one.
    with portal_state(app).db.session() as session:
        stored = session.get(Submission, first.id)
        assert stored is not None
        stored.answers = {**stored.answers, "start_date": "2025-01-01", "validity_months": "6"}
        session.commit()
    allowed = post_vehicle(VEHICLE)
    assert allowed.status_code == 302, errors_of(allowed.get_data(as_text=True))
