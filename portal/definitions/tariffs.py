"""Typed tariffs of the municipality file: each fee rule reads and checks its own tariff, so a
wrong rate or an unknown breed stops start-up instead of producing a wrong fee."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from pydantic import Field, model_validator

from portal.definitions.model import LText, Strict


class Counting(StrEnum):
    """How a kind of dog counts for the rate of the first, second and further dog."""

    NOT_COUNTED = "not_counted"  # takes no place in the order
    FIRST = "first"  # takes a place ahead of the dogs taxed at the full rate
    IN_ORDER = "in_order"  # takes the place it has in the application


class DogCounting(Strict):
    """One documented rule: which dogs count for the 'second / further dog' rate, and where.
    Dogs already taxed in the household always come first."""

    exempt: Counting
    reduced: Counting
    dangerous: Counting
    source: str


class DangerousBreeds(Strict):
    """Breeds the tax bylaw treats as dangerous unless a temperament test rebuts it."""

    breeds: list[str] = Field(min_length=1)  # codes of the breed code list
    crosses: bool  # crosses with a listed breed are listed too
    rebuttal: LText  # what rebuts it (a passed temperament test) and what to upload
    source: str


class Effect(StrEnum):
    EXEMPT = "exempt"  # no tax for this dog
    REDUCED = "reduced"  # the dog's rate less `percent`
    ASSESSED = "assessed"  # the tax office decides; the portal shows the full rate


class DogRelief(Strict):
    """An exemption or reduction for one dog and the proof it needs."""

    code: str  # entry of the exemption code list the service uses
    effect: Effect
    percent: Decimal | None = Field(default=None, gt=0, lt=100)
    proof: LText
    source: str

    @model_validator(mode="after")
    def _percent(self) -> DogRelief:
        if (self.effect == Effect.REDUCED) != (self.percent is not None):
            raise ValueError("'percent' is given exactly for a reduction (effect: reduced)")
        return self


class DogTaxTariff(Strict):
    first: Decimal = Field(ge=0)
    second: Decimal = Field(ge=0)
    further: Decimal = Field(ge=0)
    dangerous: Decimal = Field(ge=0)
    dangerous_breeds: DangerousBreeds
    reliefs: list[DogRelief] = Field(default_factory=list)
    # Whether an exemption or reduction also applies to a dog taxed as dangerous.
    reliefs_for_dangerous_dogs: bool = False
    counting: DogCounting
    source: str

    def relief(self, code: object) -> DogRelief | None:
        return next((r for r in self.reliefs if r.code == code), None)


class ParkingTariff(Strict):
    per_year: Decimal = Field(gt=0)
    months: list[int] = Field(min_length=1)  # the periods of validity on offer
    legal_basis: LText
    example_data: bool = False  # the rate is not the town's confirmed own one
    source: str
