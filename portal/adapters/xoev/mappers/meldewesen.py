"""Residence registration: Anmeldung (0201), Ummeldung (0202), Abmeldung (0203).

The bodies follow OSCI-XMeld's information model (message 1704, onlinedienste.anmeldung.
meldeschein): identification of the person who registers, natural persons with their data items
of § 3 Abs. 1 BMG, relations between them, dwellings, landlord's confirmation. An XMeld 26.11
adapter can then map element by element. Every domestic address carries the municipality key
its data gives (see elements.write_address).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from portal.adapters.xoev.layout import (
    Node,
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
from portal.adapters.xoev.model import (
    COUNTRY_CODELIST,
    NATIONALITY_CODELIST,
    SEX_CODELIST,
    MessageInput,
)

# View keys contain "-", which field ids cannot (portal.definitions.model.IDENT): no clash.
# They are derived from the answers (links between persons) and dropped when reading back.
PARTNER, REPRESENTATIVES, POSITION = "-partner", "-representatives", "position"
# Codes of the portal list "beziehung" (forms/codelists/beziehung.yaml).
SELF, PARTNER_CODES = "S", ("E", "L")


def domestic(key: str, tag: str) -> Node:
    """A domestic address with its municipality key where the data knows it."""
    return address(key, tag, local=True)


PERSON = (
    integer(POSITION, "laufendeNummer"),
    code("relationship", "beziehung", "beziehung"),
    box("namen",
        name("name", "name"),
        text("usual_given_name", "gebraeuchlicherVorname"),
        text("doctorate", "doktorgrad"),
        text("religious_name", "ordensname"),
        text("artist_name", "kuenstlername")),
    box("geburt",
        text("birth_date", "datum"),
        text("birth_place", "ort"),
        code("birth_country", "staat", COUNTRY_CODELIST)),
    code("sex", "geschlecht", SEX_CODELIST),
    code("nationalities", "staatsangehoerigkeit", NATIONALITY_CODELIST, repeated=True),
    box("religionszugehoerigkeit",
        code("religion", "religionsgesellschaft", "religion"),
        text("religion_other", "bezeichnung")),
    box("familienstand",
        code("marital_status", "familienstand", "familienstand"),
        box("eheschliessung",
            text("marriage_date", "datum"),
            text("marriage_place", "ort"),
            code("marriage_country", "staat", COUNTRY_CODELIST)),
        integer(PARTNER, "ehegatteLebenspartner")),
    box("gesetzlicheVertretung",
        boolean("rep_registrant", "meldendePerson"),
        boolean("rep_partner", "ehegatteLebenspartner"),
        boolean("rep_other", "weitereVertretung"),
        text(REPRESENTATIVES, "vertreter", repeated=True),
        box("weitererVertreter",
            name("rep_other_name", "name"),
            text("rep_other_doctorate", "doktorgrad"),
            text("rep_other_birth_date", "geburtsdatum"),
            code("rep_other_sex", "geschlecht", SEX_CODELIST),
            domestic("rep_other_address", "anschrift"))),
    code("housing_status", "wohnungsstatus", "wohnungsstatus"),
    box("ausweisdokument",
        code("id_document_type", "art", "ausweisdokument"),
        text("id_document_authority", "ausstellendeBehoerde"),
        text("id_document_number", "seriennummer"),
        text("id_document_issued", "ausstellungsdatum"),
        text("id_document_valid_until", "gueltigBis")),
    code("objections", "datenuebermittlungssperre", "widerspruch", repeated=True),
)
MOVE_IN = (
    box("neueWohnung",
        domestic("new_address", "anschrift"),
        text("move_in_date", "einzugsdatum")),
    box("weitereWohnungen",
        boolean("has_other_dwellings", "vorhanden"),
        items("other_dwellings", "wohnung",
              domestic("address", "anschrift"),
              code("status", "wohnungsstatus", "wohnungsstatus"))),
)
LANDLORD = box(
    "wohnungsgeberbestaetigung",
    code("landlord_confirmation_kind", "art", "bestaetigungsart"),
    text("landlord_reference", "zuordnungsmerkmal"),
    box("wohnungsgeber",
        text("landlord_name", "name"),
        domestic("landlord_address", "anschrift"),
        boolean("landlord_is_owner", "istEigentuemer")),
    box("eigentuemer",
        text("owner_name", "name"),
        domestic("owner_address", "anschrift")),
    text("landlord_confirmed_move_in", "einzugsdatum"),
    boolean("landlord_confirmation_complete", "vollstaendig"),
    file("landlord_confirmation_upload", "bestaetigung"),
)


def number_persons(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The persons keep their position in the form as laufendeNummer."""
    view = dict(answers)
    if view.get("persons"):
        view["persons"] = [dict(p, **{POSITION: i}) for i, p in enumerate(view["persons"], 1)]
    return view


def link_persons(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Numbered persons with the relations XMeld keeps as references: spouse or partner of the
    person who registers themselves (§ 3 Abs. 1 Nr. 15 BMG) and a child's legal
    representatives in the same registration (§ 3 Abs. 1 Nr. 9 BMG)."""
    view = number_persons(answers)
    persons: list[dict[str, Any]] = view.get("persons") or []
    self_first = bool(persons) and persons[0].get("relationship") == SELF
    partner = next((p[POSITION] for p in persons if p.get("relationship") in PARTNER_CODES),
                   None)
    for person in persons:
        if self_first and partner is not None and person[POSITION] in (1, partner):
            person[PARTNER] = partner if person[POSITION] == 1 else 1
        representatives = []
        if self_first and person.get("rep_registrant") is True:
            representatives.append(1)
        if partner is not None and person.get("rep_partner") is True:
            representatives.append(partner)
        if representatives:
            person[REPRESENTATIVES] = representatives
    return view


def unlink_persons(view: Mapping[str, Any]) -> dict[str, Any]:
    answers = dict(view)
    if "persons" in answers:
        persons = sorted(answers["persons"], key=lambda p: int(p.get(POSITION, 0)))
        answers["persons"] = [{k: v for k, v in p.items()
                               if k not in (POSITION, PARTNER, REPRESENTATIVES)}
                              for p in persons]
    return answers


ANMELDUNG = MessageType(
    name="meldewesen.anmeldung.0201",
    service_id="wohnsitz-anmeldung",
    body="anmeldung",
    layout=(
        code("registration_for", "meldefall", "meldefall"),
        box("bisherigeWohnung",
            boolean("previous_home_in_germany", "imInland"),
            domestic("previous_address", "anschrift")),
        *MOVE_IN,
        items("persons", "person", *PERSON),
        LANDLORD,
    ),
    to_view=link_persons,
    from_view=unlink_persons,
    identification=True,
)

UMMELDUNG = MessageType(
    name="meldewesen.ummeldung.0202",
    service_id="wohnsitz-ummeldung",
    body="ummeldung",
    layout=(
        code("registration_for", "meldefall", "meldefall"),
        box("bisherigeWohnung", domestic("previous_address", "anschrift")),
        *MOVE_IN,
        items("persons", "person", *PERSON),
        LANDLORD,
    ),
    to_view=link_persons,
    from_view=unlink_persons,
    identification=True,
)

ABMELDUNG = MessageType(
    name="meldewesen.abmeldung.0203",
    service_id="wohnsitz-abmeldung",
    body="abmeldung",
    layout=(
        code("registration_for", "meldefall", "meldefall"),
        code("reason", "grund", "abmeldegrund"),
        text("move_out_date", "auszugsdatum"),
        domestic("address", "aufgegebeneWohnung"),
        domestic("secondary_address", "aufgegebeneNebenwohnung"),
        address_abroad("new_address_abroad", "neueAnschriftAusland"),
        items("persons", "person",
              integer(POSITION, "laufendeNummer"),
              code("relationship", "beziehung", "beziehung"),
              name("name", "name"),
              text("birth_date", "geburtsdatum")),
        text("email", "email"),
    ),
    to_view=number_persons,
    from_view=unlink_persons,
    identification=True,
)


def wohnsitz_anmeldung(inp: MessageInput) -> MappedMessage:
    """Move into the municipality from a home in Germany: who registers, previous and new home,
    other homes kept, persons, landlord confirmation."""
    return build(ANMELDUNG, inp)


def wohnsitz_ummeldung(inp: MessageInput) -> MappedMessage:
    """Move within the municipality: like the Anmeldung, the previous home lies in it."""
    return build(UMMELDUNG, inp)


def wohnsitz_abmeldung(inp: MessageInput) -> MappedMessage:
    """Deregistration: who, reason, date, the home given up, new address abroad, persons."""
    return build(ABMELDUNG, inp)
