"""Wrong codes, too-long names, characters outside DIN 91379 and missing mandatory parts are
rejected, each with the XPath of the place and a sentence a clerk can read. Both engines
(libxml2 and xmlschema) agree on every case."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from lxml import etree

from portal.adapters.xoev.mappers import map_input
from portal.adapters.xoev.model import Problem
from portal.adapters.xoev.schemas import MessageSchemas, parse
from portal.definitions.loader import Catalog
from tests.adapters.xoev.support import GOLDEN, SAMPLES, make_input

HST = "/ozg:hundesteuer.anmeldung.0101/hundesteuerAnmeldung"
WAN = "/ozg:meldewesen.anmeldung.0201/anmeldung"


def problems_for(catalog: Catalog, schemas: MessageSchemas, service_id: str,
                 change: Callable[[dict[str, Any]], None]) -> list[Problem]:
    answers = copy.deepcopy(SAMPLES[service_id])
    change(answers)
    xml = map_input(make_input(catalog, service_id, answers)).xml
    problems = schemas.validate(xml, catalog.codelists)
    schema_only = schemas.validate_with_xmlschema(xml)
    assert schemas.lxml_accepts(xml) == (schema_only == []), "engines disagree"
    return problems


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, problems
    return problems[0]


def test_code_not_in_the_code_list(catalog: Catalog, schemas: MessageSchemas) -> None:
    problem = only(problems_for(catalog, schemas, "hundesteuer-anmeldung",
                                lambda a: a["dogs"][1].update(breed="wolfshund_xl")))
    assert problem.xpath == f"{HST}/hund[2]/rasse"
    assert problem.reason == ("Der Code „wolfshund_xl“ ist in der Codeliste „Hunderasse“ "
                              "(Version 2026-02) nicht enthalten.")
    assert problem.line is not None


def test_code_of_an_xinneres_list_is_checked_too(catalog: Catalog,
                                                 schemas: MessageSchemas) -> None:
    problem = only(problems_for(catalog, schemas, "wohnsitz-anmeldung",
                                lambda a: a["persons"][2].update(sex="u")))
    assert problem.xpath == f"{WAN}/person[3]/geschlecht"
    assert "„u“" in problem.reason and "Geschlecht" in problem.reason


def test_nationality_outside_the_list(catalog: Catalog, schemas: MessageSchemas) -> None:
    problem = only(problems_for(catalog, schemas, "wohnsitz-anmeldung",
                                lambda a: a["persons"][0].update(nationalities=["000", "777"])))
    assert problem.xpath == f"{WAN}/person[1]/staatsangehoerigkeit[2]"
    assert "„777“" in problem.reason and "Staatsangehörigkeit" in problem.reason


def test_wrong_code_list_version(catalog: Catalog, schemas: MessageSchemas) -> None:
    xml = (GOLDEN / "hundesteuer.anmeldung.0101.xml").read_bytes()
    xml = xml.replace(b'listURI="urn:de:goslar:codeliste:hunderasse" listVersionID="2026-02"',
                      b'listURI="urn:de:goslar:codeliste:hunderasse" listVersionID="2019-01"', 1)
    problem = only(schemas.validate(xml, catalog.codelists))
    assert problem.xpath == f"{HST}/hund[1]/rasse"
    assert problem.reason == ("Die Codeliste „Hunderasse“ (urn:de:goslar:codeliste:hunderasse) "
                              "liegt im Portal in Version 2026-02 vor, die Nachricht nennt "
                              "Version 2019-01.")


def test_option_outside_the_enumeration(catalog: Catalog, schemas: MessageSchemas) -> None:
    problem = only(problems_for(catalog, schemas, "bewohnerparkausweis",
                                lambda a: a.update(validity_months="24")))
    assert problem.xpath == "/ozg:bewohnerparken.antrag.0301/bewohnerparkausweis/gueltigkeit/dauerMonate"
    assert problem.reason == "Der Wert „24“ ist nicht zulässig; erlaubt sind: 6, 12."


def test_dog_sex_is_a_code_of_its_list(catalog: Catalog, schemas: MessageSchemas) -> None:
    """XÖV code type 4 with listURI/listVersionID: no English word such as "male" is a value."""
    problem = only(problems_for(catalog, schemas, "hundesteuer-anmeldung",
                                lambda a: a["dogs"][0].update(sex="male")))
    assert problem.xpath == f"{HST}/hund[1]/geschlecht"
    assert problem.reason == ("Der Code „male“ ist in der Codeliste „Geschlecht des Hundes“ "
                              "(Version 2026-01) nicht enthalten.")


def test_a_family_name_with_digits_and_signs_is_refused_din_91379_datatype_a(
        catalog: Catalog, schemas: MessageSchemas) -> None:
    """Names of natural persons are DIN 91379 datatype A (XÖV string types): "Jürgen 2000 € §"
    is no family name, although every character is allowed in free text (datatype C)."""
    problem = only(problems_for(catalog, schemas, "bewohnerparkausweis",
                                lambda a: a["name"].update(family_name="Jürgen 2000 € §")))
    assert problem.xpath.endswith("/antragsteller/name/familienname")
    assert problem.reason.startswith("Enthält Zeichen, die in Namen natürlicher Personen nicht "
                                     "zulässig sind (DIN 91379 Datentyp A): ")
    assert all(f"„{c}“" in problem.reason for c in "20€§")
    # Free text (datatype C) keeps them: the keeper's company name, a remark.
    assert problems_for(catalog, schemas, "bewohnerparkausweis",
                        lambda a: a.update(keeper_name="Jürgen 2000 € § GmbH")) == []


def test_too_long_name(catalog: Catalog, schemas: MessageSchemas) -> None:
    problem = only(problems_for(catalog, schemas, "hundesteuer-anmeldung",
                                lambda a: a["name"].update(family_name="M" * 121)))
    assert problem.xpath == f"{HST}/halter/name/familienname"
    assert problem.reason == "Der Text ist zu lang: 121 Zeichen, erlaubt sind höchstens 120."


def test_too_long_street_of_a_meldeanschrift(catalog: Catalog, schemas: MessageSchemas) -> None:
    problem = only(problems_for(catalog, schemas, "wohnsitz-anmeldung",
                                lambda a: a["new_address"].update(street="Straße" * 10)))
    assert problem.xpath == f"{WAN}/neueWohnung/anschrift/strasse"
    assert "60 Zeichen, erlaubt sind höchstens 55" in problem.reason


@pytest.mark.parametrize(("text", "shown"), [
    ("Игорь", "„И“ (U+0418)"),
    ("Anna „Anni“", "„„“ (U+201E)"),
    ("Mia 😀", "„😀“ (U+1F600)"),
])
def test_characters_outside_din_91379(text: str, shown: str, catalog: Catalog,
                                      schemas: MessageSchemas) -> None:
    problem = only(problems_for(catalog, schemas, "wohnsitz-abmeldung",
                                lambda a: a["persons"][0]["name"].update(given_names=text)))
    assert problem.xpath == "/ozg:meldewesen.abmeldung.0203/abmeldung/person[1]/name/vornamen"
    assert problem.reason.startswith("Enthält Zeichen außerhalb von DIN 91379 (Datentyp C): ")
    assert shown in problem.reason


def test_combining_sequence_of_din_91379_is_accepted(catalog: Catalog,
                                                     schemas: MessageSchemas) -> None:
    # "L̥̄" is a normative sequence of datatype C, although its marks alone are not.
    assert problems_for(catalog, schemas, "wohnsitz-abmeldung",
                        lambda a: a["persons"][0]["name"].update(given_names="L\u0325\u0304a")) == []


def test_missing_mandatory_part(catalog: Catalog, schemas: MessageSchemas) -> None:
    problem = only(problems_for(catalog, schemas, "hundesteuer-anmeldung",
                                lambda a: a.pop("address")))
    assert problem.xpath == f"{HST}/halter"
    assert problem.reason == ("Pflichtangabe fehlt: „anschrift“ (vor „telefon“), oder die "
                              "Reihenfolge stimmt nicht.")


def test_missing_mandatory_part_at_the_end(catalog: Catalog, schemas: MessageSchemas) -> None:
    problem = only(problems_for(catalog, schemas, "bewohnerparkausweis",
                                lambda a: a.pop("start_date")))
    assert problem.xpath == "/ozg:bewohnerparken.antrag.0301/bewohnerparkausweis/gueltigkeit"
    assert problem.reason == "Pflichtangabe fehlt: „beginn“."


def test_missing_group(catalog: Catalog, schemas: MessageSchemas) -> None:
    problem = only(problems_for(catalog, schemas, "wohnsitz-abmeldung",
                                lambda a: a.pop("persons")))
    assert problem.xpath == "/ozg:meldewesen.abmeldung.0203/abmeldung"
    assert "„person“" in problem.reason


def test_missing_part_of_an_address(catalog: Catalog, schemas: MessageSchemas) -> None:
    problem = only(problems_for(catalog, schemas, "bewohnerparkausweis",
                                lambda a: a["address"].pop("postcode")))
    assert problem.xpath == \
        "/ozg:bewohnerparken.antrag.0301/bewohnerparkausweis/antragsteller/anschrift"
    assert problem.reason == ("Pflichtangabe fehlt: „postleitzahl“ (vor „strasse“), oder die "
                              "Reihenfolge stimmt nicht.")


def test_malformed_values_in_the_xml(catalog: Catalog, schemas: MessageSchemas) -> None:
    doc = parse((GOLDEN / "hundesteuer.anmeldung.0101.xml").read_bytes())
    head = "nachrichtenkopf/identifikation.nachricht/"
    doc.find(head + "erstellungszeitpunkt").text = "2026-11-20T09:41:08+01:00"  # type: ignore[union-attr]
    doc.find(head + "nachrichtenUUID").text = "not-a-uuid"  # type: ignore[union-attr]
    doc.find("hundesteuerAnmeldung/hund/gefaehrlichFestgestellt").text = "ja"  # type: ignore[union-attr]
    doc.find("hundesteuerAnmeldung/hund/transpondernummer").text = "27609810654321"  # type: ignore[union-attr]
    xml = etree.tostring(doc)
    reasons = {p.xpath.rsplit("/", 1)[-1]: p.reason for p in schemas.validate(xml, {})}
    assert reasons == {
        "erstellungszeitpunkt": "„2026-11-20T09:41:08+01:00“ hat nicht das erwartete Format: "
                                "Datum und Uhrzeit mit Millisekunden und Zeitzone, "
                                "z. B. 2026-11-20T10:15:30.123+01:00.",
        "nachrichtenUUID": "„not-a-uuid“ hat nicht das erwartete Format: eine UUID (RFC 4122, "
                           "Kleinbuchstaben).",
        "gefaehrlichFestgestellt": "„ja“ ist kein Wahrheitswert (true oder false).",
        "transpondernummer": "„27609810654321“ hat nicht das erwartete Format: 15 Ziffern.",
    }
    assert not schemas.lxml_accepts(xml)


def test_message_type_must_match_the_root(catalog: Catalog, schemas: MessageSchemas) -> None:
    xml = (GOLDEN / "hundesteuer.anmeldung.0101.xml").read_bytes()
    xml = xml.replace(b"<code>0101</code>", b"<code>0102</code>", 1)
    problem = only(schemas.validate(xml, catalog.codelists))
    assert problem.reason == ("Der Nachrichtentyp „0102“ passt nicht zur Nachricht "
                              "hundesteuer.anmeldung.0101.")


def test_unknown_element_and_missing_attribute(catalog: Catalog,
                                               schemas: MessageSchemas) -> None:
    xml = (GOLDEN / "bewohnerparken.antrag.0301.xml").read_bytes()
    xml = xml.replace(b"<kennzeichen>", b"<farbe>blau</farbe><kennzeichen>", 1)
    xml = xml.replace(b' listVersionID="2026-02"', b"", 1)
    found = {p.xpath.rsplit("/", 1)[-1]: p.reason
             for p in schemas.validate(xml, catalog.codelists)}
    assert found == {
        "fahrzeug": "Das Element „farbe“ ist hier nicht erlaubt; erwartet wird „kennzeichen“.",
        "verhaeltnisZumFahrzeug": "Das Pflichtattribut „listVersionID“ fehlt.",
    }


def test_not_well_formed(catalog: Catalog, schemas: MessageSchemas) -> None:
    problem = only(schemas.validate(b"<ozg:x xmlns:ozg='urn:x'><a></ozg:x>", catalog.codelists))
    assert problem.xpath == "/" and problem.reason.startswith("Die Datei ist kein wohlgeformtes")


def test_entities_are_not_expanded(catalog: Catalog, schemas: MessageSchemas) -> None:
    xml = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
           b'<x>&e;</x>')
    problems = schemas.validate(xml, catalog.codelists)
    assert problems and "passwd" not in " ".join(p.reason for p in problems)
