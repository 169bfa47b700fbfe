"""Annual dog tax per dog, as the municipality's tax bylaw (its tariff) says.

Each dog is assessed on its own: exempt, reduced, dangerous (declared dangerous under § 7
NHundG, or of a breed the bylaw lists without a passed temperament test) or taxed at the rate
of its place in the household. Which dogs take a place, and where, is the tariff's counting
rule; dogs the household already pays tax for come first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from portal.definitions.messages import N_, Message
from portal.definitions.tariffs import Counting, DogRelief, DogTaxTariff, Effect

CENT = Decimal("0.01")


class Kind(StrEnum):
    NORMAL = "normal"
    DANGEROUS = "dangerous"
    EXEMPT = "exempt"
    REDUCED = "reduced"
    ASSESSED = "assessed"


class Rate(StrEnum):
    FIRST = "first"
    SECOND = "second"
    FURTHER = "further"
    DANGEROUS = "dangerous"


@dataclass(frozen=True)
class DogArgs:
    """The answers the rule reads, named by the service definition (`fee.args`)."""

    dogs: str = "dogs"
    existing: str = "dogs_already_taxed"
    name: str = "name"
    breed: str = "breed"
    cross: str = "listed_breed_cross"
    temperament_test: str = "temperament_test"
    declared: str = "dangerous"
    relief: str = "relief"

    @classmethod
    def of(cls, args: Mapping[str, str]) -> DogArgs:
        return cls(**{k: v for k, v in args.items() if k in cls.__dataclass_fields__})


@dataclass(frozen=True)
class DogAssessment:
    index: int
    name: str
    kind: Kind
    listed_breed: bool  # a listed breed (or cross) without a passed temperament test
    declared: bool  # declared dangerous by the authority (§ 7 NHundG)
    relief: DogRelief | None
    rate: Rate | None  # None: exempt
    amount: Decimal
    label: Message

    @property
    def category(self) -> str:
        """The rate the dog is taxed at: first | second | further | dangerous |
        dangerous-listed (a listed breed without a passed test) | exempt."""
        if self.rate is None:
            return "exempt"
        if self.rate == Rate.DANGEROUS and self.listed_breed and not self.declared:
            return "dangerous-listed"
        return self.rate.value


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _kind(dog: Mapping[str, Any], tariff: DogTaxTariff, a: DogArgs) -> tuple[Kind, bool, bool,
                                                                               DogRelief | None]:
    listed = (dog.get(a.breed) in tariff.dangerous_breeds.breeds
              or (tariff.dangerous_breeds.crosses and dog.get(a.cross) is True))
    listed_untested = listed and dog.get(a.temperament_test) is not True
    declared = dog.get(a.declared) is True
    relief = tariff.relief(dog.get(a.relief))
    dangerous = declared or listed_untested
    if relief is not None and (not dangerous or tariff.reliefs_for_dangerous_dogs):
        kind = {Effect.EXEMPT: Kind.EXEMPT, Effect.REDUCED: Kind.REDUCED,
                Effect.ASSESSED: Kind.ASSESSED}[relief.effect]
        return kind, listed_untested, declared, relief
    return (Kind.DANGEROUS if dangerous else Kind.NORMAL), listed_untested, declared, relief


def _counting(kind: Kind, tariff: DogTaxTariff) -> Counting:
    return {Kind.EXEMPT: tariff.counting.exempt, Kind.REDUCED: tariff.counting.reduced,
            Kind.ASSESSED: tariff.counting.reduced, Kind.DANGEROUS: tariff.counting.dangerous,
            }.get(kind, Counting.IN_ORDER)


def _places(kinds: list[Kind], tariff: DogTaxTariff, already: int) -> dict[int, int]:
    """Place of each counted dog in the household (1 = first dog)."""
    first = [i for i, k in enumerate(kinds) if _counting(k, tariff) == Counting.FIRST]
    in_order = [i for i, k in enumerate(kinds) if _counting(k, tariff) == Counting.IN_ORDER]
    return {index: already + n for n, index in enumerate(first + in_order, 1)}


def _rate(place: int) -> Rate:
    return {1: Rate.FIRST, 2: Rate.SECOND}.get(place, Rate.FURTHER)


PLACE_LABELS = {
    Rate.FIRST: N_("%(name)s (erster Hund)"),
    Rate.SECOND: N_("%(name)s (zweiter Hund)"),
    Rate.FURTHER: N_("%(name)s (jeder weitere Hund)"),
}
REDUCED_LABELS = {
    Rate.FIRST: N_("%(name)s (erster Hund, um %(percent)s %% ermäßigt)"),
    Rate.SECOND: N_("%(name)s (zweiter Hund, um %(percent)s %% ermäßigt)"),
    Rate.FURTHER: N_("%(name)s (jeder weitere Hund, um %(percent)s %% ermäßigt)"),
}
ASSESSED_LABELS = {
    Rate.FIRST: N_("%(name)s (erster Hund; Ermäßigung beantragt, die Höhe setzt das Steueramt "
                   "fest)"),
    Rate.SECOND: N_("%(name)s (zweiter Hund; Ermäßigung beantragt, die Höhe setzt das Steueramt "
                    "fest)"),
    Rate.FURTHER: N_("%(name)s (jeder weitere Hund; Ermäßigung beantragt, die Höhe setzt das "
                     "Steueramt fest)"),
}


def assess(dogs: list[Mapping[str, Any]], already: int, tariff: DogTaxTariff,
           args: DogArgs) -> list[DogAssessment]:
    kinds = [_kind(dog, tariff, args) for dog in dogs]
    places = _places([k[0] for k in kinds], tariff, already)
    out = []
    for index, (dog, (kind, listed, declared, relief)) in enumerate(zip(dogs, kinds, strict=True)):
        name = str(dog.get(args.name) or "")
        params: dict[str, str | int] = {"name": name}
        rate = _rate(places[index]) if index in places else None
        if kind == Kind.EXEMPT:
            amount, rate, text = Decimal("0.00"), None, N_("%(name)s (steuerfrei)")
        elif kind == Kind.DANGEROUS:
            amount, rate = money(tariff.dangerous), Rate.DANGEROUS
            text = (N_("%(name)s (gefährlicher Hund, von der Behörde festgestellt)") if declared
                    else N_("%(name)s (gefährlicher Hund: Rasse nach der Hundesteuersatzung, "
                            "ohne bestandenen Wesenstest)"))
        else:
            rate = rate or _rate(already + 1)
            full = money(getattr(tariff, rate.value))
            if kind == Kind.REDUCED:
                assert relief is not None and relief.percent is not None
                amount = money(full * (100 - relief.percent) / 100)
                params["percent"] = f"{relief.percent.normalize():f}"
                text = REDUCED_LABELS[rate]
            else:
                amount = full
                text = (ASSESSED_LABELS if kind == Kind.ASSESSED else PLACE_LABELS)[rate]
        out.append(DogAssessment(index, name, kind, listed, declared, relief, rate, amount,
                                 Message(text, params)))
    return out


COUNTING_NOTES = {
    ("exempt", Counting.NOT_COUNTED): N_("Steuerfreie Hunde zählen bei der Zahl der Hunde nicht "
                                         "mit."),
    ("exempt", Counting.FIRST): N_("Steuerfreie Hunde zählen als erste Hunde mit."),
    ("reduced", Counting.NOT_COUNTED): N_("Ermäßigte Hunde zählen bei der Zahl der Hunde nicht "
                                          "mit."),
    ("reduced", Counting.FIRST): N_("Ermäßigte Hunde zählen vor den voll besteuerten Hunden."),
    ("dangerous", Counting.NOT_COUNTED): N_("Gefährliche Hunde zählen bei der Zahl der Hunde "
                                            "nicht mit."),
    ("dangerous", Counting.FIRST): N_("Gefährliche Hunde zählen vor den voll besteuerten "
                                      "Hunden."),
}


def counting_notes(tariff: DogTaxTariff) -> list[Message]:
    """The tariff's counting rule in words, for the citizen."""
    out = [Message(N_("Hunde, für die in Ihrem Haushalt schon Hundesteuer gezahlt wird, zählen "
                      "als erste Hunde."))]
    for kind in ("exempt", "reduced", "dangerous"):
        text = COUNTING_NOTES.get((kind, getattr(tariff.counting, kind)))
        if text:
            out.append(Message(text))
    return out
