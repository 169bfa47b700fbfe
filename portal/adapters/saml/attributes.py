"""BundID attributes (`urn:oid:` names) and STORK-QAA trust levels."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

GIVEN_NAME = "urn:oid:2.5.4.42"
SURNAME = "urn:oid:2.5.4.4"
BIRTH_NAME = "urn:oid:1.2.40.0.10.2.1.1.225566"
PERSONAL_TITLE = "urn:oid:0.9.2342.19200300.100.1.40"
BIRTH_DATE = "urn:oid:1.2.40.0.10.2.1.1.55"
PLACE_OF_BIRTH = "urn:oid:1.3.6.1.5.5.7.9.2"
GENDER = "urn:oid:1.3.6.1.4.1.33592.1.3.5"
NATIONALITY = "urn:oid:1.2.40.0.10.2.1.1.225577"
DOCUMENT_TYPE = "urn:oid:1.2.40.0.10.2.1.1.552255"
POSTAL_ADDRESS = "urn:oid:2.5.4.16"
POSTAL_CODE = "urn:oid:2.5.4.17"
LOCALITY = "urn:oid:2.5.4.7"
COUNTRY = "urn:oid:1.2.40.0.10.2.1.1.225599"
MAIL = "urn:oid:0.9.2342.19200300.100.1.3"
BPK2 = "urn:oid:1.3.6.1.4.1.25484.494450.3"
QAA_LEVEL = "urn:oid:1.2.40.0.10.2.1.1.261.94"
PROVED_BY = "urn:oid:1.3.6.1.4.1.25484.494450.2"

# Requested from BundID for every citizen service: what the prefill needs, plus the level.
REQUESTED = ((BPK2, True), (SURNAME, True), (GIVEN_NAME, True), (BIRTH_NAME, False),
             (BIRTH_DATE, False), (PLACE_OF_BIRTH, False), (NATIONALITY, False),
             (POSTAL_ADDRESS, False), (POSTAL_CODE, False), (LOCALITY, False), (COUNTRY, False),
             (MAIL, False), (QAA_LEVEL, True))

STORK = "STORK-QAA-Level-{}"
_STORK = re.compile(r"(?:^|[:/])STORK-QAA-Level-([1-4])$")
_GERMAN = {"d", "de", "deu", "deutsch", "german", "000"}
_HOUSE = re.compile(r"^(?P<street>.+?)\s+(?P<number>\d{1,4}\s*[a-zA-Z]?)(?:\s*[,/]?\s*"
                    r"(?P<addition>.+))?$")


def stork_level(value: str | None) -> int | None:
    match = _STORK.search((value or "").strip())
    return int(match.group(1)) if match else None


def asserted_level(authn_contexts: list[str], attributes: dict[str, list[Any]]) -> int:
    """The lower of the AuthnContextClassRef and the level attribute: if the two disagree,
    the portal believes the weaker claim. No recognisable level counts as 1."""
    levels = [lv for lv in (stork_level(c) for c in authn_contexts) if lv]
    from_attr = stork_level(_first(attributes, QAA_LEVEL))
    if from_attr:
        levels.append(from_attr)
    return min(levels) if levels else 1


def _first(attributes: dict[str, list[Any]], name: str) -> str | None:
    values = [v for v in attributes.get(name) or [] if isinstance(v, str) and v.strip()]
    return values[0].strip() if values else None


def _birth_date(value: str | None) -> str | None:
    """eID birth dates can be partial ("1964-xx-xx"); those are not prefilled."""
    if not value:
        return None
    for fmt in ("%Y-%m-%d", "%Y%m%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(value[:10], fmt).date().isoformat()
        except ValueError:
            continue
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        return None


def _address(street_line: str | None, postcode: str | None, town: str | None,
             country: str | None) -> dict[str, str] | None:
    if not (street_line and town):
        return None
    if country and country.strip().lower() not in _GERMAN:
        return None  # the form's domestic address; a foreign one is typed by the citizen
    address = {"street": street_line.strip(), "postcode": (postcode or "").strip(),
               "town": town.strip()}
    match = _HOUSE.match(street_line.strip())
    if match:
        address["street"] = match.group("street").strip()
        address["house_number"] = match.group("number").replace(" ", "")
        if match.group("addition"):
            address["addition"] = match.group("addition").strip()
    return address


@dataclass(frozen=True)
class Person:
    subject: str
    trust_level: int
    family_name: str
    given_names: str
    birth_name: str | None
    birth_date: str | None
    birth_place: str | None
    address: dict[str, str] | None
    email: str | None
    nationality: str | None
    bpk2: str | None
    proved_by: str | None


def person_from_attributes(attributes: dict[str, list[Any]], authn_contexts: list[str],
                           name_id: str | None) -> Person:
    """One person from the assertion. The stable key is bPK2 (sector-specific, the same at
    every login); a transient NameID is only a fallback for logins that carry no bPK2."""
    bpk2 = _first(attributes, BPK2)
    subject = bpk2 or name_id
    if not subject:
        raise ValueError("the assertion names no person (neither bPK2 nor NameID)")
    nationality = _first(attributes, NATIONALITY)
    return Person(
        subject=subject, trust_level=asserted_level(authn_contexts, attributes),
        family_name=_first(attributes, SURNAME) or "",
        given_names=_first(attributes, GIVEN_NAME) or "",
        birth_name=_first(attributes, BIRTH_NAME),
        birth_date=_birth_date(_first(attributes, BIRTH_DATE)),
        birth_place=_first(attributes, PLACE_OF_BIRTH),
        address=_address(_first(attributes, POSTAL_ADDRESS), _first(attributes, POSTAL_CODE),
                         _first(attributes, LOCALITY), _first(attributes, COUNTRY)),
        email=_first(attributes, MAIL),
        # Only German is mapped: the portal's list uses destatis keys, BundID ICAO codes.
        nationality="000" if nationality and nationality.lower() in _GERMAN else None,
        bpk2=bpk2, proved_by=_first(attributes, PROVED_BY),
    )
