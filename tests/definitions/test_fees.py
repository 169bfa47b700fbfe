"""Fee rules with Goslar's tariffs (bylaw data from municipalities/goslar.yaml)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from portal.definitions.fees import FEE_RULES, REQUIRED_TARIFF_KEYS, compute_fee
from portal.definitions.loader import Catalog, load_catalog
from portal.definitions.model import FeeRule
from portal.definitions.municipality import Municipality

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(ROOT / "forms", ROOT / "municipalities" / "goslar.yaml")


@pytest.fixture(scope="module")
def goslar(catalog: Catalog) -> Municipality:
    return catalog.municipality


@pytest.fixture(scope="module")
def dog_rule(catalog: Catalog) -> FeeRule:
    service = catalog.services["hundesteuer-anmeldung"]
    assert service.fee is not None
    return service.fee


@pytest.fixture(scope="module")
def parking_rule(catalog: Catalog) -> FeeRule:
    service = catalog.services["bewohnerparkausweis"]
    assert service.fee is not None
    return service.fee


def dogs(*names: str, dangerous: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    return [{"name": n, "dangerous": n in dangerous} for n in names]


# --------------------------------------------------------------------------- dog tax


@pytest.mark.parametrize(
    ("answers", "amount"),
    [
        ({"dogs": dogs("Bello"), "dogs_already_taxed": 0}, "132.00"),
        ({"dogs": dogs("Bello", "Luna"), "dogs_already_taxed": 0}, "324.00"),
        ({"dogs": dogs("Bello", "Luna", "Rex"), "dogs_already_taxed": 0}, "540.00"),
        ({"dogs": dogs("Bello", "Luna", "Rex", "Kira"), "dogs_already_taxed": 0}, "756.00"),
        ({"dogs": dogs("Luna"), "dogs_already_taxed": 1}, "192.00"),
        ({"dogs": dogs("Luna"), "dogs_already_taxed": 2}, "216.00"),
        ({"dogs": dogs("Rex", dangerous=("Rex",)), "dogs_already_taxed": 0}, "960.00"),
        # A dangerous dog has its own rate and does not move the others up a position.
        ({"dogs": dogs("Bello", "Rex", "Luna", dangerous=("Rex",)), "dogs_already_taxed": 0},
         "1284.00"),
        ({"dogs": [], "dogs_already_taxed": 0}, "0.00"),
    ],
)
def test_dog_tax_goslar(dog_rule: FeeRule, goslar: Municipality, answers: dict[str, Any],
                        amount: str) -> None:
    fee = compute_fee(dog_rule, answers, goslar)
    assert fee.amount == Decimal(amount)
    assert fee.period == "year"
    assert sum(line.amount for line in fee.lines) == fee.amount


def test_dog_tax_lines_name_the_dogs(dog_rule: FeeRule, goslar: Municipality) -> None:
    fee = compute_fee(dog_rule, {"dogs": dogs("Bello", "Luna", "Rex", dangerous=("Rex",)),
                                 "dogs_already_taxed": 0}, goslar)
    assert [(line.label.params["name"], line.amount) for line in fee.lines] == [
        ("Bello", Decimal("132.00")), ("Luna", Decimal("192.00")), ("Rex", Decimal("960.00"))]
    assert "erster Hund" in fee.lines[0].label.text
    assert "zweiter Hund" in fee.lines[1].label.text
    assert "gefährlicher Hund" in fee.lines[2].label.text


def test_dog_tax_exemption_adds_a_note(dog_rule: FeeRule, goslar: Municipality) -> None:
    without = compute_fee(dog_rule, {"dogs": dogs("Bello"), "exemption_requested": False}, goslar)
    with_exemption = compute_fee(dog_rule, {"dogs": dogs("Bello"), "exemption_requested": True},
                                 goslar)
    assert len(with_exemption.notes) == len(without.notes) + 1
    assert "Steuerbefreiung" in with_exemption.notes[-1].text
    # The amount is shown subject to the decision on the exemption.
    assert with_exemption.amount == Decimal("132.00")


def test_dog_tax_rates_are_configuration(dog_rule: FeeRule, goslar: Municipality) -> None:
    # Another town's bylaw: only the municipality data changes, not the rule.
    data = goslar.model_dump()
    data["tariffs"]["hundesteuer"] = {"first": "43", "second": "55", "further": "67",
                                      "dangerous": "344"}
    wettringen = Municipality.model_validate(data)
    fee = compute_fee(dog_rule, {"dogs": dogs("A", "B", "C")}, wettringen)
    assert fee.amount == Decimal("165.00")


def test_fee_to_json(dog_rule: FeeRule, goslar: Municipality) -> None:
    data = compute_fee(dog_rule, {"dogs": dogs("Bello")}, goslar).to_json()
    assert data["amount"] == "132.00"
    assert data["currency"] == "EUR"
    assert data["period"] == "year"
    assert data["lines"][0]["params"] == {"name": "Bello"}
    assert data["lines"][0]["amount"] == "132.00"


# --------------------------------------------------------------------------- resident parking


@pytest.mark.parametrize(("months", "amount"), [("12", "30.70"), ("6", "15.35")])
def test_resident_parking_goslar(parking_rule: FeeRule, goslar: Municipality, months: str,
                                 amount: str) -> None:
    fee = compute_fee(parking_rule, {"validity_months": months}, goslar)
    assert fee.amount == Decimal(amount)
    assert fee.period == "once"
    assert fee.lines[0].label.params == {"months": int(months)}


def test_resident_parking_option_codes_are_what_the_rule_reads(catalog: Catalog) -> None:
    service = catalog.services["bewohnerparkausweis"]
    field = service.field("validity_months")
    assert field is not None and field.options is not None
    assert [o.code for o in field.options] == ["6", "12"]
    for option in field.options:
        assert 1 <= int(option.code) <= 24


# --------------------------------------------------------------------------- free and none


@pytest.mark.parametrize("service_id", ["hundesteuer-abmeldung", "wohnsitz-anmeldung",
                                        "wohnsitz-ummeldung", "wohnsitz-abmeldung"])
def test_free_services(catalog: Catalog, goslar: Municipality, service_id: str) -> None:
    service = catalog.services[service_id]
    fee = compute_fee(service.fee, {}, goslar)
    assert fee.amount == Decimal("0.00")
    assert fee.notes and "keine Gebühren" in fee.notes[0].text


def test_no_fee_rule_is_free(goslar: Municipality) -> None:
    assert compute_fee(None, {}, goslar).amount == Decimal("0.00")


def test_every_tariff_the_rules_need_is_configured(catalog: Catalog) -> None:
    for service in catalog.services.values():
        assert service.fee is not None
        assert service.fee.rule in FEE_RULES
        needed = REQUIRED_TARIFF_KEYS[service.fee.rule]
        if needed:
            assert service.fee.tariff is not None
            assert needed <= set(catalog.municipality.tariff(service.fee.tariff))


def test_tariffs_are_read_exactly(goslar: Municipality) -> None:
    raw = yaml.safe_load((ROOT / "municipalities" / "goslar.yaml").read_text(encoding="utf-8"))
    for name, values in raw["tariffs"].items():
        for key, value in values.items():
            assert isinstance(value, str), f"write amounts as strings: {name}.{key}"
            assert Decimal(str(goslar.tariff(name)[key])) == Decimal(value)
