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
    person = "anmeldung/person"
    checks = {
        f"{person}[1]/geschlecht": "geschlecht",
        f"{person}[2]/staatsangehoerigkeit": "staatsangehoerigkeit",
        f"{person}[1]/wohnungsstatus": "wohnungsstatus",
        f"{person}[1]/familienstand/familienstand": "familienstand",
        f"{person}[1]/religionszugehoerigkeit/religionsgesellschaft": "religion",
        f"{person}[1]/ausweisdokument/art": "ausweisdokument",
        f"{person}[1]/datenuebermittlungssperre": "widerspruch",
        f"{person}[1]/geburt/staat": "staat",
        "anmeldung/neueWohnung/anschrift/gemeindeschluessel": "ags",
    }
    for path, list_id in checks.items():
        elem = doc.find(path)
        assert elem is not None, path
        codelist = catalog.codelists[list_id]
        assert (elem.get("listURI"), elem.get("listVersionID")) == (codelist.uri,
                                                                    codelist.version)
        entry = codelist.entry(elem.findtext("code") or "")
        assert entry is not None and elem.findtext("name") == entry.name["de"]


@pytest.mark.parametrize("name", ["hundesteuer.anmeldung.0101", "hundesteuer.abmeldung.0102",
                                  "bewohnerparken.antrag.0301", "meldewesen.anmeldung.0201",
                                  "meldewesen.ummeldung.0202", "meldewesen.abmeldung.0203"])
def test_every_code_is_an_xoev_code_type_with_list_uri_and_version(name: str,
                                                                     catalog: Catalog) -> None:
    """XÖV-Handbuch, code types (Code, Typ 1 to 3): a code value travels with the list it comes
    from, named by listURI and listVersionID; for the header (Eingangskanal,
    Anmeldeverfahren, Gebührenzeitraum), the dog-tax, parking and registration bodies (the
    identification's Anmeldeverfahren too); lists of the code list files carry that file's
    URI and version."""
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
    if name.startswith("meldewesen"):
        assert {"meldefall", "beziehung", "gemeindeschluessel"} <= tags
        assert doc.find("*/identifikation/verfahren/code") is not None


def test_registration_messages_use_no_english_code_values() -> None:
    """Registration messages carry XÖV codes (XInneres, DSMeld, destatis or portal lists of
    code type 4) – no English enumeration values such as `applicant`, `male` or `abroad`."""
    english = {"applicant", "spouse", "child", "other", "male", "female", "abroad",
               "secondary_given_up", "reference", "upload"}
    for name in ("meldewesen.anmeldung.0201", "meldewesen.ummeldung.0202",
                 "meldewesen.abmeldung.0203"):
        doc = parse((GOLDEN / f"{name}.xml").read_bytes())
        body = doc.find("anmeldung") if doc.find("anmeldung") is not None else (
            doc.find("ummeldung") if doc.find("ummeldung") is not None else doc.find("abmeldung"))
        assert body is not None
        values = {e.text.strip() for e in body.iter() if isinstance(e.tag, str) and e.text
                  and e.text.strip()}
        assert not values & english, name
