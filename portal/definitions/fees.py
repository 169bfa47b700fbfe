"""Fee rules, referenced by name from service definitions; the amounts are bylaw data
in the municipality file (`tariffs:`), never code."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from portal.definitions.messages import N_, Message
from portal.definitions.model import FeeRule
from portal.definitions.municipality import Municipality

CENT = Decimal("0.01")


@dataclass(frozen=True)
class FeeLine:
    label: Message
    amount: Decimal


@dataclass(frozen=True)
class Fee:
    amount: Decimal
    period: str  # "once" | "year"
    lines: list[FeeLine] = field(default_factory=list)
    notes: list[Message] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "amount": str(self.amount),
            "currency": "EUR",
            "period": self.period,
            "lines": [{"label": line.label.text, "params": dict(line.label.params),
                       "amount": str(line.amount)} for line in self.lines],
            "notes": [{"text": n.text, "params": dict(n.params)} for n in self.notes],
        }


FeeFunction = Callable[[FeeRule, Mapping[str, Any], Municipality], Fee]
FEE_RULES: dict[str, FeeFunction] = {}
REQUIRED_TARIFF_KEYS: dict[str, set[str]] = {}


def fee_rule(name: str, tariff_keys: set[str]) -> Callable[[FeeFunction], FeeFunction]:
    def register(fn: FeeFunction) -> FeeFunction:
        FEE_RULES[name] = fn
        REQUIRED_TARIFF_KEYS[name] = tariff_keys
        return fn
    return register


def _money(value: object) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


@fee_rule("dog_tax", {"first", "second", "further", "dangerous"})
def dog_tax(rule: FeeRule, answers: Mapping[str, Any], municipality: Municipality) -> Fee:
    """Annual dog tax: dogs the keeper already has count first; dangerous dogs pay their own
    rate."""
    assert rule.tariff is not None
    tariff = municipality.tariff(rule.tariff)
    dogs = answers.get(rule.args.get("dogs", "dogs")) or []
    already = int(answers.get(rule.args.get("existing", "dogs_already_taxed")) or 0)
    dangerous_key = rule.args.get("dangerous", "dangerous")
    exemption_key = rule.args.get("exemption", "exemption_requested")
    name_key = rule.args.get("name", "name")
    lines: list[FeeLine] = []
    position = already
    for dog in dogs:
        name = str(dog.get(name_key) or "")
        if dog.get(dangerous_key):
            lines.append(FeeLine(Message(N_("%(name)s (gefährlicher Hund)"), {"name": name}),
                                 _money(tariff["dangerous"])))
            continue
        position += 1
        key = {1: "first", 2: "second"}.get(position, "further")
        label = {
            "first": N_("%(name)s (erster Hund)"),
            "second": N_("%(name)s (zweiter Hund)"),
            "further": N_("%(name)s (jeder weitere Hund)"),
        }[key]
        lines.append(FeeLine(Message(label, {"name": name}), _money(tariff[key])))
    notes = [Message(N_("Hundesteuer ist eine Jahressteuer. Die Steuerpflicht beginnt am "
                        "ersten Tag des Monats, der auf die Aufnahme des Hundes folgt; der "
                        "Betrag wird anteilig festgesetzt."))]
    if answers.get(exemption_key):
        notes.append(Message(N_("Sie haben eine Steuerbefreiung oder -ermäßigung beantragt. Der "
                                "Betrag gilt vorbehaltlich der Prüfung Ihres Antrags.")))
    return Fee(sum((line.amount for line in lines), Decimal("0.00")), "year", lines, notes)


@fee_rule("resident_parking", {"per_year"})
def resident_parking(rule: FeeRule, answers: Mapping[str, Any],
                     municipality: Municipality) -> Fee:
    assert rule.tariff is not None
    tariff = municipality.tariff(rule.tariff)
    months = int(answers.get(rule.args.get("validity", "validity_months")) or 12)
    amount = _money(Decimal(str(tariff["per_year"])) * months / 12)
    label = Message(N_("Bewohnerparkausweis für %(months)s Monate"), {"months": months})
    return Fee(amount, "once", [FeeLine(label, amount)])


@fee_rule("free", set())
def free(rule: FeeRule, answers: Mapping[str, Any], municipality: Municipality) -> Fee:
    note = Message(N_("Für diese Leistung fallen keine Gebühren an."))
    return Fee(Decimal("0.00"), "once", [], [note])


def compute_fee(rule: FeeRule | None, answers: Mapping[str, Any],
                municipality: Municipality) -> Fee:
    if rule is None:
        return free(FeeRule(rule="free"), answers, municipality)
    return FEE_RULES[rule.rule](rule, answers, municipality)
