"""Dog tax: registration (hundesteuer.anmeldung.0101) and deregistration (…abmeldung.0102).

Besides the answers the registration carries, per dog, the rate the portal assessed (from the
stored fee, as the applicant saw it) and, when granted, the complete SEPA mandate.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from portal.adapters.xoev.layout import (
    address,
    boolean,
    box,
    code,
    file,
    integer,
    items,
    list_code,
    name,
    text,
)
from portal.adapters.xoev.mappers.base import MappedMessage, MessageType, build
from portal.adapters.xoev.model import MessageInput
from portal.definitions.sepa import mandate

# View keys contain "-", which field ids cannot (portal.definitions.model.IDENT): no clash.
ASSESSMENT, MANDATE = "tax-assessment", "sepa-mandate"
RATES = {"first": ("01", "erster Hund"), "second": ("02", "zweiter Hund"),
         "further": ("03", "jeder weitere Hund"), "dangerous": ("04", "gefährlicher Hund"),
         "exempt": ("05", "steuerfrei")}
RATE_LIST = "urn:de:ozg-portal:codeliste:hundesteuersatz"
PAYMENT_KINDS = {"recurrent": ("01", "wiederkehrende Zahlung"),
                 "one-off": ("02", "einmalige Zahlung")}
PAYMENT_KIND_LIST = "urn:de:ozg-portal:codeliste:lastschriftzahlungsart"

DOG = (
    text("name", "name"),
    code("breed", "rasse", "hunderasse"),
    text("breed_details", "rasseBeschreibung"),
    boolean("listed_breed_cross", "kreuzungMitListenrasse"),
    text("colour", "farbe"),
    code("sex", "geschlecht", "hund_geschlecht"),
    text("birth_date", "geburtsdatum"),
    text("chip", "transpondernummer"),
    text("keeping_since", "haltungSeit"),
    box("wesenstest",
        boolean("temperament_test", "bestanden"),
        file("temperament_test_certificate", "bescheinigung")),
    boolean("dangerous", "gefaehrlichFestgestellt"),
    box("steuerbefreiung",
        boolean("relief_requested", "beantragt"),
        code("relief_reason", "grund", "befreiungsgrund"),
        text("relief_details", "begruendung"),
        file("relief_proof", "nachweis")),
    boolean("moved_from_elsewhere", "zuvorAndernortsAngemeldet"),
    text("previous_municipality", "bisherigeGemeinde"),
    text("previous_tax_tag", "bisherigeSteuermarke"),
    items(ASSESSMENT, "steuer",
          list_code("rate", "steuersatz", RATE_LIST, RATES),
          boolean("listed", "gefaehrlichNachRasseliste"),
          text("amount", "jahresbetrag"), repeated=False),
)

SEPA_MANDATE = items(
    MANDATE, "sepaLastschriftmandat",
    box("zahlungsempfaenger",
        text("creditor_name", "name"),
        text("creditor_address", "anschrift"),
        text("creditor_id", "glaeubigerIdentifikationsnummer")),
    text("reference", "mandatsreferenz"),
    list_code("kind", "zahlungsart", PAYMENT_KIND_LIST, PAYMENT_KINDS),
    text("text", "mandatstext"),
    text("signed_on", "datumDerErteilung"),
    box("kontoinhaber",
        text("holder_name", "name"),
        address("holder_address", "anschrift"),
        boolean("holder_is_applicant", "istAntragsteller")),
    text("iban", "iban"),
    repeated=False)


def enrich_registration(inp: MessageInput, view: dict[str, Any]) -> dict[str, Any]:
    """Each dog's assessed rate from the stored fee lines; the SEPA mandate in place of the
    answers it is made of (IBAN, account holder)."""
    out = dict(view)
    lines = {str(line.get("ref")): line for line in inp.fee.get("lines") or []
             if isinstance(line, Mapping)}
    dogs = []
    for index, dog in enumerate(out.get("dogs") or []):
        line = lines.get(f"dogs.{index}")
        dog = dict(dog)
        if line is not None:
            category = str(line.get("category") or "")
            dog[ASSESSMENT] = {"rate": category.removesuffix("-listed"),
                               "listed": category == "dangerous-listed",
                               "amount": f"{Decimal(str(line.get('amount'))):.2f}"}
        dogs.append(dog)
    if dogs:
        out["dogs"] = dogs
    assert inp.service.sepa_mandate is not None
    fields = inp.service.sepa_mandate
    for key in (fields.iban, fields.holder_differs, fields.holder_name, fields.holder_address):
        out.pop(key, None)
    granted = mandate(inp.service, inp.answers, inp.municipality, inp.reference,
                      inp.submitted_at.date())
    if granted is not None:
        out[MANDATE] = {
            "creditor_name": granted.creditor_name, "creditor_address": granted.creditor_address,
            "creditor_id": granted.creditor_id, "reference": granted.reference,
            "kind": "recurrent" if granted.recurrent else "one-off",
            "text": granted.text["de"], "signed_on": granted.signed_on.isoformat(),
            "holder_name": granted.holder_name, "holder_address": dict(granted.holder_address),
            "holder_is_applicant": granted.holder_is_applicant, "iban": granted.iban}
    return out


def answers_of_registration(view: Mapping[str, Any]) -> dict[str, Any]:
    """Answers back from a registration: the computed parts dropped, the mandate's account
    holder and IBAN returned to the answers they came from."""
    out = dict(view)
    if "dogs" in out:
        out["dogs"] = [{k: v for k, v in dog.items() if k != ASSESSMENT} for dog in out["dogs"]]
    granted = out.pop(MANDATE, None)
    if isinstance(granted, Mapping):
        out["iban"] = granted.get("iban", "")
        differs = granted.get("holder_is_applicant") is False
        out["account_holder_differs"] = differs
        if differs:
            out["account_holder"] = granted.get("holder_name", "")
            out["account_holder_address"] = granted.get("holder_address", {})
    return out


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
        box("haushalt",
            integer("dogs_already_taxed", "anzahlBereitsVersteuerterHunde"),
            text("household_tax_reference", "kassenzeichen")),
        items("dogs", "hund", *DOG),
        box("zahlung",
            boolean("sepa_mandate", "sepaLastschriftmandatErteilt"),
            SEPA_MANDATE),
    ),
    from_view=answers_of_registration,
    enrich=enrich_registration,
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
    """Keeper, the household's dogs already taxed, each new dog with its assessed rate, and
    the SEPA mandate when granted."""
    return build(ANMELDUNG, inp)


def hundesteuer_abmeldung(inp: MessageInput) -> MappedMessage:
    """Keeper, the dog (transponder number), and why and when keeping it ended (with proof)."""
    return build(ABMELDUNG, inp)
