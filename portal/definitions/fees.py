"""Fee rules, referenced by name from service definitions; the amounts are bylaw data
in the municipality file (`tariffs:`), never code. Each rule names the model its tariff must
fit and may check the service definition against the tariff at start-up."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pydantic import BaseModel

from portal.definitions import dog_tax as dt
from portal.definitions.codelists import CodeList
from portal.definitions.messages import N_, Message
from portal.definitions.model import FeeRule, FieldDef, ServiceDefinition
from portal.definitions.municipality import Municipality
from portal.definitions.tariffs import DogTaxTariff, ParkingTariff

CENT = Decimal("0.01")


@dataclass(frozen=True)
class FeeLine:
    label: Message
    amount: Decimal
    ref: str = ""  # the answer the line is for, e.g. "dogs.1"
    category: str = ""  # the rule's classification, e.g. "second" or "dangerous-listed"


@dataclass(frozen=True)
class Fee:
    amount: Decimal
    period: str  # "once" | "year"
    lines: list[FeeLine] = field(default_factory=list)
    notes: list[Message] = field(default_factory=list)
    legal_basis: Mapping[str, str] | None = None  # {language: text} of the fee's legal basis

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "amount": str(self.amount),
            "currency": "EUR",
            "period": self.period,
            "lines": [_line_json(line) for line in self.lines],
            "notes": [{"text": n.text, "params": dict(n.params)} for n in self.notes],
        }
        if self.legal_basis:
            out["legal_basis"] = dict(self.legal_basis)
        return out


def _line_json(line: FeeLine) -> dict[str, Any]:
    out: dict[str, Any] = {"label": line.label.text, "params": dict(line.label.params),
                           "amount": str(line.amount)}
    if line.ref:
        out["ref"] = line.ref
    if line.category:
        out["category"] = line.category
    return out


FeeFunction = Callable[[FeeRule, Mapping[str, Any], Municipality], Fee]
Check = Callable[[ServiceDefinition, BaseModel, Mapping[str, CodeList]], list[str]]


@dataclass(frozen=True)
class RegisteredRule:
    compute: FeeFunction
    tariff: type[BaseModel] | None
    check: Check | None


FEE_RULES: dict[str, RegisteredRule] = {}


def fee_rule(name: str, tariff: type[BaseModel] | None = None,
             check: Check | None = None) -> Callable[[FeeFunction], FeeFunction]:
    def register(fn: FeeFunction) -> FeeFunction:
        FEE_RULES[name] = RegisteredRule(fn, tariff, check)
        return fn
    return register


def _money(value: object) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def dog_tariff(rule: FeeRule, municipality: Municipality) -> DogTaxTariff:
    assert rule.tariff is not None
    return DogTaxTariff.model_validate(municipality.tariff(rule.tariff))


def _dog_tax_check(service: ServiceDefinition, tariff: BaseModel,
                   codelists: Mapping[str, CodeList]) -> list[str]:
    """The form must offer what the tariff names: the listed breeds in the breed list, each
    relief in the exemption list, and the temperament test exactly for the listed breeds."""
    assert isinstance(tariff, DogTaxTariff) and service.fee is not None
    args = dt.DogArgs.of(service.fee.args)
    group = service.field(args.dogs)
    children = {f.id: f for f in (group.fields or [])} if group else {}
    problems = [f"fee.args: the dog group has no field '{name}'"
                for name in (args.name, args.breed, args.temperament_test, args.declared,
                             args.relief) if name not in children]
    if problems:
        return problems
    problems += _codes_known(children[args.breed], tariff.dangerous_breeds.breeds, codelists,
                             "dangerous_breeds.breeds")
    problems += _codes_known(children[args.relief], [r.code for r in tariff.reliefs], codelists,
                             "reliefs")
    shown_for = _breeds_in(children[args.temperament_test], args.breed)
    if shown_for != set(tariff.dangerous_breeds.breeds):
        problems.append(f"the field '{args.temperament_test}' must be shown for exactly the "
                        f"breeds of the tariff ({', '.join(tariff.dangerous_breeds.breeds)}), "
                        f"not for {', '.join(sorted(shown_for)) or 'none'}")
    return problems


def _codes_known(f: FieldDef, codes: list[str], codelists: Mapping[str, CodeList],
                 what: str) -> list[str]:
    if f.options is not None:
        known = [o.code for o in f.options]
    else:
        known = codelists[f.codelist].codes() if f.codelist and f.codelist in codelists else []
    return [f"tariff {what}: '{c}' is not an answer of the field '{f.id}'"
            for c in codes if c not in known]


def _breeds_in(f: FieldDef, breed_field: str) -> set[str]:
    conds = [f.visible_if] if f.visible_if else []
    found: set[str] = set()
    while conds:
        cond = conds.pop()
        conds += list(cond.any or []) + list(cond.all or [])
        if cond.field == breed_field and cond.in_:
            found |= {str(v) for v in cond.in_}
    return found


@fee_rule("dog_tax", DogTaxTariff, _dog_tax_check)
def dog_tax(rule: FeeRule, answers: Mapping[str, Any], municipality: Municipality) -> Fee:
    """Annual dog tax, per dog (portal.definitions.dog_tax)."""
    tariff = dog_tariff(rule, municipality)
    args = dt.DogArgs.of(rule.args)
    dogs = [d for d in (answers.get(args.dogs) or []) if isinstance(d, Mapping)]
    already = int(answers.get(args.existing) or 0)
    assessed = dt.assess(dogs, already, tariff, args)
    lines = [FeeLine(a.label, a.amount, f"{args.dogs}.{a.index}", a.category) for a in assessed]
    notes = [Message(N_("Hundesteuer ist eine Jahressteuer. Die Steuerpflicht beginnt am ersten "
                        "Tag des Monats, der auf die Aufnahme des Hundes folgt; der Betrag wird "
                        "anteilig festgesetzt."))]
    notes += dt.counting_notes(tariff)
    if any(a.relief is not None for a in assessed):
        notes.append(Message(N_("Befreiungen und Ermäßigungen gelten vorbehaltlich der Prüfung "
                                "Ihres Nachweises durch das Steueramt.")))
    if any(a.listed_breed for a in assessed):
        notes.append(Message(N_("Für einen Hund einer Rasse, die die Hundesteuersatzung als "
                                "gefährlich einstuft, gilt der Steuersatz für gefährliche Hunde, "
                                "solange kein bestandener Wesenstest nachgewiesen ist.")))
    return Fee(sum((a.amount for a in assessed), Decimal("0.00")), "year", lines, notes)


def _parking_check(service: ServiceDefinition, tariff: BaseModel,
                   codelists: Mapping[str, CodeList]) -> list[str]:
    assert isinstance(tariff, ParkingTariff) and service.fee is not None
    name = service.fee.args.get("validity", "validity_months")
    f = service.field(name)
    if f is None or f.options is None:
        return [f"fee.args.validity: '{name}' is not a choice with options"]
    offered = {o.code for o in f.options}
    allowed = {str(m) for m in tariff.months}
    return [] if offered == allowed else [
        f"the validity options of '{name}' ({', '.join(sorted(offered))}) must be the months of "
        f"the tariff ({', '.join(sorted(allowed))})"]


@fee_rule("resident_parking", ParkingTariff, _parking_check)
def resident_parking(rule: FeeRule, answers: Mapping[str, Any],
                     municipality: Municipality) -> Fee:
    """Fee per year of validity, charged pro rata per month; months, rate and legal basis are
    the tariff's."""
    assert rule.tariff is not None
    tariff = ParkingTariff.model_validate(municipality.tariff(rule.tariff))
    raw = answers.get(rule.args.get("validity", "validity_months"))
    months = int(raw) if raw and int(raw) in tariff.months else max(tariff.months)
    amount = _money(tariff.per_year * months / 12)
    label = Message(N_("Bewohnerparkausweis für %(months)s Monate"), {"months": months})
    note = Message(N_("Rechtsgrundlage der Gebühr: %(basis)s"), {"basis": tariff.legal_basis})
    return Fee(amount, "once", [FeeLine(label, amount)], [note], tariff.legal_basis)


@fee_rule("free")
def free(rule: FeeRule, answers: Mapping[str, Any], municipality: Municipality) -> Fee:
    note = Message(N_("Für diese Leistung fallen keine Gebühren an."))
    return Fee(Decimal("0.00"), "once", [], [note])


def compute_fee(rule: FeeRule | None, answers: Mapping[str, Any],
                municipality: Municipality) -> Fee:
    if rule is None:
        return free(FeeRule(rule="free"), answers, municipality)
    return FEE_RULES[rule.rule].compute(rule, answers, municipality)
