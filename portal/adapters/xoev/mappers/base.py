"""Shared machinery of the per-service mappers: frame, header, body, serialisation."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from portal.adapters.xoev import elements as el
from portal.adapters.xoev.header import Envelope, read_envelope, root, write_application, write_header
from portal.adapters.xoev.identification import read_identification, write_identification
from portal.adapters.xoev.layout import Node, decode, encode
from portal.adapters.xoev.model import MessageInput

View = Callable[[Mapping[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class MessageType:
    """One message of the portal's schema and how a service's answers fill its body.

    `to_view` / `from_view` reshape the answers where the message is organised differently
    from the form (e.g. the registration messages single out the applicant, as XMeld does).
    """

    name: str
    service_id: str
    body: str
    layout: tuple[Node, ...]
    to_view: View = field(default=dict)
    from_view: View = field(default=dict)
    # Adds what the message carries besides the answers (e.g. the SEPA mandate's creditor and
    # reference, or the tax rate of each dog); `from_view` then drops it again.
    enrich: Callable[[MessageInput, dict[str, Any]], dict[str, Any]] | None = None
    # Registration messages open the body with the identification of the person who
    # registered (portal.adapters.xoev.identification).
    identification: bool = False

    @property
    def code(self) -> str:
        return self.name.rsplit(".", 1)[-1]


@dataclass(frozen=True)
class MappedMessage:
    """The serialised message and the answers that found no element (a defect if any)."""

    name: str
    xml: bytes
    unmapped: tuple[str, ...]


@dataclass(frozen=True)
class DecodedMessage:
    envelope: Envelope
    answers: dict[str, Any]
    identification: dict[str, Any] | None = None


def build(message: MessageType, inp: MessageInput) -> MappedMessage:
    ctx = el.Context(inp.codelists, inp.municipality.ags, inp.file_hashes,
                     inp.municipality.places)
    doc = root(inp, message.name)
    write_header(doc, inp, message.name, ctx)
    write_application(doc, inp)
    body = el.sub(doc, message.body)
    if message.identification:
        write_identification(body, inp.identification, ctx)
    unmapped: list[str] = []
    view = message.to_view(inp.answers)
    if message.enrich is not None:
        view = message.enrich(inp, view)
    encode(body, message.layout, view, ctx, unmapped)
    xml = etree.tostring(doc, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return MappedMessage(message.name, xml, tuple(unmapped))


def read(message: MessageType, doc: el.Element) -> DecodedMessage:
    body = doc.find(message.body)
    view = decode(body, message.layout) if body is not None else {}
    ident = read_identification(body) if message.identification else None
    return DecodedMessage(read_envelope(doc), message.from_view(view), ident)
