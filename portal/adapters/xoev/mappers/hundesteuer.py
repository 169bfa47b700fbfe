"""Dog tax: registration (hundesteuer.anmeldung.0101) and deregistration (…abmeldung.0102)."""

from __future__ import annotations

from portal.adapters.xoev.layout import (
    address,
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
from portal.adapters.xoev.model import MessageInput

DOG = (
    text("name", "name"),
    code("breed", "rasse", "hunderasse"),
    text("breed_details", "rasseBeschreibung"),
    text("colour", "farbe"),
    text("sex", "geschlecht"),
    text("birth_date", "geburtsdatum"),
    text("chip", "transpondernummer"),
    text("keeping_since", "haltungSeit"),
    boolean("dangerous", "gefaehrlich"),
    boolean("moved_from_elsewhere", "zuvorAndernortsAngemeldet"),
    text("previous_municipality", "bisherigeGemeinde"),
    text("previous_tax_tag", "bisherigeSteuermarke"),
)

ANMELDUNG = MessageType(
    name="hundesteuer.anmeldung.0101",
    service_id="hundesteuer-anmeldung",
    body="hundesteuerAnmeldung",
    layout=(
        box("halter",
            name("name", "name"),
            text("birth_date", "geburtsdatum"),
            address("address", "anschrift", local=True),
            text("phone", "telefon"),
            text("email", "email")),
        integer("dogs_already_taxed", "anzahlBereitsVersteuerterHunde"),
        items("dogs", "hund", *DOG),
        box("steuerbefreiung",
            boolean("exemption_requested", "beantragt"),
            code("exemption_reason", "grund", "befreiungsgrund"),
            text("exemption_details", "begruendung"),
            file("exemption_proof", "nachweis")),
        box("zahlung",
            boolean("sepa_mandate", "sepaLastschriftmandat"),
            text("iban", "iban"),
            text("account_holder", "kontoinhaber")),
    ),
)

ABMELDUNG = MessageType(
    name="hundesteuer.abmeldung.0102",
    service_id="hundesteuer-abmeldung",
    body="hundesteuerAbmeldung",
    layout=(
        box("halter",
            name("name", "name"),
            address("address", "anschrift", local=True),
            text("tax_reference", "kassenzeichen"),
            text("tax_tag_number", "steuermarkennummer")),
        box("hund",
            text("dog_name", "name"),
            code("breed", "rasse", "hunderasse"),
            text("chip", "transpondernummer")),
        box("abmeldung",
            code("reason", "grund", "hundesteuer_abmeldegrund"),
            text("event_date", "ereignisdatum"),
            box("neuerHalter",
                name("new_keeper_name", "name"),
                address("new_keeper_address", "anschrift")),
            address("new_address", "neueAnschrift"),
            file("proof", "nachweis"),
            text("remark", "bemerkung")),
    ),
)


def hundesteuer_anmeldung(inp: MessageInput) -> MappedMessage:
    """Keeper, dogs already taxed, each new dog, exemption request and SEPA mandate."""
    return build(ANMELDUNG, inp)


def hundesteuer_abmeldung(inp: MessageInput) -> MappedMessage:
    """Keeper with tax tag, the dog, and why and when keeping it ended (with proof)."""
    return build(ABMELDUNG, inp)
