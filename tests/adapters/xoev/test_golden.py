"""Every service's message for a realistic submission: equal to its golden file, valid
against the schema and the code lists, and readable back into the submitted answers.

Regenerate the golden files after an intended change with UPDATE_GOLDEN=1.
"""

from __future__ import annotations

import os
from decimal import Decimal

import pytest

from portal.adapters.xoev.mappers import MAPPERS, decode_message, map_input
from portal.adapters.xoev.schemas import MessageSchemas, parse
from portal.definitions.loader import Catalog
from tests.adapters.xoev.support import (
    CREATED,
    GOLDEN,
    MESSAGE_UUID,
    REFERENCES,
    SAMPLES,
    SUBMITTED,
    make_input,
    normalized,
)

UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def test_every_service_has_a_sample_and_a_mapper(catalog: Catalog) -> None:
    assert set(SAMPLES) == set(catalog.services) == set(MAPPERS)


@pytest.mark.parametrize("service_id", sorted(SAMPLES))
def test_message_matches_golden_file(service_id: str, catalog: Catalog,
                                     schemas: MessageSchemas) -> None:
    mapped = map_input(make_input(catalog, service_id))
    assert mapped.unmapped == ()
    golden = GOLDEN / f"{mapped.name}.xml"
    if UPDATE:
        golden.write_bytes(mapped.xml)
    assert mapped.xml == golden.read_bytes(), f"{golden.name} differs (UPDATE_GOLDEN=1?)"


@pytest.mark.parametrize("service_id", sorted(SAMPLES))
def test_golden_file_validates_with_both_engines(service_id: str, catalog: Catalog,
                                                 schemas: MessageSchemas) -> None:
    name = MAPPERS[service_id][0].name
    xml = (GOLDEN / f"{name}.xml").read_bytes()
    assert schemas.validate(xml, catalog.codelists, thorough=True) == []
    assert schemas.validate_with_xmlschema(xml) == []
    assert schemas.lxml_accepts(xml)


@pytest.mark.parametrize("service_id", sorted(SAMPLES))
def test_golden_file_decodes_to_the_submission(service_id: str, catalog: Catalog) -> None:
    name = MAPPERS[service_id][0].name
    decoded = decode_message(parse((GOLDEN / f"{name}.xml").read_bytes()))
    assert decoded.answers == normalized(SAMPLES[service_id])
    envelope = decoded.envelope
    service = catalog.services[service_id]
    assert envelope.message == name
    assert envelope.message_uuid == MESSAGE_UUID
    assert envelope.created_at == CREATED
    assert envelope.submitted_at == SUBMITTED
    assert envelope.reference == REFERENCES[service_id]
    assert (envelope.service_id, envelope.service_version) == (service.id, service.version)
    assert (envelope.channel, envelope.auth_method) == ("online", "bundid")
    assert envelope.trust_level == service.min_trust_level
    assert envelope.department == service.department
    fee = make_input(catalog, service_id).fee
    assert envelope.fee_amount == Decimal(fee["amount"])
    assert envelope.fee_period == fee["period"]


def test_header_follows_xoev_rules(catalog: Catalog) -> None:
    doc = parse((GOLDEN / "hundesteuer.anmeldung.0101.xml").read_bytes())
    head = doc.find("nachrichtenkopf")
    assert head is not None
    assert doc.get("standard") == "OZG-Portal-Antrag" and doc.get("version") == "1.0.0"
    assert doc.get("produkt") and doc.get("produkthersteller")
    assert head.findtext("identifikation.nachricht/erstellungszeitpunkt") == \
        "2026-11-20T09:41:08.005+01:00"
    assert head.findtext("identifikation.nachricht/nachrichtentyp/code") == "0101"
    assert head.findtext("autor/behoerde/gemeindeschluessel/code") == catalog.municipality.ags
    assert head.findtext("leser/organisationseinheit/kennung") == "steueramt"
    # Typographic dashes of portal texts are mapped into DIN 91379 datatype C.
    assert head.findtext("leser/organisationseinheit/name") == "Steueramt - Hundesteuer"


def test_codes_carry_list_uri_and_version_from_the_code_list_files(catalog: Catalog) -> None:
    doc = parse((GOLDEN / "meldewesen.anmeldung.0201.xml").read_bytes())
    sex = doc.find("anmeldung/antragsteller/geschlecht")
    nationality = doc.find("anmeldung/mitziehendePerson/staatsangehoerigkeit")
    status = doc.find("anmeldung/neueWohnung/wohnungsstatus")
    ags = doc.find("anmeldung/neueWohnung/anschrift/gemeindeschluessel")
    for elem, list_id in ((sex, "geschlecht"), (nationality, "staatsangehoerigkeit"),
                          (status, "wohnungsstatus"), (ags, "ags")):
        assert elem is not None
        codelist = catalog.codelists[list_id]
        assert (elem.get("listURI"), elem.get("listVersionID")) == (codelist.uri,
                                                                    codelist.version)
        entry = codelist.entry(elem.findtext("code") or "")
        assert entry is not None and elem.findtext("name") == entry.name["de"]


@pytest.mark.parametrize("name", ["hundesteuer.anmeldung.0101", "hundesteuer.abmeldung.0102",
                                  "bewohnerparken.antrag.0301"])
def test_every_code_is_an_xoev_code_type_with_list_uri_and_version(name: str,
                                                                     catalog: Catalog) -> None:
    """XÖV-Handbuch, code types (Code, Typ 1 to 3): a code value travels with the list it comes
    from, named by listURI and listVersionID; for the header (Eingangskanal,
    Anmeldeverfahren, Gebührenzeitraum) and the dog-tax and parking bodies; lists of the
    code list files carry that file's URI and version."""
    doc = parse((GOLDEN / f"{name}.xml").read_bytes())
    codes = [elem for elem in doc.iter() if elem.find("code") is not None]
    assert len(codes) >= 5
    by_uri = {codelist.uri: codelist for codelist in catalog.codelists.values()}
    for elem in codes:
        uri, version = elem.get("listURI"), elem.get("listVersionID")
        assert uri and version, elem.tag
        if uri in by_uri:
            assert version == by_uri[uri].version, elem.tag
            assert by_uri[uri].entry(elem.findtext("code") or "") is not None, elem.tag
    tags = {elem.tag for elem in codes}
    assert {"eingangskanal", "verfahren"} <= tags
    if name.startswith("hundesteuer.anmeldung"):
        assert {"rasse", "geschlecht", "steuersatz", "zahlungsart", "zeitraum"} <= tags
    if name.startswith("bewohnerparken"):
        assert "verhaeltnisZumFahrzeug" in tags


def test_registration_singles_out_the_applicant_like_xmeld_1704() -> None:
    doc = parse((GOLDEN / "meldewesen.ummeldung.0202.xml").read_bytes())
    applicant = doc.find("ummeldung/antragsteller")
    others = doc.findall("ummeldung/mitziehendePerson")
    assert applicant is not None and applicant.findtext("name/vornamen") == "Mehmet"
    # Position in the form is kept: the applicant was the second person entered.
    assert applicant.findtext("laufendeNummer") == "2"
    assert [p.findtext("laufendeNummer") for p in others] == ["1"]
    assert doc.find("ummeldung/wohnungsgeber/bestaetigung/kennung") is not None
