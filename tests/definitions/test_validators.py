"""Cross-field validators with a fixed `today`: BMG deadlines, dates in order, parking zones."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from portal.definitions.loader import load_catalog
from portal.definitions.municipality import Municipality, normalize_street
from portal.definitions.validators import (
    VALIDATORS,
    CheckContext,
    Findings,
    add_months,
    run_validators,
)

ROOT = Path(__file__).resolve().parents[2]
CATALOG = load_catalog(ROOT / "forms", ROOT / "municipalities" / "goslar.yaml")
GOSLAR: Municipality = CATALOG.municipality
TODAY = date(2026, 3, 27)
CTX = CheckContext(today=TODAY, municipality=GOSLAR)


def check(name: str, answers: dict[str, Any], **args: Any) -> Findings:
    return VALIDATORS[name](answers, args, CTX)


def service_validators(service_id: str) -> list[tuple[str, dict[str, Any]]]:
    return [(ref.name, ref.args) for ref in CATALOG.services[service_id].validators]


# --------------------------------------------------------------------------- § 17 (1) BMG


def test_move_in_within_two_weeks_is_on_time() -> None:
    found = check("bmg_move_in_deadline", {"move_in_date": "2026-03-20"}, field="move_in_date")
    assert found.errors == []
    assert len(found.notices) == 1
    assert "fristgerecht" in found.notices[0].text
    assert found.notices[0].params == {"date": "03.04.2026"}


def test_move_in_deadline_last_day_is_on_time() -> None:
    found = check("bmg_move_in_deadline", {"move_in_date": "2026-03-13"}, field="move_in_date")
    assert found.errors == []
    assert "fristgerecht" in found.notices[0].text
    assert found.notices[0].params == {"date": "27.03.2026"}


def test_move_in_today_is_allowed() -> None:
    found = check("bmg_move_in_deadline", {"move_in_date": "2026-03-27"}, field="move_in_date")
    assert found.errors == []


def test_late_registration_is_a_notice_not_an_error() -> None:
    found = check("bmg_move_in_deadline", {"move_in_date": "2026-03-12"}, field="move_in_date")
    assert found.errors == []
    assert len(found.notices) == 1
    assert "§ 17 Abs. 1" in found.notices[0].text and "§ 54 BMG" in found.notices[0].text
    assert found.notices[0].params == {"date": "26.03.2026"}


def test_registration_before_moving_in_is_an_error() -> None:
    found = check("bmg_move_in_deadline", {"move_in_date": "2026-03-28"}, field="move_in_date")
    assert [e.path for e in found.errors] == ["move_in_date"]
    assert found.errors[0].message.params == {"date": "28.03.2026"}
    assert found.notices == []


@pytest.mark.parametrize("value", [None, "", "27.03.2026", "2026-02-30", 20260327])
def test_move_in_without_a_usable_date_finds_nothing(value: Any) -> None:
    found = check("bmg_move_in_deadline", {"move_in_date": value}, field="move_in_date")
    assert found == Findings([], [])


def test_move_in_field_name_from_args() -> None:
    found = check("bmg_move_in_deadline", {"einzug": "2026-03-28"}, field="einzug")
    assert [e.path for e in found.errors] == ["einzug"]


# --------------------------------------------------------------------------- § 17 (2) BMG


def test_move_out_one_week_ahead_is_allowed() -> None:
    found = check("bmg_move_out_deadline", {"move_out_date": "2026-04-03"}, field="move_out_date")
    assert found == Findings([], [])


def test_move_out_more_than_one_week_ahead_is_an_error() -> None:
    found = check("bmg_move_out_deadline", {"move_out_date": "2026-04-04"}, field="move_out_date")
    assert [e.path for e in found.errors] == ["move_out_date"]
    assert "§ 17 Abs. 2 BMG" in found.errors[0].message.text
    assert found.errors[0].message.params == {"date": "28.03.2026"}


def test_move_out_last_day_is_on_time() -> None:
    found = check("bmg_move_out_deadline", {"move_out_date": "2026-03-13"}, field="move_out_date")
    assert found == Findings([], [])


def test_late_deregistration_is_a_notice() -> None:
    found = check("bmg_move_out_deadline", {"move_out_date": "2026-03-12"}, field="move_out_date")
    assert found.errors == []
    assert len(found.notices) == 1
    assert found.notices[0].params == {"date": "26.03.2026"}


def test_move_out_without_date_finds_nothing() -> None:
    assert check("bmg_move_out_deadline", {}, field="move_out_date") == Findings([], [])


# --------------------------------------------------------------------------- dates in order


def test_dates_in_order_in_a_group() -> None:
    answers = {"dogs": [
        {"birth_date": "2024-05-01", "keeping_since": "2026-03-01"},
        {"birth_date": "2025-06-01", "keeping_since": "2025-01-01"},
        {"birth_date": "2025-06-01"},
    ]}
    found = check("dates_in_order", answers, group="dogs", earlier="birth_date",
                  later="keeping_since")
    assert [e.path for e in found.errors] == ["dogs.1.keeping_since"]
    assert found.errors[0].message.params == {"date": "01.06.2025"}


def test_dates_in_order_same_day_is_fine() -> None:
    answers = {"dogs": [{"birth_date": "2026-03-01", "keeping_since": "2026-03-01"}]}
    assert check("dates_in_order", answers, group="dogs", earlier="birth_date",
                 later="keeping_since").errors == []


def test_dates_in_order_top_level() -> None:
    found = check("dates_in_order", {"start": "2026-04-01", "end": "2026-03-01"},
                  earlier="start", later="end")
    assert [e.path for e in found.errors] == ["end"]


# --------------------------------------------------------------------------- parking zones


def address(street: str, postcode: str = "38640") -> dict[str, Any]:
    return {"address": {"street": street, "house_number": "1", "postcode": postcode,
                        "town": "Goslar"}}


@pytest.mark.parametrize(("street", "zone"), [
    ("Marktstraße", "A"),
    ("Marktstr.", "A"),
    ("marktstrasse", "A"),
    ("Breite Straße", "B"),
    ("Frankenberger Str.", "C"),
    ("Hoher Weg", "D"),
    ("  Hoher   Weg ", "D"),
])
def test_street_in_a_zone(street: str, zone: str) -> None:
    found = check("parking_zone", address(street), field="address")
    assert found.errors == []
    assert len(found.notices) == 1
    assert str(found.notices[0].params["zone"]).startswith(f"{zone} – ")


def test_street_outside_every_zone() -> None:
    found = check("parking_zone", address("Klubgartenstraße"), field="address")
    assert [e.path for e in found.errors] == ["address.street"]
    assert found.errors[0].message.params == {"street": "Klubgartenstraße"}


def test_postcode_outside_goslar() -> None:
    found = check("parking_zone", address("Marktstraße", postcode="38100"), field="address")
    assert [e.path for e in found.errors] == ["address.postcode"]
    assert found.errors[0].message.params == {"town": "Goslar"}


def test_parking_zone_without_address_finds_nothing() -> None:
    assert check("parking_zone", {}, field="address") == Findings([], [])
    assert check("parking_zone", {"address": {"street": ""}}, field="address") == Findings([], [])


def test_new_address_must_be_in_the_municipality() -> None:
    outside = {"new_address": {"street": "Bohlweg", "house_number": "1", "postcode": "38100",
                               "town": "Braunschweig"}}
    found = check("address_in_municipality", outside, field="new_address")
    assert [e.path for e in found.errors] == ["new_address.postcode"]
    assert found.errors[0].message.params == {"postcode": "38100", "town": "Goslar"}
    inside = {"new_address": {**outside["new_address"], "postcode": "38640", "town": "Goslar"}}
    assert check("address_in_municipality", inside, field="new_address") == Findings([], [])


def test_street_normalisation() -> None:
    assert normalize_street("Frankenberger Str.") == normalize_street("Frankenberger Straße")
    assert normalize_street("Glockengießerstraße") == "glockengiesserstrasse"
    assert GOSLAR.parking_zone_for("Petersilienstr.") is not None


# ----------------------------------------------------------------- the definitions' references


def test_anmeldung_validators() -> None:
    names = [name for name, _args in service_validators("wohnsitz-anmeldung")]
    assert names == ["bmg_move_in_deadline", "address_in_municipality", "registered_persons",
                     "partners_consistent", "dwelling_statuses", "one_answer_of",
                     "dates_in_order", "required_answer"]
    found = run_validators(service_validators("wohnsitz-anmeldung"),
                           {"move_in_date": "2026-03-28"}, CTX)
    assert [e.path for e in found.errors] == ["move_in_date"]
    assert run_validators(service_validators("wohnsitz-ummeldung"),
                          {"move_in_date": "2026-03-20"}, CTX).errors == []


def test_abmeldung_validators() -> None:
    refs = service_validators("wohnsitz-abmeldung")
    assert [name for name, _args in refs] == ["bmg_move_out_deadline", "address_in_municipality",
                                               "address_in_municipality", "registered_persons"]
    assert run_validators(refs, {"move_out_date": "2026-04-10"}, CTX).errors


def test_hundesteuer_validators() -> None:
    refs = service_validators("hundesteuer-anmeldung")
    found = run_validators(refs, {"dogs": [{"birth_date": "2026-03-01",
                                            "keeping_since": "2026-02-01"}]}, CTX)
    assert [e.path for e in found.errors] == ["dogs.0.keeping_since"]


def test_transponder_required_for_a_dog_older_than_six_months_section_4_nhundg() -> None:
    """§ 4 Satz 1 NHundG: a dog older than six months is marked with a transponder; its number
    is required then, and optional for a younger puppy."""
    refs = service_validators("hundesteuer-anmeldung")
    assert ("transponder_after_months", {"group": "dogs", "birth": "birth_date",
                                         "chip": "chip", "months": 6}) in refs
    old = {"birth_date": "2025-09-26", "keeping_since": "2026-03-01"}  # 6 months + 1 day
    young = {"birth_date": "2025-09-27", "keeping_since": "2026-03-01"}  # exactly 6 months
    found = run_validators(refs, {"dogs": [old, young]}, CTX)
    assert [e.path for e in found.errors] == ["dogs.0.chip"]
    assert "§ 4 Satz 1 NHundG" in found.errors[0].message.text
    chipped = dict(old, chip="276098100123456")
    assert run_validators(refs, {"dogs": [chipped, young]}, CTX).errors == []


def test_add_months_keeps_the_day_or_takes_the_months_last() -> None:
    assert add_months(date(2025, 8, 31), 6) == date(2026, 2, 28)
    assert add_months(date(2025, 9, 27), 6) == date(2026, 3, 27)
    assert add_months(date(2024, 11, 30), 3) == date(2025, 2, 28)


def test_parking_permit_validators() -> None:
    refs = service_validators("bewohnerparkausweis")
    assert ("parking_zone", {"field": "address"}) in refs
    assert ("address_in_municipality", {"field": "address"}) in refs
    found = run_validators(refs, address("Bäckerstraße"), CTX)
    assert found.errors == [] and len(found.notices) == 1
    assert run_validators(refs, address("Rammelsberger Straße"), CTX).errors


def test_parking_address_without_eid_is_flagged_for_the_back_office() -> None:
    """Bewohnerparkausweis: main residence in the zone (§ 45 Abs. 1b Satz 1 Nr. 2a StVO). At
    trust level 4 the eID address is used and locked; otherwise a notice with the code
    'unverified:address' tells the back office to check the population register."""
    refs = service_validators("bewohnerparkausweis")
    answers = address("Bäckerstraße")
    unverified = run_validators(refs, answers, CheckContext(TODAY, GOSLAR, frozenset()))
    codes = [n.code for n in unverified.notices]
    assert codes.count("unverified:address") == 1
    verified = run_validators(refs, answers, CheckContext(TODAY, GOSLAR, frozenset({"address"})))
    assert "unverified:address" not in [n.code for n in verified.notices]
    # Without knowing the identity (e.g. a bare definition check) nothing is claimed.
    assert "unverified:address" not in [n.code for n in run_validators(refs, answers, CTX).notices]


def test_dog_deregistration_needs_the_transponder_or_the_tax_reference() -> None:
    """Goslar identifies dogs by their transponder number since January 2023 (no tax tags):
    the deregistration names the chip or the Kassenzeichen."""
    refs = service_validators("hundesteuer-abmeldung")
    assert [e.path for e in run_validators(refs, {}, CTX).errors] == ["chip"]
    assert run_validators(refs, {"chip": "276098100000042"}, CTX).errors == []
    assert run_validators(refs, {"tax_reference": "4711.0815"}, CTX).errors == []
