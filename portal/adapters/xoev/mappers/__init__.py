"""One mapper per service: service id -> function from `MessageInput` to the message.

The registry is what the rest of the portal uses; `check_definitions` tells whether a
service definition names the message its mapper produces (`xoev_message`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from lxml import etree

from portal.adapters.xoev.mappers import bewohnerparken, hundesteuer, meldewesen
from portal.adapters.xoev.mappers.base import (
    DecodedMessage,
    MappedMessage,
    MessageType,
    read,
)
from portal.adapters.xoev.model import NS, MessageInput
from portal.definitions.model import ServiceDefinition

Mapper = Callable[[MessageInput], MappedMessage]

MAPPERS: dict[str, tuple[MessageType, Mapper]] = {
    "hundesteuer-anmeldung": (hundesteuer.ANMELDUNG, hundesteuer.hundesteuer_anmeldung),
    "hundesteuer-abmeldung": (hundesteuer.ABMELDUNG, hundesteuer.hundesteuer_abmeldung),
    "wohnsitz-anmeldung": (meldewesen.ANMELDUNG, meldewesen.wohnsitz_anmeldung),
    "wohnsitz-ummeldung": (meldewesen.UMMELDUNG, meldewesen.wohnsitz_ummeldung),
    "wohnsitz-abmeldung": (meldewesen.ABMELDUNG, meldewesen.wohnsitz_abmeldung),
    "bewohnerparkausweis": (bewohnerparken.ANTRAG, bewohnerparken.bewohnerparkausweis),
}
BY_NAME: dict[str, MessageType] = {t.name: t for t, _ in MAPPERS.values()}


class UnknownMessage(LookupError):
    pass


def message_type(service_id: str) -> MessageType:
    try:
        return MAPPERS[service_id][0]
    except KeyError:
        raise UnknownMessage(f"no XÖV message for service '{service_id}'") from None


def map_input(inp: MessageInput) -> MappedMessage:
    if inp.service.id not in MAPPERS:
        raise UnknownMessage(f"no XÖV message for service '{inp.service.id}'")
    return MAPPERS[inp.service.id][1](inp)


def decode_message(doc: etree._Element) -> DecodedMessage:
    """Answers and submission facts back from a message of the portal's schema."""
    qname = etree.QName(doc)
    if qname.namespace != NS or qname.localname not in BY_NAME:
        raise UnknownMessage(f"not a message of the portal: {qname.text}")
    return read(BY_NAME[qname.localname], doc)


def check_definitions(services: Iterable[ServiceDefinition]) -> list[str]:
    """Services without a mapper, and `xoev_message` values that name another message."""
    problems = []
    for service in services:
        if service.id not in MAPPERS:
            problems.append(f"{service.id}: no XÖV message mapper")
        elif service.xoev_message not in (None, MAPPERS[service.id][0].name):
            problems.append(f"{service.id}: xoev_message is '{service.xoev_message}', "
                            f"the mapper produces '{MAPPERS[service.id][0].name}'")
    return problems
