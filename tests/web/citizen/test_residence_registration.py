"""Residence registration as a citizen does it (issue #10): a complete family Anmeldung with the
eID person locked as person 1, the cases that end the online path with the office's contact,
the review page in German and English, the registration message the office receives, and the
Meldebestätigung (§ 24 Abs. 2 BMG) the back office issues and the citizen downloads."""

from __future__ import annotations

import io
import os
import re
import subprocess
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.adapters.db.documents import Document
from portal.adapters.db.models import Submission
from portal.adapters.xoev.mappers import decode_message
from portal.adapters.xoev.schemas import parse
from portal.services.artifacts import stored_message
from portal.state import portal_state
from tests.adapters.delivery.support import delivery_app, run_jobs
from tests.adapters.documents.support import nss_db, pdfsig
from tests.conftest import sign_in
from tests.factories import PDF, submit_reviewed
from tests.web.inbox.test_inbox import clerk

Form = dict[str, Any]
# Set to a directory to keep the rendered documents for looking at them (PNG via pdftoppm).
KEEP = os.environ.get("PORTAL_KEEP_RENDERINGS")


def address(prefix: str, street: str, number: str, postcode: str, town: str) -> Form:
    return {f"{prefix}.street": street, f"{prefix}.house_number": number,
            f"{prefix}.postcode": postcode, f"{prefix}.town": town}


def person(i: int, **values: Any) -> Form:
    """Inputs of one item of the persons group; lists become repeated inputs."""
    out: Form = {}
    for key, value in values.items():
        if isinstance(value, dict):
            out.update({f"persons.{i}.{key}.{k}": v for k, v in value.items()})
        else:
            out[f"persons.{i}.{key}"] = value
    return out


ADULT = {"birth_place": "Goslar", "birth_country": "000", "nationalities": ["000"],
         "religion": "lt", "marital_status": "VH", "marriage_date": "2012-05-12",
         "marriage_place": "Goslar", "marriage_country": "000", "housing_status": "HW",
         "id_document_type": "PA", "id_document_authority": "Stadt Goslar",
         "id_document_number": "L01X00T47", "id_document_issued": "2022-01-10",
         "id_document_valid_until": "2032-01-09"}
FAMILY_STEPS: dict[str, Form] = {
    "registrant": {"registration_for": "SELBST"},
    "previous_flat": {"previous_home_in_germany": "yes",
                      **address("previous_address", "Kaiserstraße", "18b", "60311",
                                "Frankfurt am Main")},
    "new_flat": {**address("new_address", "Breite Straße", "41", "38640", "Goslar"),
                 "move_in_date": "12.11.2026", "has_other_dwellings": "yes",
                 "other_dwellings.count": "1",
                 **address("other_dwellings.0.address", "Friedrichstraße", "9", "10117",
                           "Berlin"),
                 "other_dwellings.0.status": "NW"},
    "persons": {
        "persons.count": "3",
        # Person 1 is Erika from the eID: these inputs must be ignored for the locked parts.
        **person(0, name={"family_name": "Fälschung", "given_names": "Eva"},
                 birth_date="01.01.2000", usual_given_name="Erika", doctorate="Dr.", sex="w",
                 **{k: v for k, v in ADULT.items() if k != "birth_place"},
                 objections=["36-2", "50-3"]),
        **person(1, relationship="E", name={"family_name": "Mustermann",
                                            "given_names": "Hans Peter"},
                 birth_date="03.03.1962", sex="m", **ADULT),
        **person(2, relationship="K", name={"family_name": "Mustermann", "given_names": "Lina"},
                 birth_date="05.06.2015", sex="w", birth_place="Goslar", birth_country="000",
                 nationalities=["000"], religion="lt", marital_status="LD",
                 rep_registrant="yes", rep_partner="yes", rep_other="no",
                 housing_status="HW", id_document_type="KEIN"),
    },
    "landlord": {"landlord_confirmation_kind": "SCHRIFTLICH", "landlord_name": "Helga Brandes",
                 **address("landlord_address", "Rosentorstraße", "22", "38640", "Goslar"),
                 "landlord_is_owner": "no",
                 "owner_name": "Goslarer Wohnstättengesellschaft mbH",
                 **address("owner_address", "Im Schleeke", "31", "38640", "Goslar"),
                 "landlord_confirmed_move_in": "12.11.2026",
                 "landlord_confirmation_complete": "yes"},
}
UPLOADS = {"landlord": "landlord_confirmation_upload"}


def start(client: FlaskClient, service_id: str) -> str:
    response = client.post(f"/leistungen/{service_id}/starten")
    assert response.status_code == 302
    return str(response.location)


def post_step(client: FlaskClient, location: str, form: Form,
              upload: str | None = None) -> Any:
    data: dict[str, Any] = {**form, "action": "next"}
    if upload:
        data[upload] = (io.BytesIO(PDF), "wohnungsgeberbestaetigung.pdf", "application/pdf")
    return client.post(location, data=data, content_type="multipart/form-data")


def errors_of(html: str) -> list[str]:
    return re.findall(r'<li><a class="kern-link" href="#[^"]+">([^<]+)</a>', html)


def fill_family(client: FlaskClient) -> str:
    location = start(client, "wohnsitz-anmeldung")
    for step_id, form in FAMILY_STEPS.items():
        assert location.endswith(f"/schritt/{step_id}"), location
        response = post_step(client, location, form, UPLOADS.get(step_id))
        assert response.status_code == 302, (step_id, errors_of(response.get_data(as_text=True)))
        location = str(response.location)
    assert location.endswith("/pruefen")
    return location


def test_eid_person_is_person_1_and_locked_par_4_bmelddigiv(app: Flask,
                                                           client: FlaskClient) -> None:
    """§ 4 BMeldDigiV: with the eID at level "hoch" the registering person's data come from
    the eID – prefilled into person 1 of the repeatable group and not changeable."""
    sign_in(client, "erika", level=4)
    location = start(client, "wohnsitz-anmeldung")
    for step_id in ("registrant", "previous_flat", "new_flat"):
        location = str(post_step(client, location, FAMILY_STEPS[step_id]).location)
    page = client.get(location).get_data(as_text=True)
    assert page.count("Aus Ihrem Online-Ausweis übernommen – nicht änderbar") == 4
    assert "Erika Mustermann (geb. Gabler)" in page and "12.08.1964" in page
    assert 'name="persons.0.name.family_name"' not in page
    assert 'name="persons.1.name.family_name"' not in page  # only one person so far
    # Removing the eID person is not offered.
    assert 'value="remove:persons:0"' not in page


def test_family_anmeldung_carries_every_item(clean_db: str, seal: dict[str, Any],
                                             tmp_path: Path) -> None:
    """Done when (issue #10): two adults married to each other, one child, a second home kept,
    objections declared and a paper landlord confirmation – the review shows every item, the
    message validates and carries them, the back office's completion issues the sealed
    Meldebestätigung (§ 24 Abs. 2 BMG) that the citizen downloads under "Meine Anträge"."""
    app = delivery_app(clean_db, seal, {})
    citizen = app.test_client()
    sign_in(citizen, "erika", level=4)
    review_url = fill_family(citizen)

    review = citizen.get(review_url).get_data(as_text=True)
    for text in ("Erika Mustermann (geb. Gabler)", "Hans Peter Mustermann", "Lina Mustermann",
                 "Friedrichstraße 9", "Nebenwohnung", "Hauptwohnung", "verheiratet",
                 "evangelisch-lutherisch", "Personalausweis", "L01X00T47",
                 "Adressbuchverlage", "Bundeswehr", "Helga Brandes", "Rosentorstraße 22",
                 "Goslarer Wohnstättengesellschaft mbH", "Im Schleeke 31",
                 "wohnungsgeberbestaetigung.pdf", "Ehegattin oder Ehegatte",
                 "minderjähriges Kind", "Sind Sie gesetzliche Vertreterin"):
        assert text in review, text
    assert "Fälschung" not in review
    english = citizen.get(review_url + "?lang=en").get_data(as_text=True)
    for text in ("Marital status", "married", "Identity document", "German identity card",
                 "Objections to data transfers", "address-book publishers",
                 "Name of the owner", "For this person, the new home is"):
        assert text in english, text
    citizen.get(review_url + "?lang=de")

    done = submit_reviewed(citizen, review_url)
    assert done.status_code == 302
    reference = done.location.split("/meine-antraege/")[1].split("?")[0]
    run_jobs(app)
    with portal_state(app).db.session() as session:
        submission = session.scalar(select(Submission).where(Submission.reference == reference))
        assert submission is not None
        message = stored_message(session, submission.id)
        assert message is not None
        xml = message.content
        submission_id = submission.id
    doc = parse(xml)
    decoded = decode_message(doc)
    assert decoded.identification is not None
    assert decoded.identification["method"] == "dev" and decoded.identification["level"] == 4
    assert decoded.identification["pseudonym"] == "dev:erika"
    assert decoded.identification["verified"]["birth_date"] == "1964-08-12"
    persons = decoded.answers["persons"]
    assert [p["relationship"] for p in persons] == ["S", "E", "K"]
    assert persons[0]["name"] == {"family_name": "Mustermann", "given_names": "Erika",
                                  "birth_name": "Gabler"}
    assert persons[0]["birth_date"] == "1964-08-12" and persons[0]["objections"] == ["36-2",
                                                                                    "50-3"]
    body = doc.find("anmeldung")
    assert body is not None
    assert body.findtext("person[1]/familienstand/ehegatteLebenspartner") == "2"
    assert body.findtext("person[2]/familienstand/ehegatteLebenspartner") == "1"
    assert [e.text for e in body.findall("person[3]/gesetzlicheVertretung/vertreter")] == \
        ["1", "2"]
    assert body.findtext("weitereWohnungen/wohnung/anschrift/gemeindeschluessel/code") == \
        "11000000"
    assert body.findtext("wohnungsgeberbestaetigung/eigentuemer/name") == \
        "Goslarer Wohnstättengesellschaft mbH"

    office = clerk(app, "melde@goslar.example", ["meldebehoerde"])
    base = f"/mitarbeiter/posteingang/{submission_id}"
    assert office.post(f"{base}/status", data={"status": "in_progress"}).status_code == 302
    assert office.post(f"{base}/status", data={"status": "decided"}).status_code == 302
    with portal_state(app).db.session() as session:
        issued = session.scalar(select(Document).where(Document.submission_id == submission_id,
                                                       Document.kind == "meldebestaetigung"))
        assert issued is not None

    page = citizen.get(f"/meine-antraege/{reference}").get_data(as_text=True)
    assert "Meldebestätigung" in page
    response = citizen.get(f"/meine-antraege/{reference}/dokumente/meldebestaetigung")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = tmp_path / "meldebestaetigung.pdf"
    pdf.write_bytes(response.data)
    if KEEP:
        Path(KEEP).mkdir(parents=True, exist_ok=True)
        (Path(KEEP) / "meldebestaetigung.pdf").write_bytes(response.data)
        (Path(KEEP) / "review.html").write_text(review, encoding="utf-8")
        copy = citizen.get(f"/meine-antraege/{reference}/dokument")
        (Path(KEEP) / "antrag.pdf").write_bytes(copy.data)
    nss = nss_db(tmp_path / "nss", Path(seal["SEAL_TRUST_ROOTS"]))
    report = pdfsig(pdf, nss)
    assert "Signature is Valid." in report and "Certificate is Trusted." in report
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                                   text=True, check=True).stdout.split())
    for item in ("Amtliche Meldebestätigung", "§ 24 Abs. 2 des Bundesmeldegesetzes", reference, "Mustermann",
                 "Hans Peter", "Lina", "12.08.1964", "12.11.2026", "Breite Straße 41",
                 "Hauptwohnung", "Dr."):
        assert item in text, item
    # § 24 Abs. 2 BMG: nothing beyond its eight data items (no religion, no ID document).
    for absent in ("lutherisch", "L01X00T47", "Goslar, Stadt Berlin"):
        assert absent not in text
    other = app.test_client()
    sign_in(other, "max", level=4)
    assert other.get(f"/meine-antraege/{reference}/dokumente/meldebestaetigung"
                     ).status_code == 404


def test_move_from_abroad_ends_the_online_path_with_the_office_par_23a_bmg(
        app: Flask, client: FlaskClient) -> None:
    """§ 23a BMG: online only for moves from a home in Germany; otherwise a clear message and
    the Bürgerbüro's contact and appointment booking from the municipality file."""
    sign_in(client, "erika", level=4)
    location = start(client, "wohnsitz-anmeldung")
    location = str(post_step(client, location, FAMILY_STEPS["registrant"]).location)
    response = post_step(client, location, {"previous_home_in_germany": "no"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Online können Sie sich nur anmelden, wenn Sie aus einer Wohnung in Deutschland" in html
    office = portal_state(client.application).catalog.municipality.office("meldebehoerde")
    assert office is not None
    assert "Bitte wenden Sie sich an: Bürgerbüro der Stadt Goslar" in html
    assert office.phone and office.phone in html
    assert f'href="{office.appointment_url}"' in html and "Termin online vereinbaren" in html
    english = client.get(location + "?lang=en").get_data(as_text=True)
    assert "office of the town of Goslar" in english
    client.get(location + "?lang=de")


def test_carer_is_sent_to_the_office_par_17_abs_3_satz_3_bmg(app: Flask,
                                                            client: FlaskClient) -> None:
    sign_in(client, "erika", level=4)
    location = start(client, "wohnsitz-abmeldung")
    response = post_step(client, location, {"registration_for": "BETREUUNG"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Betreuerausweis" in html and "(05321) 704-115" in html


def test_other_adult_gets_a_clear_message_par_17_abs_1_bmg(app: Flask,
                                                          client: FlaskClient) -> None:
    sign_in(client, "erika", level=4)
    location = start(client, "wohnsitz-anmeldung")
    for step_id in ("registrant", "previous_flat", "new_flat"):
        location = str(post_step(client, location, FAMILY_STEPS[step_id]).location)
    form = {k: v for k, v in FAMILY_STEPS["persons"].items() if not k.startswith("persons.2.")}
    form.update({"persons.count": "2", "persons.1.relationship": "A"})
    response = post_step(client, location, form)
    assert response.status_code == 422
    assert "Andere Erwachsene müssen sich selbst anmelden" in response.get_data(as_text=True)


def test_parent_registers_a_child_alone_par_17_abs_3_bmg(app: Flask,
                                                        client: FlaskClient) -> None:
    """§ 17 Abs. 3 BMG: a parent registers a child under 16 who moves into the parent's home;
    the parent is not on the form and person 1 is not taken from the eID."""
    sign_in(client, "erika", level=4)
    location = start(client, "wohnsitz-anmeldung")
    location = str(post_step(client, location, {"registration_for": "KIND"}).location)
    for step_id in ("previous_flat", "new_flat"):
        location = str(post_step(client, location, FAMILY_STEPS[step_id]).location)
    page = client.get(location).get_data(as_text=True)
    assert "Aus Ihrem Online-Ausweis übernommen" not in page
    child = {k.replace("persons.2.", "persons.0."): v for k, v in FAMILY_STEPS["persons"].items()
             if k.startswith("persons.2.")}
    child.update({"persons.count": "1", "persons.0.rep_partner": "no"})
    response = post_step(client, location, child)
    assert response.status_code == 302, errors_of(response.get_data(as_text=True))


def test_abmeldung_needs_the_eid_par_23_abs_1_bmg(app: Flask, client: FlaskClient) -> None:
    """§ 23 Abs. 1 BMG: the Meldeschein is signed; online the eID replaces the signature
    (§ 23 Abs. 7, § 10 Abs. 3 BMG, § 3a VwVfG) – level 4, and the service page says so."""
    page = client.get("/leistungen/wohnsitz-abmeldung").get_data(as_text=True)
    assert "Vertrauensniveau „hoch“ (Stufe 4)" in page
    assert "Online-Ausweisfunktion" in page and "§ 3a VwVfG" in page
    sign_in(client, "erika", level=3)
    response = client.post("/leistungen/wohnsitz-abmeldung/starten")
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert "/schritt/" not in response.location
