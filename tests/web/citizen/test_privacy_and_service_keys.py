"""Every service: its privacy notice with the items of Art. 13 DSGVO (German and English), its
national service key (LeiKa) where one is verified, test messages from test sign-ins, and a
production start that refuses placeholder data."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal import create_app
from portal.adapters.xoev.mappers import map_input
from portal.adapters.xoev.schemas import load_schemas, parse
from portal.config import ConfigError
from portal.services.messages import build_dms_record, build_message
from portal.state import portal_state
from tests.adapters.xoev.support import SCHEMAS_DIR, load_test_catalog, make_input
from tests.adapters.xoev.test_service_messages import submission
from tests.production import production_municipality

SERVICES = sorted(p.stem for p in Path("forms").glob("*.yaml"))
# Verified keys only (sources in the definitions): Wohnsitz anmelden (Bundesportal),
# Hundesteuer An-/Abmeldung (FIM-Portal 99102013000000, PVOG, Neubrandenburg), Parkausweis
# für Bewohner (PVOG). Wohnsitz ummelden/abmelden: not verified, left out.
LEIKA = {"wohnsitz-anmeldung": "99115005104000", "hundesteuer-anmeldung": "99102013104000",
         "hundesteuer-abmeldung": "99102013070000", "bewohnerparkausweis": "99108001001000"}


@pytest.mark.parametrize("service_id", SERVICES)
def test_privacy_notice_names_every_item_of_art_13_dsgvo(client: FlaskClient,
                                                         service_id: str) -> None:
    """Art. 13 DSGVO: controller (Abs. 1 a), data protection officer (b), purposes and legal
    basis (c), recipients (e), third countries (f), retention (Abs. 2 a), rights (b), complaint
    to the supervisory authority - for Goslar the LfD Niedersachsen (d), obligation (e),
    automated decisions (f)."""
    page = client.get(f"/leistungen/{service_id}/datenschutz")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for heading in ("Verantwortlich", "Datenschutzbeauftragte", "Zwecke der Verarbeitung",
                    "Rechtsgrundlage", "Empfänger", "Übermittlung in Drittländer",
                    "Dauer der Speicherung", "Ihre Rechte", "Beschwerde bei der Aufsichtsbehörde",
                    "Pflicht zur Angabe", "Automatisierte Entscheidung"):
        assert heading in html, heading
    assert "Stadt Goslar" in html and "Charley-Jacob-Straße 3" in html
    assert "Der Landesbeauftragte für den Datenschutz Niedersachsen" in html
    assert "Prinzenstraße 5, 30159 Hannover" in html and "poststelle@lfd.niedersachsen.de" in html
    assert "Art. 15 DSGVO" in html and "Art. 77 DSGVO" in html
    english = client.get(f"/leistungen/{service_id}/datenschutz?lang=en").get_data(as_text=True)
    for heading in ("Controller", "Data protection officer", "Purposes of processing",
                    "Recipients", "How long the data is kept", "Your rights",
                    "Complaint to the supervisory authority"):
        assert heading in english, heading
    assert "State Commissioner for Data Protection of Lower Saxony" in english
    assert "Art. 15 GDPR" in english


@pytest.mark.parametrize("service_id", SERVICES)
def test_privacy_notice_is_linked_from_the_service_page_and_the_form(
        app: Flask, client: FlaskClient, service_id: str) -> None:
    link = f"/leistungen/{service_id}/datenschutz"
    assert link in client.get(f"/leistungen/{service_id}").get_data(as_text=True)
    client.post("/anmelden/entwicklung", data={"persona": "erika", "level": "4", "next": "/"})
    step = client.post(f"/leistungen/{service_id}/starten").location
    assert link in client.get(step).get_data(as_text=True)


def test_the_site_privacy_page_links_every_service_notice(client: FlaskClient) -> None:
    """The site's privacy page (Art. 13 DSGVO, given "at the time when personal data are
    obtained") leads to each service's notice from its main content."""
    html = client.get("/seiten/datenschutz").get_data(as_text=True)
    title = html.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<" not in title and "Datenschutz" in title
    main = html.split("<main", 1)[1]
    for service_id in SERVICES:
        assert f"/leistungen/{service_id}/datenschutz" in main, service_id


@pytest.mark.parametrize("service_id", SERVICES)
def test_the_service_key_is_in_the_definition_and_the_message(app: Flask,
                                                               service_id: str) -> None:
    """FIT-Connect and the XÖV messages name a service by its LeiKa key
    (urn:de:fim:leika:leistung:<14 digits>); a key is only given where it was verified."""
    catalog = load_test_catalog()
    service = catalog.services[service_id]
    doc = parse(map_input(make_input(catalog, service_id)).xml)
    found = doc.findtext("antrag/leistung/leikaKennung")
    if service_id in LEIKA:
        assert service.leika_id == f"urn:de:fim:leika:leistung:{LEIKA[service_id]}"
        assert found == service.leika_id
    else:
        assert service.leika_id is None and found is None


def test_the_service_page_says_what_the_bylaw_says(client: FlaskClient) -> None:
    """Hundesteuersatzung Goslar: the listed breeds and their rebuttal, the reliefs with
    the proof each needs, and how dogs count for the rate of the second dog."""
    html = client.get("/leistungen/hundesteuer-anmeldung").get_data(as_text=True)
    assert "Bullterrier, Pit-Bull-Terrier, Mastino" in html
    assert "sowie Kreuzungen mit ihnen" in html and "Wesenstest" in html
    assert "Blindenführhund" in html and "Merkzeichen „Bl“" in html
    assert "Gefährliche Hunde zählen vor den voll besteuerten Hunden." in html
    assert "Steuerfreie Hunde zählen bei der Zahl der Hunde nicht mit." in html
    english = client.get("/leistungen/hundesteuer-anmeldung?lang=en").get_data(as_text=True)
    assert "Bull Terrier, Pit Bull Terrier, Mastino" in english
    assert "and crosses with them" in english


@pytest.mark.parametrize(("auth_method", "flagged"), [("dev", True), ("bundid", False),
                                                       ("counter", False)])
def test_messages_from_test_sign_ins_are_test_messages(auth_method: str, flagged: bool) -> None:
    """XÖV message attribute `test`: a message made from the development sign-in says it is a
    test, so no receiver takes it for a real application; the DMS record's subject too."""
    catalog = load_test_catalog()
    schemas = load_schemas(SCHEMAS_DIR)
    stored = submission(catalog, "hundesteuer-abmeldung", auth_method=auth_method)
    xml = build_message(stored, catalog, schemas)
    assert (parse(xml).get("test") == "true") is flagged
    record = build_dms_record(stored, catalog, schemas, xml)
    subject = parse(record.message).findtext(
        ".//{urn:xoev-de:xdomea:schema:3.0.0}Vorgang/{urn:xoev-de:xdomea:schema:3.0.0}"
        "AllgemeineMetadaten/{urn:xoev-de:xdomea:schema:3.0.0}Betreff") or ""
    assert subject.startswith("TEST") is flagged


def test_production_start_refuses_the_placeholder_creditor_id(database_url: str,
                                                              tmp_path: Path) -> None:
    """The SEPA creditor identifier of the shipped municipality file is the Bundesbank's
    example: production start-up refuses it until the town's own is entered."""
    production = {"ENV_NAME": "production", "SECRET_KEY": "x" * 40, "DATABASE_URL": database_url}
    with pytest.raises(ConfigError, match="creditor identifier"):
        create_app(production)
    app = create_app({**production, "MUNICIPALITY_FILE": str(production_municipality(tmp_path))})
    assert portal_state(app).catalog.municipality.sepa is not None
