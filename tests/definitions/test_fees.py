"""Fee rules with Goslar's tariffs (bylaw data from municipalities/goslar.yaml)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from portal.definitions.fees import FEE_RULES, compute_fee
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
    return [{"name": n, "breed": "labrador_retriever", "dangerous": n in dangerous}
            for n in names]


def dog(name: str, **answers: Any) -> dict[str, Any]:
    return {"name": name, "breed": "labrador_retriever", "dangerous": False, **answers}


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
        ({"dogs": [], "dogs_already_taxed": 0}, "0.00"),
    ],
)
def test_dog_tax_rates_of_the_hundesteuersatzung_goslar_from_2026(
        dog_rule: FeeRule, goslar: Municipality, answers: dict[str, Any], amount: str) -> None:
    """Hundesteuersatzung der Stadt Goslar, rates from 1 January 2026: 132 / 192 / 216 EUR,
    960 EUR for a dangerous dog."""
    fee = compute_fee(dog_rule, answers, goslar)
    assert fee.amount == Decimal(amount)
    assert fee.period == "year"
    assert sum(line.amount for line in fee.lines) == fee.amount


def test_second_dog_of_a_household_that_already_pays_for_one_pays_the_second_rate(
        dog_rule: FeeRule, goslar: Municipality) -> None:
    """Hundesteuersatzung Goslar: the tax is per household; a new dog in a household that
    already pays for one dog is the second dog (192 EUR)."""
    fee = compute_fee(dog_rule, {"dogs": [dog("Luna")], "dogs_already_taxed": 1}, goslar)
    assert fee.amount == Decimal("192.00")
    assert "zweiter Hund" in fee.lines[0].label.text
    assert fee.lines[0].category == "second" and fee.lines[0].ref == "dogs.0"


def test_pit_bull_terrier_without_a_passed_temperament_test_pays_the_dangerous_rate(
        dog_rule: FeeRule, goslar: Municipality) -> None:
    """Hundesteuersatzung Goslar (bylaw of 12 May 2015, rates 2026): Pit-Bull-Terrier are
    dangerous for the tax unless a passed temperament test shows otherwise: 960 EUR."""
    fee = compute_fee(dog_rule, {"dogs": [dog("Tyson", breed="pit_bull_terrier",
                                              temperament_test=False)],
                                 "dogs_already_taxed": 0}, goslar)
    assert fee.amount == Decimal("960.00")
    assert fee.lines[0].category == "dangerous-listed"
    assert "ohne bestandenen Wesenstest" in fee.lines[0].label.text
    assert any("Wesenstest" in n.text for n in fee.notes)


@pytest.mark.parametrize("breed", ["bullterrier", "pit_bull_terrier", "mastino"])
def test_a_passed_temperament_test_rebuts_the_breed_list(
        dog_rule: FeeRule, goslar: Municipality, breed: str) -> None:
    """Hundesteuersatzung Goslar: a listed breed with a passed temperament test (Wesenstest)
    is taxed like any dog (first dog: 132 EUR)."""
    fee = compute_fee(dog_rule, {"dogs": [dog("Kira", breed=breed, temperament_test=True)],
                                 "dogs_already_taxed": 0}, goslar)
    assert fee.amount == Decimal("132.00")


def test_a_cross_with_a_listed_breed_counts_as_the_breed(dog_rule: FeeRule,
                                                       goslar: Municipality) -> None:
    """Hundesteuersatzung Goslar: the breed list covers crosses with the listed breeds."""
    cross = dog("Mix", breed="mischling", listed_breed_cross=True, temperament_test=False)
    other = dog("Mix2", breed="mischling", listed_breed_cross=False)
    assert compute_fee(dog_rule, {"dogs": [cross]}, goslar).amount == Decimal("960.00")
    assert compute_fee(dog_rule, {"dogs": [other]}, goslar).amount == Decimal("132.00")


def test_a_dog_declared_dangerous_under_section_7_nhundg_pays_the_dangerous_rate_even_tested(
        dog_rule: FeeRule, goslar: Municipality) -> None:
    """§ 7 NHundG: an authority's finding that a dog is dangerous; any breed, and a temperament
    test does not rebut the finding."""
    fee = compute_fee(dog_rule, {"dogs": [dog("Rex", dangerous=True, temperament_test=True)]},
                      goslar)
    assert fee.amount == Decimal("960.00")
    assert fee.lines[0].category == "dangerous"
    assert "von der Behörde festgestellt" in fee.lines[0].label.text


def test_a_guide_dog_is_exempt_and_not_counted(dog_rule: FeeRule, goslar: Municipality) -> None:
    """Hundesteuersatzung Goslar, exemption for dogs serving blind people (proof: severe
    disability card with marker Bl); exempt dogs take no place in the order (counting rule of
    the tariff, Lower Saxony model wording: Salzhemmendorf § 3 Abs. 3)."""
    guide = dog("Ayla", relief_requested=True, relief_reason="blindenfuehrhund")
    fee = compute_fee(dog_rule, {"dogs": [guide, dog("Bello")], "dogs_already_taxed": 0},
                      goslar)
    assert [line.amount for line in fee.lines] == [Decimal("0.00"), Decimal("132.00")]
    assert fee.lines[0].category == "exempt" and "steuerfrei" in fee.lines[0].label.text
    assert "erster Hund" in fee.lines[1].label.text
    assert any("vorbehaltlich der Prüfung" in n.text for n in fee.notes)


def test_dangerous_dogs_count_first_for_the_second_dog_rate(dog_rule: FeeRule,
                                                          goslar: Municipality) -> None:
    """The tariff's one counting rule (Lower Saxony model wording, Hundesteuersatzung Flecken
    Salzhemmendorf § 3 Abs. 3): dangerous and reduced dogs are placed ahead of the dogs taxed
    at the full rate; so a normal dog next to a dangerous one is the second dog."""
    fee = compute_fee(dog_rule, {"dogs": [dog("Bello"), dog("Rex", dangerous=True)],
                                 "dogs_already_taxed": 0}, goslar)
    assert [(line.label.params["name"], line.amount, line.category) for line in fee.lines] == [
        ("Bello", Decimal("192.00"), "second"), ("Rex", Decimal("960.00"), "dangerous")]
    assert any("Gefährliche Hunde zählen vor" in n.text for n in fee.notes)


def test_a_relief_the_tax_office_decides_shows_the_full_rate_with_a_note(
        dog_rule: FeeRule, goslar: Municipality) -> None:
    """Goslar's reductions could not be sourced in size: the tax office decides (effect
    'assessed'); the portal shows the full rate of the dog's place."""
    shelter = dog("Zoë", relief_requested=True, relief_reason="tierheimhund")
    fee = compute_fee(dog_rule, {"dogs": [shelter], "dogs_already_taxed": 1}, goslar)
    assert fee.amount == Decimal("192.00")
    assert "die Höhe setzt das Steueramt fest" in fee.lines[0].label.text


def test_a_reduction_in_percent_applies_to_the_dogs_place(dog_rule: FeeRule,
                                                          goslar: Municipality) -> None:
    """Another town's tariff with a 50 % reduction: the reduced dog counts first and pays half
    the rate of its place."""
    data = goslar.model_dump(mode="json")
    data["tariffs"]["hundesteuer"]["reliefs"].append(
        {"code": "rettungshund", "effect": "reduced", "percent": "50",
         "proof": {"de": "Prüfungszeugnis"}, "source": "test tariff"})
    data["tariffs"]["hundesteuer"]["reliefs"] = [
        r for r in data["tariffs"]["hundesteuer"]["reliefs"]
        if not (r["code"] == "rettungshund" and r["effect"] == "assessed")]
    town = Municipality.model_validate(data)
    rescue = dog("Finder", relief_requested=True, relief_reason="rettungshund")
    fee = compute_fee(dog_rule, {"dogs": [dog("Bello"), rescue], "dogs_already_taxed": 0}, town)
    assert [line.amount for line in fee.lines] == [Decimal("192.00"), Decimal("66.00")]
    assert "um 50 % ermäßigt" in fee.lines[1].label.text % fee.lines[1].label.params


def test_no_exemption_for_a_dog_taxed_as_dangerous(dog_rule: FeeRule,
                                                   goslar: Municipality) -> None:
    """Goslar's tariff: reliefs_for_dangerous_dogs is false, so a dangerous dog keeps its
    rate even when an exemption is requested (the request goes to the tax office)."""
    both = dog("Rex", dangerous=True, relief_requested=True, relief_reason="assistenzhund")
    assert compute_fee(dog_rule, {"dogs": [both]}, goslar).amount == Decimal("960.00")


def test_dog_tax_rates_are_configuration(dog_rule: FeeRule, goslar: Municipality) -> None:
    # Another town's bylaw (Wettringen 43 / 55 / 67, dangerous 344 EUR): only data changes.
    data = goslar.model_dump(mode="json")
    data["tariffs"]["hundesteuer"].update(first="43", second="55", further="67",
                                          dangerous="344")
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
    assert (data["lines"][0]["ref"], data["lines"][0]["category"]) == ("dogs.0", "first")


# --------------------------------------------------------------------------- resident parking


@pytest.mark.parametrize(("months", "amount"), [("12", "30.70"), ("6", "15.35")])
def test_resident_parking_goslar(parking_rule: FeeRule, goslar: Municipality, months: str,
                                 amount: str) -> None:
    """GebOSt Gebühren-Nr. 265 (up to 30.70 EUR per year), pro rata per month."""
    fee = compute_fee(parking_rule, {"validity_months": months}, goslar)
    assert fee.amount == Decimal(amount)
    assert fee.period == "once"
    assert fee.lines[0].label.params == {"months": int(months)}


def test_resident_parking_fee_names_its_legal_basis(parking_rule: FeeRule,
                                                     goslar: Municipality) -> None:
    """The fee rule names its legal basis from the municipality file (GebOSt Nr. 265)."""
    fee = compute_fee(parking_rule, {"validity_months": "12"}, goslar)
    assert fee.legal_basis is not None and "Gebühren-Nr. 265" in fee.legal_basis["de"]
    assert fee.to_json()["legal_basis"]["de"] == fee.legal_basis["de"]
    assert any("Rechtsgrundlage der Gebühr" in n.text for n in fee.notes)


def test_resident_parking_validity_options_are_the_tariffs_months(catalog: Catalog) -> None:
    service = catalog.services["bewohnerparkausweis"]
    field = service.field("validity_months")
    assert field is not None and field.options is not None
    assert service.fee is not None and service.fee.tariff is not None
    months = catalog.municipality.tariff(service.fee.tariff)["months"]
    assert [int(o.code) for o in field.options] == months


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
        rule = FEE_RULES[service.fee.rule]
        if rule.tariff is not None:
            assert service.fee.tariff is not None
            rule.tariff.model_validate(catalog.municipality.tariff(service.fee.tariff))


def test_tariffs_are_read_exactly(goslar: Municipality) -> None:
    raw = yaml.safe_load((ROOT / "municipalities" / "goslar.yaml").read_text(encoding="utf-8"))
    for name, key in [("hundesteuer", "first"), ("hundesteuer", "second"),
                      ("hundesteuer", "further"), ("hundesteuer", "dangerous"),
                      ("bewohnerparken", "per_year")]:
        value = raw["tariffs"][name][key]
        assert isinstance(value, str), f"write amounts as strings: {name}.{key}"
        assert Decimal(str(goslar.tariff(name)[key])) == Decimal(value)
