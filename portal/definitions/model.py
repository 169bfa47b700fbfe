"""Typed model of a declarative service definition (one YAML file per service in `forms/`).

The model checks everything that can be checked inside one file; references to the outside
world (code lists, validators, fee rules, departments) are checked by `loader.py`.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)

IDENT = r"^[a-z][a-z0-9_]*$"
LANGUAGES = ("de", "en")


def _localized(value: Any) -> Any:
    if isinstance(value, str):
        return {"de": value}
    return value


def _check_localized(value: dict[str, str]) -> dict[str, str]:
    if "de" not in value or not value["de"].strip():
        raise ValueError("a German text ('de') is required")
    unknown = set(value) - set(LANGUAGES)
    if unknown:
        raise ValueError(f"unknown language(s): {', '.join(sorted(unknown))}")
    return value


LText = Annotated[
    dict[str, str],
    BeforeValidator(_localized),
    AfterValidator(_check_localized),
    Field(json_schema_extra={"description": "Text, or a mapping of language code to text"}),
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Condition(Strict):
    """A condition on another answer.

    `field` names a sibling inside the same repeatable group first, then a top-level field.
    Exactly one of the comparisons (or `all` / `any`) is given.
    """

    field: str | None = None
    equals: Any = None
    not_equals: Any = None
    in_: list[Any] | None = Field(default=None, alias="in")
    is_set: bool | None = None
    all: list[Condition] | None = None
    any: list[Condition] | None = None

    @model_validator(mode="after")
    def _one_form(self) -> Condition:
        combinators = [c for c in (self.all, self.any) if c is not None]
        comparisons = [
            c for c in (self.equals, self.not_equals, self.in_, self.is_set) if c is not None
        ]
        if combinators:
            if self.field is not None or comparisons or len(combinators) > 1:
                raise ValueError("use either 'all' or 'any' alone")
        else:
            if self.field is None:
                raise ValueError("'field' is required")
            if len(comparisons) != 1:
                raise ValueError("give exactly one of equals, not_equals, in, is_set")
        return self

    def referenced_fields(self) -> list[str]:
        if self.all is not None or self.any is not None:
            return [f for c in (self.all or self.any or []) for f in c.referenced_fields()]
        return [self.field] if self.field else []


class FieldType(StrEnum):
    TEXT = "text"
    TEXTAREA = "textarea"
    NUMBER = "number"
    MONEY = "money"
    DATE = "date"
    YES_NO = "yes_no"
    CHOICE = "choice"
    MULTI_CHOICE = "multi_choice"
    EMAIL = "email"
    PHONE = "phone"
    IBAN = "iban"
    POSTCODE = "postcode"
    ADDRESS = "address"
    ADDRESS_ABROAD = "address_abroad"
    VEHICLE_REGISTRATION = "vehicle_registration"
    MICROCHIP = "microchip"
    PERSON_NAME = "person_name"
    FILE = "file"
    GROUP = "group"


CHOICE_TYPES = {FieldType.CHOICE, FieldType.MULTI_CHOICE}
DEFAULT_MAX_LENGTH = {FieldType.TEXT: 200, FieldType.TEXTAREA: 40000}


class Option(Strict):
    code: str
    label: LText


class DateRule(Strict):
    """Allowed dates relative to today, in days (negative = past)."""

    min_days: int | None = None
    max_days: int | None = None


class Repeat(Strict):
    min: int = Field(default=1, ge=0)
    max: int = Field(default=10, ge=1, le=50)

    @model_validator(mode="after")
    def _range(self) -> Repeat:
        if self.min > self.max:
            raise ValueError("min must not exceed max")
        return self


class PrefillItem(Strict):
    """The first item of a group is the signed-in person: its children's `prefill` values come
    from the identity (locked when verified), `fixed` values are set and locked, while `when`
    holds (e.g. only when the person registers themselves)."""

    when: Condition | None = None
    fixed: dict[str, Any] = Field(default_factory=dict)


class FieldDef(Strict):
    id: str = Field(pattern=IDENT)
    type: FieldType
    label: LText
    help: LText | None = None
    required: bool = False
    required_if: Condition | None = None
    visible_if: Condition | None = None
    max_length: int | None = Field(default=None, ge=1, le=100000)
    min: Decimal | None = None
    max: Decimal | None = None
    dates: DateRule | None = None
    options: list[Option] | None = None
    codelist: str | None = None
    # Only these codes of the code list are offered (e.g. main or secondary residence only).
    codes: list[str] | None = None
    accept: list[str] = Field(
        default_factory=lambda: ["application/pdf", "image/jpeg", "image/png"])
    max_size_mb: int = Field(default=10, ge=1, le=50)
    prefill: str | None = None
    # A verified (eID) prefill is locked unless the field asks for something the eID may not
    # hold, e.g. the address where a dog is kept.
    lock_verified: bool = True
    # ... and only while this holds (e.g. the eID address is the previous home only when the
    # signed-in person registers themselves).
    lock_if: Condition | None = None
    repeat: Repeat | None = None
    item_label: LText | None = None
    fields: list[FieldDef] | None = None
    prefill_item: PrefillItem | None = None

    @model_validator(mode="after")
    def _type_specific(self) -> FieldDef:
        if self.type == FieldType.GROUP:
            if not self.fields:
                raise ValueError("a group needs 'fields'")
            if self.repeat is None:
                raise ValueError("a group needs 'repeat' (min/max)")
            for child in self.fields:
                if child.type == FieldType.GROUP:
                    raise ValueError("groups cannot be nested")
            _unique([f.id for f in self.fields], f"fields of group '{self.id}'")
        elif self.fields is not None or self.repeat is not None or self.prefill_item is not None:
            raise ValueError("only a group has 'fields', 'repeat' and 'prefill_item'")
        if self.type in CHOICE_TYPES:
            if (self.options is None) == (self.codelist is None):
                raise ValueError("a choice needs either 'options' or 'codelist'")
            if self.options is not None:
                _unique([o.code for o in self.options], f"options of '{self.id}'")
        elif self.options is not None or self.codelist is not None:
            raise ValueError("only choices have 'options' or 'codelist'")
        if self.codes is not None and self.codelist is None:
            raise ValueError("'codes' selects codes of a 'codelist'")
        if self.max_length is not None and self.type not in DEFAULT_MAX_LENGTH:
            raise ValueError("'max_length' applies to text and textarea only")
        if (self.min is not None or self.max is not None) and self.type not in (
            FieldType.NUMBER,
            FieldType.MONEY,
        ):
            raise ValueError("'min'/'max' apply to number and money only")
        if self.dates is not None and self.type != FieldType.DATE:
            raise ValueError("'dates' applies to date fields only")
        return self

    @property
    def limit(self) -> int:
        return self.max_length or DEFAULT_MAX_LENGTH.get(self.type, 200)


class Step(Strict):
    id: str = Field(pattern=IDENT)
    title: LText
    intro: LText | None = None
    visible_if: Condition | None = None
    fields: list[FieldDef] = Field(min_length=1)


class FeeRule(Strict):
    """A named fee rule from `portal.definitions.fees` and the tariff it reads from the
    municipality."""

    rule: str
    tariff: str | None = None
    args: dict[str, str] = Field(default_factory=dict)


class ValidatorRef(Strict):
    name: str
    args: dict[str, Any] = Field(default_factory=dict)


class ServicePrivacy(Strict):
    """The service's part of its privacy notice (Art. 13 DSGVO); controller, data protection
    officer, rights and supervisory authority come from the municipality file."""

    purposes: LText  # Art. 13 Abs. 1 lit. c
    legal_basis: list[LText] = Field(min_length=1)  # Art. 13 Abs. 1 lit. c
    recipients: list[LText] = Field(min_length=1)  # Art. 13 Abs. 1 lit. e
    retention: LText  # Art. 13 Abs. 2 lit. a
    obligation: LText  # Art. 13 Abs. 2 lit. e
    third_countries: LText | None = None  # Art. 13 Abs. 1 lit. f; None: no transfer
    automated_decisions: LText | None = None  # Art. 13 Abs. 2 lit. f; None: none


class SepaMandateFields(Strict):
    """Which answers make up a SEPA core direct debit mandate; creditor, creditor identifier
    and wording come from the municipality file, the mandate reference is the submission's."""

    consent: str
    iban: str
    debtor_name: str
    debtor_address: str
    holder_differs: str
    holder_name: str
    holder_address: str


class Exclusive(Strict):
    """At most one pending or valid application per applicant and per value of `keys`
    (e.g. one resident parking permit per person and per vehicle)."""

    keys: list[str] = Field(default_factory=list)
    pending: list[str] = Field(min_length=1)  # submission statuses still being decided
    granted: list[str] = Field(default_factory=list)  # statuses of a granted application
    valid_from: str | None = None  # date field: a granted application is valid from …
    valid_months: str | None = None  # … for this many months (a field's answer)
    message: LText


class Exclusion(Strict):
    """A case the online service cannot handle: while `when` holds, `field` shows `reason` and
    the office of `department` (default: the service's) with its contact and appointments."""

    id: str = Field(pattern=IDENT)
    when: Condition
    field: str
    reason: LText
    department: str | None = None


class IssuedDocument(Strict):
    """A sealed document the authority issues when a clerk moves a case to `on_status`
    (e.g. the Meldebestätigung of § 24 Abs. 2 BMG), rendered from `template`."""

    kind: str = Field(pattern=IDENT)
    title: LText
    template: str
    on_status: str
    legal_basis: str | None = None


DEFAULT_RETENTION_BASIS = (
    "Art. 5 Abs. 1 lit. e DSGVO (Speicherbegrenzung); Fristen von der Kommune festgelegt")


class Retention(Strict):
    """How long the portal keeps a service's personal data (Art. 5 Abs. 1 lit. e DSGVO:
    no longer than necessary). The portal is not the authority's file of record — that is the
    back office's system, which receives every application — so these periods cover what the
    portal itself needs: the citizen's view of the case, the clerks' work in the inbox.

    - `closed_case_days`: after a case reached the status "closed" (submission, answers,
      documents, messages, uploads are deleted; anonymous statistics are kept),
    - `draft_days`: after a draft's last change,
    - `unused_upload_days`: after an upload that no submission uses was stored.
    `basis` names the legal basis of the periods, or says that the municipality chose them.
    """

    closed_case_days: int = Field(default=365, ge=1, le=36500)
    draft_days: int = Field(default=30, ge=1, le=3650)
    unused_upload_days: int = Field(default=7, ge=1, le=3650)
    basis: list[str] = Field(default_factory=lambda: [DEFAULT_RETENTION_BASIS], min_length=1)


class ServiceDefinition(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    title: LText
    description: LText
    department: str
    reference_prefix: str = Field(pattern=r"^[A-Z]{2,4}$")
    min_trust_level: int = Field(ge=1, le=4)
    leika_id: str | None = Field(default=None, pattern=r"^urn:de:fim:leika:leistung:\d{14}$")
    legal_basis: list[str] = Field(default_factory=list)
    requirements: list[LText] = Field(default_factory=list)
    fee: FeeRule | None = None
    xoev_message: str | None = None
    steps: list[Step] = Field(min_length=1)
    validators: list[ValidatorRef] = Field(default_factory=list)
    privacy: ServicePrivacy | None = None
    sepa_mandate: SepaMandateFields | None = None
    exclusive: Exclusive | None = None
    exclusions: list[Exclusion] = Field(default_factory=list)
    issues_document: IssuedDocument | None = None
    retention: Retention = Field(default_factory=Retention)

    @model_validator(mode="after")
    def _consistent(self) -> ServiceDefinition:
        _unique([s.id for s in self.steps], "steps")
        _unique([f.id for s in self.steps for f in s.fields], "top-level fields")
        return self

    def all_fields(self) -> list[FieldDef]:
        return [f for s in self.steps for f in s.fields]

    def field(self, field_id: str) -> FieldDef | None:
        for f in self.all_fields():
            if f.id == field_id:
                return f
        return None

    def step(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)


def _unique(ids: list[str], what: str) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise ValueError(f"duplicate id '{i}' in {what}")
        seen.add(i)
