"""Resident parking permit (bewohnerparken.antrag.0301)."""

from __future__ import annotations

from portal.adapters.xoev.layout import address, boolean, box, code, file, name, text
from portal.adapters.xoev.mappers.base import MappedMessage, MessageType, build
from portal.adapters.xoev.model import MessageInput

ANTRAG = MessageType(
    name="bewohnerparken.antrag.0301",
    service_id="bewohnerparkausweis",
    body="bewohnerparkausweis",
    layout=(
        box("antragsteller",
            name("name", "name"),
            address("address", "anschrift", local=True)),
        box("fahrzeug",
            text("registration_mark", "kennzeichen"),
            code("vehicle_relation", "verhaeltnisZumFahrzeug", "verhaeltnis_fahrzeug"),
            file("keeper_confirmation", "halterbestaetigung"),
            file("registration_certificate", "zulassungsbescheinigungTeil1")),
        box("stellplatz",
            boolean("private_parking_available", "privaterStellplatzVorhanden"),
            text("private_parking_explanation", "begruendung")),
        box("gueltigkeit",
            text("validity_months", "dauerMonate"),
            text("start_date", "beginn")),
    ),
)


def bewohnerparkausweis(inp: MessageInput) -> MappedMessage:
    """Applicant with main residence, vehicle and proofs, private parking, validity."""
    return build(ANTRAG, inp)
