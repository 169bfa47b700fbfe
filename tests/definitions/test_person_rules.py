"""The rules of a residence registration, as the service definitions configure them: who may be
registered along, spouses and children, dwellings, landlord confirmation, addresses in the
municipality and the cases the online service sends to the office. Each test names its source.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from portal.definitions.exclusions import exclusion_errors, exclusions_hit
from portal.definitions.loader import Catalog, load_catalog
from portal.definitions.messages import FieldError
from portal.definitions.places import Places, StreetDirectory, StreetEntry
from portal.definitions.validators import CheckContext, run_validators
from tests.adapters.xoev.support import FAMILY, SAMPLES

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 20)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(ROOT / "forms", ROOT / "municipalities" / "goslar.yaml")


def errors(catalog: Catalog, service_id: str, answers: Mapping[str, Any]) -> list[FieldError]:
    service = catalog.services[service_id]
    found = run_validators([(v.name, v.args) for v in service.validators], answers,
                           CheckContext(TODAY, catalog.municipality))
    return found.errors + exclusion_errors(service, answers)


def paths(found: list[FieldError]) -> list[str]:
    return [e.path for e in found]


def family(**changes: Any) -> dict[str, Any]:
    answers = copy.deepcopy(FAMILY)
    answers.update(changes)
    return answers


def test_complete_family_registration_passes_every_rule(catalog: Catalog) -> None:
    """§ 23 Abs. 5 BMG: spouses and minor children with the same move use one Meldeschein."""
    assert errors(catalog, "wohnsitz-anmeldung", FAMILY) == []
    assert errors(catalog, "wohnsitz-ummeldung", SAMPLES["wohnsitz-ummeldung"]) == []
    assert errors(catalog, "wohnsitz-abmeldung", SAMPLES["wohnsitz-abmeldung"]) == []


def test_other_adults_register_themselves_par_17_abs_1_bmg(catalog: Catalog) -> None:
    """§ 17 Abs. 1, § 23 Abs. 5 BMG: only spouse/partner and minor children are registered
    along; any other adult gets a clear message to register themselves."""
    answers = family()
    answers["persons"][1]["relationship"] = "A"
    found = errors(catalog, "wohnsitz-anmeldung", answers)
    assert "persons.1.relationship" in paths(found)
    text = next(e for e in found if e.path == "persons.1.relationship").message.text
    assert "Andere Erwachsene müssen sich selbst anmelden" in text and "§ 17 Abs. 1 BMG" in text


def test_adult_child_registers_itself_par_17_abs_1_bmg(catalog: Catalog) -> None:
    """§ 17 Abs. 1 BMG: a child who is of age on the move-in date registers themselves."""
    answers = family()
    answers["persons"][2]["birth_date"] = "2008-11-01"  # 18 on 12.11.2026
    found = errors(catalog, "wohnsitz-anmeldung", answers)
    assert "persons.2.birth_date" in paths(found)


def test_parent_registers_only_a_child_under_16_par_17_abs_3_bmg(catalog: Catalog) -> None:
    """§ 17 Abs. 3 Satz 1 BMG: whoever a person under 16 moves in with registers them – the
    parent need not move and need not be on the form (the old "exactly one applicant" rule
    blocked this)."""
    child = copy.deepcopy(FAMILY["persons"][2]) | {"rep_partner": False}
    answers = family(registration_for="KIND", persons=[child])
    assert errors(catalog, "wohnsitz-anmeldung", answers) == []
    too_old = copy.deepcopy(child) | {"birth_date": "2010-01-01"}  # 16 on the move-in date
    found = errors(catalog, "wohnsitz-anmeldung", family(registration_for="KIND",
                                                          persons=[too_old]))
    assert paths(found) == ["persons.0.birth_date"]
    assert "§ 17 Abs. 3 BMG" in found[0].message.text
    adult = copy.deepcopy(FAMILY["persons"][1])
    found = errors(catalog, "wohnsitz-anmeldung", family(registration_for="KIND",
                                                          persons=[adult, child]))
    assert paths(found) == ["persons.0.relationship"]


def test_one_spouse_or_partner_per_registration_par_23_abs_5_bmg(catalog: Catalog) -> None:
    answers = family()
    second = copy.deepcopy(answers["persons"][1]) | {"relationship": "L"}
    answers["persons"].append(second)
    assert "persons.3.relationship" in paths(errors(catalog, "wohnsitz-anmeldung", answers))


def test_spouses_share_marital_status_and_marriage_par_3_abs_1_nr_14_15_bmg(
        catalog: Catalog) -> None:
    """§ 3 Abs. 1 Nr. 14, 15 BMG: marital status with date, place and state of the marriage,
    and the link to the spouse – both partners tell the same."""
    answers = family()
    answers["persons"][1]["marital_status"] = "LD"
    assert "persons.1.marital_status" in paths(errors(catalog, "wohnsitz-anmeldung", answers))
    answers = family()
    answers["persons"][1]["marriage_place"] = "Goslar"
    assert paths(errors(catalog, "wohnsitz-anmeldung", answers)) == ["persons.1.marriage_place"]


def test_dwelling_status_fits_the_other_dwellings_par_21_bmg(catalog: Catalog) -> None:
    """§ 21 BMG: with other homes the new one is main or secondary; a secondary residence needs
    exactly one main residence among the others; a main residence allows no other."""
    sole = family()
    for person in sole["persons"]:
        person["housing_status"] = "AW"
    found = paths(errors(catalog, "wohnsitz-anmeldung", sole))
    assert found == ["persons.0.housing_status", "persons.1.housing_status",
                     "persons.2.housing_status"]
    secondary = family()
    for person in secondary["persons"]:
        person["housing_status"] = "NW"
    assert "persons.0.housing_status" in paths(errors(catalog, "wohnsitz-anmeldung", secondary))
    secondary["other_dwellings"][0]["status"] = "HW"
    assert errors(catalog, "wohnsitz-anmeldung", secondary) == []
    no_others = family(has_other_dwellings=False)
    no_others.pop("other_dwellings")
    assert "persons.0.housing_status" in paths(errors(catalog, "wohnsitz-anmeldung", no_others))


def test_family_shares_the_main_residence_par_22_bmg(catalog: Catalog) -> None:
    """§ 22 Abs. 1 and 2 BMG: the main residence of spouses and minor children is the family's
    predominantly used home – the same status as the person registering."""
    answers = family()
    answers["other_dwellings"][0]["status"] = "HW"
    answers["persons"][2]["housing_status"] = "NW"  # child's status differs from person 1 (HW)
    found = errors(catalog, "wohnsitz-anmeldung", answers)
    assert "persons.2.housing_status" in paths(found)
    assert any("§ 22 Abs. 1 und 2 BMG" in e.message.text for e in found)


def test_minor_needs_a_legal_representative_par_3_abs_1_nr_9_bmg(catalog: Catalog) -> None:
    """§ 3 Abs. 1 Nr. 9 BMG: the register holds each minor's legal representatives."""
    answers = family()
    answers["persons"][2].update(rep_registrant=False, rep_partner=False, rep_other=False)
    found = errors(catalog, "wohnsitz-anmeldung", answers)
    assert paths(found) == ["persons.2.rep_other"]
    assert "§ 3 Abs. 1 Nr. 9 BMG" in found[0].message.params["reason"]["de"]  # type: ignore[index]
    answers["persons"].pop(1)  # no spouse on the form: "the spouse represents" cannot be
    answers["persons"][0]["marital_status"] = "LD"
    for key in ("marriage_date", "marriage_place", "marriage_country"):
        answers["persons"][0].pop(key)
    answers["persons"][1].update(rep_registrant=True, rep_partner=True)
    assert paths(errors(catalog, "wohnsitz-anmeldung", answers)) == ["persons.1.rep_partner"]


def test_landlord_confirmation_names_everyone_par_19_abs_3_bmg(catalog: Catalog) -> None:
    """§ 19 Abs. 3 BMG: the confirmation gives landlord (name and address), owner if different,
    move-in date, address and the names of everyone registering."""
    found = errors(catalog, "wohnsitz-anmeldung", family(landlord_confirmation_complete=False))
    assert paths(found) == ["landlord_confirmation_complete"]
    assert "§ 19 Abs. 3 BMG" in found[0].message.params["reason"]["de"]  # type: ignore[index]
    service = catalog.services["wohnsitz-anmeldung"]
    landlord = service.step("landlord")
    assert landlord is not None
    required = {f.id for f in landlord.fields if f.required or f.required_if}
    assert {"landlord_name", "landlord_address", "landlord_is_owner", "owner_name",
            "landlord_confirmed_move_in", "landlord_confirmation_upload",
            "landlord_reference"} <= required


def test_no_move_out_confirmation_for_abmeldung_par_19_abs_1_bmg(catalog: Catalog) -> None:
    """§ 19 Abs. 1 BMG as amended by Art. 2 G v. 11.10.2016 (BGBl. I S. 2218, in force since
    1.11.2016) asks the landlord to confirm the move-in only: the Abmeldung has no landlord
    confirmation."""
    service = catalog.services["wohnsitz-abmeldung"]
    ids = {f.id for f in service.all_fields()}
    assert not {i for i in ids if i.startswith(("landlord", "owner"))}


def test_move_from_abroad_is_not_online_par_23a_bmg(catalog: Catalog) -> None:
    """§ 23a BMG: the electronic registration takes the data from the previous (domestic)
    registration office, so a move from abroad or from no home ends the online path."""
    service = catalog.services["wohnsitz-anmeldung"]
    answers = family(previous_home_in_germany=False)
    assert [e.id for e in exclusions_hit(service, answers)] == ["not_from_germany"]
    found = [e for e in errors(catalog, "wohnsitz-anmeldung", answers)
             if e.path == "previous_home_in_germany"]
    assert found and "§ 23a BMG" in found[0].message.params["reason"]["de"]  # type: ignore[index]


def test_carers_register_at_the_office_par_17_abs_3_satz_3_bmg(catalog: Catalog) -> None:
    """§ 17 Abs. 3 Satz 3 BMG: a carer registers the person in their care; the appointment is
    checked in person."""
    for service_id in ("wohnsitz-anmeldung", "wohnsitz-ummeldung", "wohnsitz-abmeldung"):
        service = catalog.services[service_id]
        assert [e.id for e in exclusions_hit(service, {"registration_for": "BETREUUNG"})] == \
            ["carer"]


def test_new_and_old_home_lie_in_goslar_par_17_abs_1_bmg(catalog: Catalog) -> None:
    """§ 17 Abs. 1 BMG: register with the office of the place you move to – Goslar only for a
    home in Goslar; the Ummeldung is for moves within the town."""
    outside = {"street": "Bohlweg", "house_number": "1", "postcode": "38100",
               "town": "Braunschweig"}
    found = errors(catalog, "wohnsitz-anmeldung", family(new_address=outside))
    assert paths(found) == ["new_address.postcode"]
    hint = found[0].message.params["hint"]
    assert isinstance(hint, Mapping) and "Bitte melden Sie sich bei der Meldebehörde" in hint["de"]
    ummeldung = copy.deepcopy(SAMPLES["wohnsitz-ummeldung"])
    ummeldung["previous_address"] = outside
    assert paths(errors(catalog, "wohnsitz-ummeldung", ummeldung)) == \
        ["previous_address.postcode"]


def test_street_directory_decides_when_the_municipality_has_one(catalog: Catalog) -> None:
    """The municipality's own street directory: a Goslar postcode with a street the town does
    not have is not in Goslar – and gets no AGS."""
    directory = StreetDirectory(source="test", version="1", streets=[
        StreetEntry(name="Breite Straße", postcodes=["38640"]),
        StreetEntry(name="Marktstraße", postcodes=["38640"])])
    places = Places.build("03153017", ["38640", "38642"], None, directory)
    assert places.in_municipality({"street": "Breite Str.", "postcode": "38640"}) is True
    assert places.in_municipality({"street": "Gibtsnichtweg", "postcode": "38640"}) is False
    assert places.ags_for({"street": "Gibtsnichtweg", "postcode": "38640"}) is None
    assert places.in_municipality({"street": "Marktstraße", "postcode": "38642"}) is False
    municipality = catalog.municipality.model_copy().with_places(places)
    service = catalog.services["wohnsitz-anmeldung"]
    found = run_validators([(v.name, v.args) for v in service.validators],
                           family(new_address={"street": "Gibtsnichtweg", "house_number": "1",
                                               "postcode": "38640", "town": "Goslar"}),
                           CheckContext(TODAY, municipality))
    assert paths(found.errors) == ["new_address.street"]


def test_ags_only_for_addresses_in_the_municipality(catalog: Catalog) -> None:
    """The own AGS only for an address that lies in the town; others get the AGS of their
    municipality from the Gemeindeverzeichnis extract, or none."""
    places = catalog.municipality.places
    assert places.ags_for({"street": "Breite Straße", "postcode": "38640"}) == "03153017"
    assert places.ags_for({"street": "Kaiserstraße", "postcode": "60311"}) == "06412000"
    assert places.ags_for({"street": "Bohlweg", "postcode": "38100"}) == "03101000"
    assert places.ags_for({"street": "Hauptstraße", "postcode": "99999"}) is None
    # A postcode two municipalities share is not in the table (12529 Berlin/Schönefeld).
    assert places.ags_for({"street": "Am Seegraben", "postcode": "12529"}) is None


def test_postcode_table_and_ags_code_list_agree(catalog: Catalog) -> None:
    table_keys = set(catalog.municipality.places.postcode_ags.values())
    assert table_keys <= set(catalog.codelists["ags"].codes())
    assert set(catalog.municipality.postcodes) == {
        p for p, k in catalog.municipality.places.postcode_ags.items() if k == "03153017"}


def test_dog_tax_and_parking_addresses_lie_in_goslar(catalog: Catalog) -> None:
    """The generic address check also serves the dog tax (the town taxes dogs kept in its
    area, its bylaw under the state's KAG) and the resident parking permit (main residence in
    a zone of the town): an address outside Goslar is named at its postcode."""
    outside = {"street": "Bohlweg", "house_number": "1", "postcode": "38100",
               "town": "Braunschweig"}
    for service_id in ("hundesteuer-anmeldung", "hundesteuer-abmeldung", "bewohnerparkausweis"):
        assert "address.postcode" in paths(errors(catalog, service_id, {"address": outside}))
        inside = outside | {"street": "Bäckerstraße", "postcode": "38640", "town": "Goslar"}
        assert "address.postcode" not in paths(errors(catalog, service_id, {"address": inside}))
