"""Resident parking permit (bewohnerparken.antrag.0301)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from portal.adapters.xoev.layout import address, boolean, box, code, file, name, text
from portal.adapters.xoev.mappers.base import MappedMessage, MessageType, build
from portal.adapters.xoev.model import MessageInput

# View key with "-", which field ids cannot contain: no clash with an answer.
VERIFIED = "address-verified"
# The notice the `eid_verified` validator leaves when the address did not come from the eID.
UNVERIFIED_ADDRESS = "unverified:address"


def enrich(inp: MessageInput, view: dict[str, Any]) -> dict[str, Any]:
    """Whether the main residence came from the eID (trust level 4, locked in the form) or
    must be checked in the population register by the back office."""
    codes = {str(n.get("code") or "") for n in inp.notices if isinstance(n, Mapping)}
    return {**view, VERIFIED: UNVERIFIED_ADDRESS not in codes}


def drop_computed(view: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in view.items() if k != VERIFIED}


ANTRAG = MessageType(
    name="bewohnerparken.antrag.0301",
    service_id="bewohnerparkausweis",
    body="bewohnerparkausweis",
    layout=(
        box("antragsteller",
            name("name", "name"),
            address("address", "anschrift", local=True),
            boolean(VERIFIED, "anschriftDurchEIdBestaetigt")),
        box("fahrzeug",
            text("registration_mark", "kennzeichen"),
            text("vehicle_make", "marke"),
            code("vehicle_relation", "verhaeltnisZumFahrzeug", "verhaeltnis_fahrzeug"),
            box("halter",
                text("keeper_name", "name"),
                address("keeper_address", "anschrift")),
            file("keeper_confirmation", "halterbestaetigung"),
            file("registration_certificate", "zulassungsbescheinigungTeil1")),
        box("stellplatz",
            boolean("private_parking_available", "privaterStellplatzVorhanden"),
            text("private_parking_explanation", "begruendung")),
        box("gueltigkeit",
            text("validity_months", "dauerMonate"),
            text("start_date", "beginn")),
    ),
    from_view=drop_computed,
    enrich=enrich,
)


def bewohnerparkausweis(inp: MessageInput) -> MappedMessage:
    """Applicant with main residence (and whether the eID vouches for it), vehicle with its
    keeper and proofs, private parking, validity."""
    return build(ANTRAG, inp)
