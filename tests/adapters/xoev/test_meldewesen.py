"""What the registration office receives (issue #10): the messages of a complete family
Anmeldung, an Ummeldung and an Abmeldung abroad validate and carry every data item – the
identification of the person who registered, the Meldeschein items of § 3 Abs. 1 BMG per person
as § 9 BMeldDigiV lists them, the relations between the persons, the dwellings with their
municipality keys, objections and the landlord's confirmation."""

from __future__ import annotations

import copy

from lxml import etree

from portal.adapters.xoev.mappers import decode_message, map_input
from portal.adapters.xoev.model import AUTH_METHOD_LIST
from portal.adapters.xoev.schemas import MessageSchemas, parse
from portal.definitions.loader import Catalog
from tests.adapters.xoev.support import IDENTIFICATION, SAMPLES, make_input


def message(catalog: Catalog, schemas: MessageSchemas, service_id: str,
            answers: dict[str, object] | None = None) -> etree._Element:
    mapped = map_input(make_input(catalog, service_id, answers))
    assert mapped.unmapped == ()
    assert schemas.validate(mapped.xml, catalog.codelists) == []
    return parse(mapped.xml)


def text(doc: etree._Element, path: str) -> str | None:
    return doc.findtext(path)


def codes(doc: etree._Element, path: str) -> list[str]:
    return [e.findtext("code") or "" for e in doc.findall(path)]


def test_identification_of_the_registering_person_par_4_bmelddigiv(
        catalog: Catalog, schemas: MessageSchemas) -> None:
    """§ 4 BMeldDigiV: eID at level "hoch"; the message names method, level, the pseudonymous
    BundID identifier, the time and the data the eID delivered."""
    for service_id, body in (("wohnsitz-anmeldung", "anmeldung"),
                             ("wohnsitz-ummeldung", "ummeldung"),
                             ("wohnsitz-abmeldung", "abmeldung")):
        doc = message(catalog, schemas, service_id)
        ident = f"{body}/identifikation"
        assert codes(doc, f"{ident}/verfahren") == ["01"]  # BundID, as in the header
        method = doc.find(f"{ident}/verfahren")
        assert method is not None and method.get("listURI") == AUTH_METHOD_LIST
        assert text(doc, f"{ident}/vertrauensniveau") == "4"
        assert text(doc, f"{ident}/pseudonym") == IDENTIFICATION["pseudonym"]
        assert text(doc, f"{ident}/zeitpunkt") == "2026-11-20T09:30:12.500+01:00"
        assert text(doc, f"{ident}/ausweisdaten/name/familienname") == "Kowalski-Schäfer"
        assert text(doc, f"{ident}/ausweisdaten/anschrift/gemeindeschluessel/code") == "06412000"
        decoded = decode_message(doc)
        assert decoded.identification is not None
        assert decoded.identification["pseudonym"] == IDENTIFICATION["pseudonym"]
        assert decoded.identification["method"] == "bundid"
        assert decoded.identification["verified"]["birth_date"] == "1988-02-29"


def test_registration_without_identification_is_rejected(catalog: Catalog,
                                                        schemas: MessageSchemas) -> None:
    mapped = map_input(make_input(catalog, "wohnsitz-anmeldung", identification=None))
    problems = schemas.validate(mapped.xml, catalog.codelists)
    assert problems and "identifikation" in problems[0].reason


def test_family_anmeldung_carries_every_item(catalog: Catalog, schemas: MessageSchemas) -> None:
    """Done when: two adults married to each other, one child, a second home kept, an
    objection declared, a paper landlord confirmation (§§ 3, 19, 21, 22, 23 Abs. 5 BMG)."""
    doc = message(catalog, schemas, "wohnsitz-anmeldung")
    a = "anmeldung"
    assert codes(doc, f"{a}/meldefall") == ["SELBST"]
    assert text(doc, f"{a}/bisherigeWohnung/imInland") == "true"
    assert text(doc, f"{a}/bisherigeWohnung/anschrift/gemeindeschluessel/code") == "06412000"
    assert text(doc, f"{a}/neueWohnung/anschrift/gemeindeschluessel/code") == "03153017"
    assert text(doc, f"{a}/neueWohnung/einzugsdatum") == "2026-11-12"
    assert text(doc, f"{a}/weitereWohnungen/vorhanden") == "true"
    assert text(doc, f"{a}/weitereWohnungen/wohnung/anschrift/gemeindeschluessel/code") == \
        "11000000"
    assert codes(doc, f"{a}/weitereWohnungen/wohnung/wohnungsstatus") == ["NW"]
    p1, p2, p3 = (f"{a}/person[{i}]" for i in (1, 2, 3))
    assert [codes(doc, f"{p}/beziehung")[0] for p in (p1, p2, p3)] == ["S", "E", "K"]
    # Name items (§ 3 Abs. 1 Nr. 1 to 5 BMG)
    assert text(doc, f"{p1}/namen/gebraeuchlicherVorname") == "Łukasz"
    assert text(doc, f"{p1}/namen/doktorgrad") == "Dr."
    assert text(doc, f"{p2}/namen/name/geburtsname") == "Schäfer"
    assert text(doc, f"{p2}/namen/kuenstlername") == "Anna Fjord"
    # Birth, sex, nationalities, religion (Nr. 6, 7, 10, 11)
    assert text(doc, f"{p1}/geburt/ort") == "Kraków"
    assert codes(doc, f"{p1}/geburt/staat") == ["152"]
    assert codes(doc, f"{p1}/geschlecht") == ["m"]
    assert codes(doc, f"{p1}/staatsangehoerigkeit") == ["000", "152"]
    assert codes(doc, f"{p2}/religionszugehoerigkeit/religionsgesellschaft") == ["lt"]
    # Marital status with marriage and the link between the spouses (Nr. 14, 15)
    for p, partner in ((p1, "2"), (p2, "1")):
        assert codes(doc, f"{p}/familienstand/familienstand") == ["VH"]
        assert text(doc, f"{p}/familienstand/eheschliessung/datum") == "2016-06-18"
        assert text(doc, f"{p}/familienstand/ehegatteLebenspartner") == partner
    assert doc.find(f"{p3}/familienstand/ehegatteLebenspartner") is None
    # The child's legal representatives (Nr. 9): both parents on the form, by reference
    assert [e.text for e in doc.findall(f"{p3}/gesetzlicheVertretung/vertreter")] == ["1", "2"]
    assert doc.find(f"{p1}/gesetzlicheVertretung") is None
    # Dwelling status per person (§§ 21, 22), identity document (Nr. 17), objections
    assert [codes(doc, f"{p}/wohnungsstatus")[0] for p in (p1, p2, p3)] == ["HW"] * 3
    assert codes(doc, f"{p3}/ausweisdokument/art") == ["KRP"]
    assert text(doc, f"{p1}/ausweisdokument/seriennummer") == "L01X00T47"
    assert text(doc, f"{p1}/ausweisdokument/gueltigBis") == "2033-04-02"
    assert codes(doc, f"{p1}/datenuebermittlungssperre") == ["36-2"]
    # Landlord confirmation on paper (§ 19 Abs. 3 BMG)
    w = f"{a}/wohnungsgeberbestaetigung"
    assert codes(doc, f"{w}/art") == ["SCHRIFTLICH"]
    assert text(doc, f"{w}/wohnungsgeber/name") == "Helga Brandes"
    assert text(doc, f"{w}/wohnungsgeber/anschrift/strasse") == "Rosentorstraße"
    assert text(doc, f"{w}/wohnungsgeber/istEigentuemer") == "false"
    assert text(doc, f"{w}/eigentuemer/name") == "Goslarer Wohnstättengesellschaft mbH"
    assert text(doc, f"{w}/eigentuemer/anschrift/strasse") == "Im Schleeke"
    assert text(doc, f"{w}/einzugsdatum") == "2026-11-12"
    assert text(doc, f"{w}/vollstaendig") == "true"
    assert text(doc, f"{w}/bestaetigung/dateiname") == "Wohnungsgeberbestaetigung.jpg"


def test_ummeldung_carries_every_item(catalog: Catalog, schemas: MessageSchemas) -> None:
    """An Ummeldung within the town: both homes in Goslar with its key; a parent and a child
    whose other parent lives elsewhere (§ 3 Abs. 1 Nr. 9 BMG) with that parent's data."""
    doc = message(catalog, schemas, "wohnsitz-ummeldung")
    u = "ummeldung"
    assert text(doc, f"{u}/bisherigeWohnung/anschrift/gemeindeschluessel/code") == "03153017"
    assert text(doc, f"{u}/neueWohnung/anschrift/gemeindeschluessel/code") == "03153017"
    assert text(doc, f"{u}/weitereWohnungen/vorhanden") == "false"
    child = f"{u}/person[2]"
    assert text(doc, f"{child}/gesetzlicheVertretung/meldendePerson") == "true"
    assert [e.text for e in doc.findall(f"{child}/gesetzlicheVertretung/vertreter")] == ["1"]
    other = f"{child}/gesetzlicheVertretung/weitererVertreter"
    assert text(doc, f"{other}/name/familienname") == "Demir"
    assert text(doc, f"{other}/geburtsdatum") == "1978-04-02"
    assert codes(doc, f"{other}/geschlecht") == ["w"]
    assert text(doc, f"{other}/anschrift/gemeindeschluessel/code") == "03101000"
    assert codes(doc, f"{child}/datenuebermittlungssperre") == ["50-2", "50-3"]
    assert codes(doc, f"{child}/ausweisdokument/art") == ["KEIN"]
    assert codes(doc, f"{u}/wohnungsgeberbestaetigung/art") == ["ELEKTRONISCH"]
    assert text(doc, f"{u}/wohnungsgeberbestaetigung/zuordnungsmerkmal") == "WGB-2026-11-A7Q3"


def test_abmeldung_abroad_carries_every_item(catalog: Catalog, schemas: MessageSchemas) -> None:
    """§ 17 Abs. 2 BMG, § 3 Abs. 1 Nr. 12 BMG: the home given up (with the town's key), the new
    address abroad with its state, the move-out date and the persons who move."""
    doc = message(catalog, schemas, "wohnsitz-abmeldung")
    b = "abmeldung"
    assert codes(doc, f"{b}/grund") == ["AUSLAND"]
    assert text(doc, f"{b}/auszugsdatum") == "2026-11-25"
    assert text(doc, f"{b}/aufgegebeneWohnung/gemeindeschluessel/code") == "03153017"
    assert codes(doc, f"{b}/neueAnschriftAusland/staat") == ["124"]
    assert text(doc, f"{b}/neueAnschriftAusland/ort") == "Bruxelles"
    assert [codes(doc, f"{b}/person[{i}]/beziehung")[0] for i in (1, 2)] == ["S", "K"]
    assert text(doc, f"{b}/person[2]/geburtsdatum") == "2020-02-14"


def test_address_outside_every_known_municipality_gets_no_key(catalog: Catalog,
                                                             schemas: MessageSchemas) -> None:
    """The municipality key is never guessed: Goslar's only for a Goslar address, another
    town's from the Gemeindeverzeichnis extract, none for a postcode it does not know."""
    answers = copy.deepcopy(SAMPLES["wohnsitz-anmeldung"])
    answers["other_dwellings"][0]["address"] = {"street": "Dorfstraße", "house_number": "1",
                                                "postcode": "99999", "town": "Irgendwo"}
    doc = message(catalog, schemas, "wohnsitz-anmeldung", answers)
    wohnung = doc.find("anmeldung/weitereWohnungen/wohnung/anschrift")
    assert wohnung is not None and wohnung.find("gemeindeschluessel") is None
