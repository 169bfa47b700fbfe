"""Parse and check one answer per field type; the result is the normalised JSON value.

Every parser takes the raw strings the browser sent and returns `(value, errors)`; an empty
answer is `None` (required-ness is decided by the caller, which knows about conditions).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from portal.definitions import messages as m
from portal.definitions.codelists import CodeList
from portal.definitions.messages import FieldError, Message
from portal.definitions.model import FieldDef, FieldType, LText

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
CONTROL_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@"
                   r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                   r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
PHONE = re.compile(r"^\+?[0-9][0-9 ()/-]{4,28}[0-9]$")
POSTCODE = re.compile(r"^\d{5}$")
IBAN = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$")
IBAN_LENGTHS = {"DE": 22, "AT": 20, "CH": 21, "NL": 18, "BE": 16, "FR": 27, "LU": 20, "PL": 28,
                "DK": 18, "CZ": 24, "IT": 27, "ES": 24}
# Unterscheidungszeichen (1-3 letters), Erkennungsnummer (1-2 letters, 1-4 digits), E/H suffix.
REGISTRATION = re.compile(r"^([A-ZÄÖÜ]{1,3})[- ]+([A-Z]{1,2})[- ]*(\d{1,4})([EH]?)$")
CHIP = re.compile(r"^\d{15}$")
HOUSE_NUMBER = re.compile(r"^\d{1,4}\s*[a-zA-Z]?$")


@dataclass(frozen=True)
class UploadRef:
    """What a stored upload contributes to the answers."""

    upload_id: str
    filename: str
    content_type: str
    size: int

    def as_value(self) -> dict[str, Any]:
        return {"upload_id": self.upload_id, "filename": self.filename,
                "content_type": self.content_type, "size": self.size}


@dataclass
class ParseContext:
    codelists: Mapping[str, CodeList]
    today: date
    invalid_chars: Callable[[str], list[str]] = lambda _s: []
    uploads: Mapping[str, UploadRef | Message] = field(default_factory=dict)
    # Names of natural persons: DIN 91379 datatype A (no digits, no € or §).
    invalid_name_chars: Callable[[str], list[str]] = lambda _s: []


@dataclass(frozen=True)
class SubField:
    id: str
    label: LText
    required: bool
    kind: str  # text | name | house_number | postcode | country
    max_length: int = 100


SUBFIELDS: dict[FieldType, list[SubField]] = {
    FieldType.ADDRESS: [
        SubField("street", {"de": "Straße", "en": "Street"}, True, "text", 55),
        SubField("house_number", {"de": "Hausnummer", "en": "House number"}, True,
                 "house_number", 9),
        SubField("addition", {"de": "Adresszusatz", "en": "Address supplement"}, False, "text", 40),
        SubField("postcode", {"de": "Postleitzahl", "en": "Postcode"}, True, "postcode", 5),
        SubField("town", {"de": "Ort", "en": "Town"}, True, "text", 40),
    ],
    FieldType.ADDRESS_ABROAD: [
        SubField("street", {"de": "Straße und Hausnummer", "en": "Street and number"}, True,
                 "text", 100),
        SubField("postcode", {"de": "Postleitzahl", "en": "Postcode"}, False, "text", 20),
        SubField("town", {"de": "Ort", "en": "Town"}, True, "text", 60),
        SubField("country", {"de": "Staat", "en": "Country"}, True, "country"),
    ],
    FieldType.PERSON_NAME: [
        SubField("family_name", {"de": "Familienname", "en": "Family name"}, True, "name", 120),
        SubField("given_names", {"de": "Vornamen", "en": "Given names"}, True, "name", 120),
        SubField("birth_name", {"de": "Geburtsname", "en": "Birth name"}, False, "name", 120),
    ],
}
COUNTRY_CODELIST = "staat"


def label_of(f: FieldDef | SubField) -> dict[str, str]:
    """Labels travel as {language: text} so the error can be shown in the citizen's language."""
    return dict(f.label)


def join_labels(first: Mapping[str, str], second: Mapping[str, str], sep: str = ": ") -> dict[str, str]:
    return {lang: f"{first.get(lang) or first['de']}{sep}{second.get(lang) or second['de']}"
            for lang in {"de", *first, *second}}


def _err(path: str, text: str, **params: str | int | Mapping[str, str]) -> FieldError:
    return FieldError(path, Message(text, params))


def clean_text(raw: str, path: str, label: Mapping[str, str], limit: int, multiline: bool,
               ctx: ParseContext) -> tuple[str | None, list[FieldError]]:
    value = raw.replace("\r\n", "\n").strip() if multiline else " ".join(raw.split())
    if not value:
        return None, []
    if len(value) > limit:
        return None, [_err(path, m.TOO_LONG, label=label, max=limit, length=len(value))]
    if (CONTROL if multiline else CONTROL_SINGLE_LINE).search(value):
        return None, [_err(path, m.CONTROL_CHARS, label=label)]
    bad = ctx.invalid_chars(value)
    if bad:
        return None, [_err(path, m.BAD_CHARS, label=label, chars=" ".join(bad))]
    return value, []


def iban_valid(iban: str) -> bool:
    rearranged = iban[4:] + iban[:4]
    digits = "".join(str(int(c, 36)) for c in rearranged)
    return int(digits) % 97 == 1


def normalize_registration(raw: str) -> str | None:
    match = REGISTRATION.match(" ".join(raw.upper().split()))
    if not match:
        return None
    area, letters, number, suffix = match.groups()
    return f"{area}-{letters} {number}{suffix}"


def parse_date(raw: str) -> date | None:
    raw = raw.strip()
    for pattern in (r"^(\d{4})-(\d{1,2})-(\d{1,2})$", r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$"):
        match = re.match(pattern, raw)
        if match:
            parts = [int(p) for p in match.groups()]
            y, mo, d = parts if pattern.startswith("^(\\d{4})") else parts[::-1]
            try:
                return date(y, mo, d)
            except ValueError:
                return None
    return None


def _decimal(raw: str, money: bool) -> Decimal | None:
    text = raw.strip().replace("€", "").replace(" ", "")
    if money and re.match(r"^\d{1,3}(\.\d{3})+(,\d{1,2})?$", text):
        text = text.replace(".", "")
    text = text.replace(",", ".")
    pattern = r"^-?\d{1,12}(\.\d{1,2})?$" if money else r"^-?\d{1,12}$"
    if not re.match(pattern, text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def parse_scalar(f: FieldDef, raw: list[str], path: str,
                 ctx: ParseContext) -> tuple[Any, list[FieldError]]:
    """Parse a non-composite, non-file, non-group field."""
    label = label_of(f)
    first = raw[0] if raw else ""
    t = f.type
    if t == FieldType.MULTI_CHOICE:
        chosen = [r for r in raw if r.strip()]
        allowed = choice_codes(f, ctx)
        if any(c not in allowed for c in chosen):
            return None, [_err(path, m.NOT_AN_OPTION, label=label)]
        ordered = [c for c in allowed if c in chosen]
        return (ordered or None), []
    if not first.strip():
        return None, []
    if t in (FieldType.TEXT, FieldType.TEXTAREA):
        return clean_text(first, path, label, f.limit, t == FieldType.TEXTAREA, ctx)
    if t in (FieldType.NUMBER, FieldType.MONEY):
        number = _decimal(first, t == FieldType.MONEY)
        if number is None:
            return None, [_err(path, m.NOT_MONEY if t == FieldType.MONEY else m.NOT_A_NUMBER,
                               label=label)]
        if f.min is not None and number < f.min:
            return None, [_err(path, m.NUMBER_TOO_SMALL, label=label, min=str(f.min))]
        if f.max is not None and number > f.max:
            return None, [_err(path, m.NUMBER_TOO_LARGE, label=label, max=str(f.max))]
        return (int(number) if t == FieldType.NUMBER else f"{number:.2f}"), []
    if t == FieldType.DATE:
        return _parse_date_field(f, first, path, ctx)
    if t == FieldType.YES_NO:
        if first not in ("yes", "no"):
            return None, [_err(path, m.NOT_YES_NO, label=label)]
        return first == "yes", []
    if t == FieldType.CHOICE:
        if first not in choice_codes(f, ctx):
            return None, [_err(path, m.NOT_AN_OPTION, label=label)]
        return first, []
    return _parse_formatted(t, first, path, label)


def _parse_date_field(f: FieldDef, first: str, path: str,
                      ctx: ParseContext) -> tuple[Any, list[FieldError]]:
    label = label_of(f)
    value = parse_date(first)
    if value is None or value.year < 1850 or value.year > ctx.today.year + 10:
        return None, [_err(path, m.NOT_A_DATE, label=label)]
    if f.dates is not None:
        if f.dates.min_days is not None:
            earliest = ctx.today + timedelta(days=f.dates.min_days)
            if value < earliest:
                return None, [_err(path, m.DATE_TOO_EARLY, label=label,
                                   date=earliest.strftime("%d.%m.%Y"))]
        if f.dates.max_days is not None:
            latest = ctx.today + timedelta(days=f.dates.max_days)
            if value > latest:
                return None, [_err(path, m.DATE_TOO_LATE, label=label,
                                   date=latest.strftime("%d.%m.%Y"))]
    return value.isoformat(), []


def _parse_formatted(t: FieldType, first: str, path: str,
                     label: Mapping[str, str]) -> tuple[Any, list[FieldError]]:
    compact = "".join(first.split())
    if len(first) > 200:
        compact = ""
    if t == FieldType.EMAIL:
        if not EMAIL.match(compact) or len(compact) > 254:
            return None, [_err(path, m.BAD_EMAIL, label=label)]
        return compact, []
    if t == FieldType.PHONE:
        phone = " ".join(first.split())
        if not PHONE.match(phone):
            return None, [_err(path, m.BAD_PHONE, label=label)]
        return phone, []
    if t == FieldType.IBAN:
        iban = compact.upper()
        if not IBAN.match(iban) or IBAN_LENGTHS.get(iban[:2], len(iban)) != len(iban):
            return None, [_err(path, m.BAD_IBAN_FORMAT, label=label)]
        if not iban_valid(iban):
            return None, [_err(path, m.BAD_IBAN, label=label)]
        return iban, []
    if t == FieldType.POSTCODE:
        if not POSTCODE.match(compact):
            return None, [_err(path, m.BAD_POSTCODE, label=label)]
        return compact, []
    if t == FieldType.VEHICLE_REGISTRATION:
        mark = normalize_registration(first) if len(first) < 30 else None
        if mark is None:
            return None, [_err(path, m.BAD_REGISTRATION, label=label)]
        return mark, []
    if t == FieldType.MICROCHIP:
        if not CHIP.match(compact):
            return None, [_err(path, m.BAD_CHIP, label=label)]
        return compact, []
    raise ValueError(f"not a scalar field type: {t}")


def choice_codes(f: FieldDef, ctx: ParseContext) -> list[str]:
    if f.options is not None:
        return [o.code for o in f.options]
    assert f.codelist is not None
    return codelist_codes(f, ctx.codelists)


def codelist_codes(f: FieldDef, codelists: Mapping[str, CodeList]) -> list[str]:
    """The codes a field offers from its code list, in list order (`codes` selects some)."""
    assert f.codelist is not None
    codes = codelists[f.codelist].codes()
    return [c for c in codes if c in f.codes] if f.codes is not None else codes


def parse_composite(f: FieldDef, form: Mapping[str, list[str]], path: str,
                    ctx: ParseContext) -> tuple[dict[str, str] | None, list[FieldError]]:
    """Address, address abroad, person name: each part is its own input `path.part`."""
    values: dict[str, str] = {}
    errors: list[FieldError] = []
    for sub in SUBFIELDS[f.type]:
        sub_path = f"{path}.{sub.id}"
        raw = (form.get(sub_path) or [""])[0]
        label = join_labels(label_of(f), label_of(sub))
        if not raw.strip():
            continue
        if sub.kind == "postcode":
            value, errs = _parse_formatted(FieldType.POSTCODE, raw, sub_path, label)
        elif sub.kind == "country":
            codes = ctx.codelists[COUNTRY_CODELIST].codes()
            value, errs = (raw, []) if raw in codes else (
                None, [_err(sub_path, m.NOT_AN_OPTION, label=label)])
        else:
            value, errs = clean_text(raw, sub_path, label, sub.max_length, False, ctx)
            if not errs and sub.kind == "house_number" and value and not HOUSE_NUMBER.match(value):
                value, errs = None, [_err(sub_path, m.BAD_HOUSE_NUMBER, label=label)]
            if not errs and sub.kind == "name" and value:
                bad = ctx.invalid_name_chars(value)
                if bad:
                    value, errs = None, [_err(sub_path, m.BAD_NAME_CHARS, label=label,
                                              chars=" ".join(bad))]
        errors.extend(errs)
        if value is not None:
            values[sub.id] = value
    return (values or None), errors


def missing_parts(f: FieldDef, value: dict[str, Any] | None, path: str) -> list[FieldError]:
    """Required parts of a composite that is required, or that was started."""
    out = []
    for sub in SUBFIELDS[f.type]:
        if sub.required and not (value or {}).get(sub.id):
            text = m.REQUIRED_CHOICE if sub.kind == "country" else m.REQUIRED
            out.append(_err(f"{path}.{sub.id}", text, label=join_labels(label_of(f), label_of(sub))))
    return out
