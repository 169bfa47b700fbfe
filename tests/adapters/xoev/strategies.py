"""Hypothesis strategies that generate valid submissions from a service definition itself.

Fields are walked by type, so a field added to a form is generated without touching this
file. Values look the way the form parsers (portal.definitions.fields) leave them: trimmed
single-line text, ISO dates within the field's date rule, codes from the field's options or
code list, characters only from DIN 91379 datatype C (datatype A in names of persons).
Conditions are applied afterwards with the portal's own `prune_hidden`, exactly as on
submission.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

from hypothesis import strategies as st

from portal.adapters.xoev.schemas import DIN_NS, MessageSchemas
from portal.definitions.codelists import CodeList
from portal.definitions.exclusions import exclusions_hit
from portal.definitions.fields import COUNTRY_CODELIST, PHONE, SUBFIELDS, SubField, codelist_codes
from portal.definitions.model import FieldDef, FieldType, ServiceDefinition
from portal.definitions.steps import prune_hidden

MB = 1024 * 1024
GROUP_CAP = 4  # more items add time, not coverage
# Normative multi-character sequences of datatype C (base letter + combining marks).
SEQUENCES = ["A\u030b", "C\u0300", "L\u0325\u0304", "K\u035fh", "n\u0302", "\u1e32\u0304"]


@lru_cache(maxsize=1)
def din_alphabet(schemas: MessageSchemas) -> tuple[str, ...]:
    """Every single character of DIN 91379 datatype C, taken from the schema's own type."""
    chars = [chr(c) for c in range(0x20, 0x2500) if schemas.din_c.is_valid(chr(c))]
    return tuple(chars + [s for s in SEQUENCES if schemas.din_c.is_valid(s)])


@lru_cache(maxsize=1)
def name_alphabet(schemas: MessageSchemas) -> tuple[str, ...]:
    """DIN 91379 datatype A, the characters of names of natural persons."""
    type_a = schemas.portal.maps.types[f"{{{DIN_NS}}}datatypeA"]
    chars = [chr(c) for c in range(0x20, 0x2500) if type_a.is_valid(chr(c))]
    return tuple(chars + [s for s in SEQUENCES if type_a.is_valid(s)])


def line(schemas: MessageSchemas, limit: int,
         alphabet: tuple[str, ...] | None = None) -> st.SearchStrategy[str]:
    """Single-line text as `clean_text` leaves it: trimmed, single spaces, not empty."""
    pieces = st.lists(st.sampled_from(alphabet or din_alphabet(schemas)), min_size=1,
                      max_size=limit)
    return (pieces.map(lambda p: " ".join("".join(p).split()))
            .filter(lambda s: 0 < len(s) <= limit))


def multiline(schemas: MessageSchemas, limit: int) -> st.SearchStrategy[str]:
    alphabet = (*din_alphabet(schemas), "\n", "\n", "\t", "\r")
    pieces = st.lists(st.sampled_from(alphabet), min_size=1, max_size=min(limit, 400))
    return (pieces.map(lambda p: "".join(p).replace("\r\n", "\n").strip())
            .filter(lambda s: 0 < len(s) <= limit))


def iban() -> st.SearchStrategy[str]:
    def with_check(bban: str) -> str:
        check = 98 - int(bban + "131400") % 97
        return f"DE{check:02d}{bban}"
    return st.from_regex(r"[0-9]{18}", fullmatch=True).map(with_check)


def _formatted(field_type: FieldType) -> st.SearchStrategy[str]:
    patterns = {
        FieldType.EMAIL: r"[a-z0-9][a-z0-9._+-]{0,15}@[a-z0-9]{1,10}(-[a-z0-9]{1,5})?\.[a-z]{2,6}",
        FieldType.POSTCODE: r"[0-9]{5}",
        FieldType.MICROCHIP: r"[0-9]{15}",
        FieldType.VEHICLE_REGISTRATION: r"[A-ZÄÖÜ]{1,3}-[A-Z]{1,2} [0-9]{1,4}[EH]?",
        FieldType.PHONE: r"\+?[0-9][0-9 ()/-]{4,20}[0-9]",
    }
    strategy = st.from_regex(patterns[field_type], fullmatch=True)
    if field_type == FieldType.PHONE:
        return strategy.map(lambda s: " ".join(s.split())).filter(lambda s: bool(PHONE.match(s)))
    return strategy


def _subfield(schemas: MessageSchemas, sub: SubField,
              codelists: Mapping[str, CodeList]) -> st.SearchStrategy[str]:
    if sub.kind == "postcode":
        return _formatted(FieldType.POSTCODE)
    if sub.kind == "house_number":
        return st.from_regex(r"[0-9]{1,4}( ?[a-zA-Z])?", fullmatch=True)
    if sub.kind == "country":
        return st.sampled_from(codelists[COUNTRY_CODELIST].codes())
    if sub.kind == "name":
        return line(schemas, sub.max_length, name_alphabet(schemas))
    return line(schemas, sub.max_length)


def _composite(schemas: MessageSchemas, f: FieldDef,
               codelists: Mapping[str, CodeList]) -> st.SearchStrategy[dict[str, str]]:
    required = {s.id: _subfield(schemas, s, codelists) for s in SUBFIELDS[f.type] if s.required}
    optional = {s.id: _subfield(schemas, s, codelists) for s in SUBFIELDS[f.type]
                if not s.required}
    return st.fixed_dictionaries(required, optional=optional)


def _date(f: FieldDef, today: date) -> st.SearchStrategy[str]:
    rule = f.dates
    low = rule.min_days if rule and rule.min_days is not None else -36500
    high = rule.max_days if rule and rule.max_days is not None else 3650
    return st.integers(low, high).map(lambda d: (today + timedelta(days=d)).isoformat())


def _choices(f: FieldDef, codelists: Mapping[str, CodeList]) -> list[str]:
    if f.options is not None:
        return [o.code for o in f.options]
    return codelist_codes(f, codelists)


def value(schemas: MessageSchemas, f: FieldDef, codelists: Mapping[str, CodeList],
          today: date) -> st.SearchStrategy[Any]:
    t = f.type
    if t == FieldType.TEXT:
        return line(schemas, f.limit)
    if t == FieldType.TEXTAREA:
        return multiline(schemas, f.limit)
    if t == FieldType.NUMBER:
        low = int(f.min) if f.min is not None else 0
        return st.integers(low, int(f.max) if f.max is not None else low + 10**6)
    if t == FieldType.MONEY:
        return st.decimals(f.min or Decimal(0), f.max or Decimal(10**6), places=2,
                           allow_nan=False, allow_infinity=False).map(lambda d: f"{d:.2f}")
    if t == FieldType.DATE:
        return _date(f, today)
    if t == FieldType.YES_NO:
        return st.booleans()
    if t == FieldType.CHOICE:
        return st.sampled_from(_choices(f, codelists))
    if t == FieldType.MULTI_CHOICE:
        allowed = _choices(f, codelists)
        return (st.lists(st.sampled_from(allowed), min_size=1, max_size=4, unique=True)
                .map(lambda chosen: [c for c in allowed if c in chosen]))
    if t == FieldType.IBAN:
        return iban()
    if t in SUBFIELDS:
        return _composite(schemas, f, codelists)
    if t == FieldType.FILE:
        return st.fixed_dictionaries({
            "upload_id": st.uuids(version=4).map(str),
            "filename": line(schemas, 100).map(lambda s: s.replace("/", "_") + ".pdf"),
            "content_type": st.sampled_from(f.accept),
            "size": st.integers(1, f.max_size_mb * MB),
        })
    if t == FieldType.GROUP:
        assert f.fields is not None and f.repeat is not None
        item = _fields(schemas, f.fields, codelists, today)
        return st.lists(item, min_size=max(f.repeat.min, 1),
                        max_size=min(f.repeat.max, GROUP_CAP))
    return _formatted(t)


def _fields(schemas: MessageSchemas, fields: list[FieldDef], codelists: Mapping[str, CodeList],
            today: date) -> st.SearchStrategy[dict[str, Any]]:
    """Fields that are (conditionally) required always get a value, the others maybe."""
    required = {f.id: value(schemas, f, codelists, today) for f in fields if _needed(f)}
    optional = {f.id: value(schemas, f, codelists, today) for f in fields if not _needed(f)}
    return st.fixed_dictionaries(required, optional=optional)


def _needed(f: FieldDef) -> bool:
    # A group with a minimum number of items is required even without `required: true`.
    return (f.required or f.required_if is not None
            or (f.repeat is not None and f.repeat.min > 0))


def answers_for(schemas: MessageSchemas, service: ServiceDefinition,
                codelists: Mapping[str, CodeList], today: date) -> st.SearchStrategy[dict[str, Any]]:
    # Cases the service sends to the office (exclusions) are never submitted. Their conditions
    # usually look at top-level answers: those are drawn (and filtered) before the groups, so
    # large group items are not generated only to be thrown away.
    fields = service.all_fields()
    top = _fields(schemas, [f for f in fields if f.type != FieldType.GROUP], codelists, today)
    groups = _fields(schemas, [f for f in fields if f.type == FieldType.GROUP], codelists, today)
    allowed = top.filter(lambda answers: not exclusions_hit(service, prune_hidden(service,
                                                                                  answers)))
    raw = st.tuples(allowed, groups).map(lambda parts: {**parts[0], **parts[1]})
    return (raw.map(lambda answers: prune_hidden(service, answers))
            .filter(lambda answers: not exclusions_hit(service, answers)))
