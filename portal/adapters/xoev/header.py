"""The parts every application message shares: root attributes, message header (Nachrichtenkopf)
and the facts of the submission (Antrag)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID

from lxml import etree

from portal.adapters.xoev import elements as el
from portal.adapters.xoev.elements import Context, Element
from portal.adapters.xoev.model import (
    AUTH_METHOD_LIST,
    AUTH_METHODS,
    CHANNEL_LIST,
    CHANNELS,
    MESSAGE_TYPE_LIST,
    MESSAGE_TYPE_LIST_VERSION,
    NS,
    PERIOD_LIST,
    PERIODS,
    PORTAL_ID,
    PRODUCT,
    PRODUCT_VENDOR,
    STANDARD,
    STANDARD_VERSION,
    MessageInput,
)


@dataclass(frozen=True)
class Envelope:
    """The shared parts of a message, read back."""

    message: str
    message_uuid: UUID
    created_at: datetime
    reference: str
    submitted_at: datetime
    service_id: str
    service_version: str
    channel: str
    auth_method: str
    trust_level: int
    fee_amount: Decimal
    fee_period: str
    department: str


def timestamp(value: datetime) -> str:
    """XÖV times: milliseconds and the zone, e.g. 2026-11-20T10:15:30.123+01:00."""
    return value.isoformat(timespec="milliseconds")


def render(template: str, params: Mapping[str, Any]) -> str:
    """A portal message (German msgid with %(name)s parameters) as German text."""
    values = {k: (v.get("de", "") if isinstance(v, Mapping) else v) for k, v in params.items()}
    try:
        return el.portal_text(template % values)
    except (KeyError, TypeError, ValueError):
        return el.portal_text(template)


def root(inp: MessageInput, message: str) -> Element:
    elem = etree.Element(f"{{{NS}}}{message}", nsmap={"ozg": NS})
    elem.set("produkt", PRODUCT)
    elem.set("produkthersteller", PRODUCT_VENDOR)
    elem.set("produktversion", inp.product_version)
    elem.set("standard", STANDARD)
    elem.set("version", STANDARD_VERSION)
    if inp.test:
        elem.set("test", "true")
    return elem


def write_header(parent: Element, inp: MessageInput, message: str, ctx: Context) -> None:
    head = el.sub(parent, "nachrichtenkopf")
    ident = el.sub(head, "identifikation.nachricht")
    el.sub(ident, "nachrichtenUUID", str(inp.message_uuid))
    kind = el.sub(ident, "nachrichtentyp")
    kind.set("listURI", MESSAGE_TYPE_LIST)
    kind.set("listVersionID", MESSAGE_TYPE_LIST_VERSION)
    el.sub(kind, "code", message.rsplit(".", 1)[-1])
    el.sub(kind, "name", message.rsplit(".", 1)[0])
    el.sub(ident, "erstellungszeitpunkt", timestamp(inp.created_at))
    municipality = inp.municipality
    author = el.sub(head, "autor")
    portal = el.sub(author, "portal")
    el.sub(portal, "kennung", PORTAL_ID)
    el.sub(portal, "name", el.portal_text(f"Onlinedienste {municipality.name}"))
    _authority(author, ctx, municipality.name)
    reader = el.sub(head, "leser")
    _authority(reader, ctx, municipality.name)
    unit = el.sub(reader, "organisationseinheit")
    department = municipality.department(inp.service.department)
    el.sub(unit, "kennung", inp.service.department)
    el.sub(unit, "name", el.portal_text(department.name["de"]) if department else "")
    if department is not None and department.email:
        el.sub(unit, "email", department.email)


def _authority(parent: Element, ctx: Context, name: str) -> None:
    authority = el.sub(parent, "behoerde")
    el.write_ags(authority, "gemeindeschluessel", ctx)
    el.sub(authority, "name", el.portal_text(name))


def write_application(parent: Element, inp: MessageInput) -> None:
    app = el.sub(parent, "antrag")
    el.sub(app, "aktenzeichen", inp.reference)
    el.sub(app, "eingangszeitpunkt", timestamp(inp.submitted_at))
    service = el.sub(app, "leistung")
    el.sub(service, "kennung", inp.service.id)
    el.sub(service, "version", inp.service.version)
    el.sub(service, "bezeichnung", el.portal_text(inp.service.title["de"]))
    if inp.service.leika_id:
        el.sub(service, "leikaKennung", inp.service.leika_id)
    el.write_list_code(app, "eingangskanal", inp.channel, CHANNELS, CHANNEL_LIST)
    auth = el.sub(app, "authentifizierung")
    el.write_list_code(auth, "verfahren", inp.auth_method, AUTH_METHODS, AUTH_METHOD_LIST)
    el.sub(auth, "vertrauensniveau", str(inp.trust_level))
    _fee(app, inp.fee)
    for notice in inp.notices:
        el.sub(app, "hinweis", render(str(notice.get("text", "")), notice.get("params") or {}))


def _fee(parent: Element, fee: Mapping[str, Any]) -> None:
    elem = el.sub(parent, "gebuehr")
    el.sub(elem, "betrag", _amount(fee.get("amount")))
    el.sub(elem, "waehrung", str(fee.get("currency") or "EUR"))
    el.write_list_code(elem, "zeitraum", str(fee.get("period")), PERIODS, PERIOD_LIST)
    basis = fee.get("legal_basis")
    if isinstance(basis, Mapping) and basis.get("de"):
        el.sub(elem, "rechtsgrundlage", el.portal_text(str(basis["de"])))
    for line in fee.get("lines") or []:
        position = el.sub(elem, "position")
        el.sub(position, "bezeichnung", render(str(line.get("label", "")),
                                               line.get("params") or {}))
        el.sub(position, "betrag", _amount(line.get("amount")))


def _amount(value: Any) -> str:
    try:
        return f"{Decimal(str(value)):.2f}"
    except (InvalidOperation, ValueError):
        return str(value)


def read_envelope(doc: Element) -> Envelope:
    name = etree.QName(doc).localname
    ident = doc.find("nachrichtenkopf/identifikation.nachricht")
    app = doc.find("antrag")
    if ident is None or app is None:
        raise ValueError("not an application message: header or 'antrag' missing")
    return Envelope(
        message=name,
        message_uuid=UUID(ident.findtext("nachrichtenUUID")),
        created_at=datetime.fromisoformat(ident.findtext("erstellungszeitpunkt") or ""),
        reference=app.findtext("aktenzeichen") or "",
        submitted_at=datetime.fromisoformat(app.findtext("eingangszeitpunkt") or ""),
        service_id=app.findtext("leistung/kennung") or "",
        service_version=app.findtext("leistung/version") or "",
        channel=el.read_list_code(app.find("eingangskanal"), CHANNELS),
        auth_method=el.read_list_code(app.find("authentifizierung/verfahren"), AUTH_METHODS),
        trust_level=int(app.findtext("authentifizierung/vertrauensniveau") or 0),
        fee_amount=Decimal(app.findtext("gebuehr/betrag") or "0"),
        fee_period=el.read_list_code(app.find("gebuehr/zeitraum"), PERIODS),
        department=doc.findtext("nachrichtenkopf/leser/organisationseinheit/kennung") or "",
    )
