"""Residence registration: Anmeldung (0201), Ummeldung (0202), Abmeldung (0203).

Anmeldung and Ummeldung follow XMeld message 1704: the applicant is singled out from the
persons moving with them. An XMeld 26.11 adapter can then map element by element.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from portal.adapters.xoev.layout import (
    address,
    address_abroad,
    boolean,
    box,
    code,
    file,
    integer,
    items,
    name,
    text,
)
from portal.adapters.xoev.mappers.base import MappedMessage, MessageType, build
from portal.adapters.xoev.model import NATIONALITY_CODELIST, SEX_CODELIST, MessageInput

# View keys contain "-", which field ids cannot (portal.definitions.model.IDENT): no clash.
APPLICANT, MOVING = "persons-applicant", "persons-moving"

PERSON = (
    integer("position", "laufendeNummer"),
    name("name", "name"),
    text("birth_date", "geburtsdatum"),
    text("birth_place", "geburtsort"),
    code("sex", "geschlecht", SEX_CODELIST),
    code("nationalities", "staatsangehoerigkeit", NATIONALITY_CODELIST, repeated=True),
    text("relationship", "beziehung"),
)
MOVE_IN = (
    text("move_in_date", "einzugsdatum"),
    box("neueWohnung",
        address("new_address", "anschrift", local=True),
        code("housing_status", "wohnungsstatus", "wohnungsstatus")),
    address("other_flat_address", "andereWohnung"),
)
PERSONS = (
    items(APPLICANT, "antragsteller", *PERSON, repeated=False),
    items(MOVING, "mitziehendePerson", *PERSON),
)
LANDLORD = box("wohnungsgeber",
               text("landlord_name", "name"),
               text("landlord_confirmation_kind", "bestaetigungsart"),
               text("landlord_reference", "zuordnungsmerkmal"),
               file("landlord_confirmation_upload", "bestaetigung"))


def split_persons(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The first person who is the applicant becomes `antragsteller`; everyone keeps their
    position in the form as `laufendeNummer`. Nobody may be the applicant: a parent can
    register a child who moves in with them."""
    view = dict(answers)
    persons = [dict(p, position=i) for i, p in enumerate(view.pop("persons", None) or [], 1)]
    applicant = next((p for p in persons if p.get("relationship") == "applicant"), None)
    view[APPLICANT] = applicant
    view[MOVING] = [p for p in persons if p is not applicant]
    return view


def join_persons(view: Mapping[str, Any]) -> dict[str, Any]:
    answers = dict(view)
    persons = [answers.pop(APPLICANT)] if APPLICANT in answers else []
    persons += answers.pop(MOVING, [])
    persons.sort(key=lambda p: int(p.get("position", 0)))
    if persons:
        answers["persons"] = [{k: v for k, v in p.items() if k != "position"} for p in persons]
    return answers


ANMELDUNG = MessageType(
    name="meldewesen.anmeldung.0201",
    service_id="wohnsitz-anmeldung",
    body="anmeldung",
    layout=(
        *MOVE_IN,
        box("bisherigeWohnung",
            boolean("moved_from_abroad", "zuzugAusDemAusland"),
            address("previous_address", "anschrift"),
            address_abroad("previous_address_abroad", "anschriftAusland")),
        *PERSONS,
        LANDLORD,
    ),
    to_view=split_persons,
    from_view=join_persons,
)

UMMELDUNG = MessageType(
    name="meldewesen.ummeldung.0202",
    service_id="wohnsitz-ummeldung",
    body="ummeldung",
    layout=(
        *MOVE_IN,
        box("bisherigeWohnung", address("previous_address", "anschrift", local=True)),
        *PERSONS,
        LANDLORD,
    ),
    to_view=split_persons,
    from_view=join_persons,
)

ABMELDUNG = MessageType(
    name="meldewesen.abmeldung.0203",
    service_id="wohnsitz-abmeldung",
    body="abmeldung",
    layout=(
        text("reason", "grund"),
        text("move_out_date", "auszugsdatum"),
        address("address", "aufgegebeneWohnung", local=True),
        address("secondary_address", "aufgegebeneNebenwohnung", local=True),
        address_abroad("new_address_abroad", "neueAnschriftAusland"),
        items("persons", "abmeldendePerson",
              name("name", "name"),
              text("birth_date", "geburtsdatum")),
        text("email", "email"),
    ),
)


def wohnsitz_anmeldung(inp: MessageInput) -> MappedMessage:
    """Move into the municipality: new flat, previous flat (domestic or abroad), persons,
    landlord confirmation."""
    return build(ANMELDUNG, inp)


def wohnsitz_ummeldung(inp: MessageInput) -> MappedMessage:
    """Move within the municipality: like the Anmeldung, previous flat is local."""
    return build(UMMELDUNG, inp)


def wohnsitz_abmeldung(inp: MessageInput) -> MappedMessage:
    """Deregistration: reason, date, the flat given up (the home when moving abroad, else the
    secondary home), new address abroad, persons."""
    return build(ABMELDUNG, inp)
