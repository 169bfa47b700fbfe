"""The identification block of registration messages: who registered, how and when
(§ 4 BMeldDigiV: identification with an eID at trust level "hoch"), and the values the eID
vouched for. Written from `MessageInput.identification`, read back for checks."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from portal.adapters.xoev import elements as el
from portal.adapters.xoev.elements import Context, Element
from portal.adapters.xoev.model import AUTH_METHOD_LIST, AUTH_METHODS, NATIONALITY_CODELIST

TAG = "identifikation"


def write_identification(parent: Element, data: Mapping[str, Any] | None, ctx: Context) -> None:
    """Nothing is written without data, so the schema reports the missing block."""
    if not data:
        return
    ident = el.sub(parent, TAG)
    # The same code type as the header's sign-in method (XÖV: codes travel with their list).
    el.write_list_code(ident, "verfahren", str(data.get("method") or ""), AUTH_METHODS,
                       AUTH_METHOD_LIST)
    el.sub_if(ident, "vertrauensniveau", data.get("level"))
    el.sub_if(ident, "pseudonym", data.get("pseudonym"))
    el.sub_if(ident, "zeitpunkt", _timestamp(data.get("identified_at")))
    verified = data.get("verified") or {}
    if not verified:
        return
    card = el.sub(ident, "ausweisdaten")
    if verified.get("name"):
        el.write_name(card, "name", verified["name"])
    el.sub_if(card, "geburtsdatum", verified.get("birth_date"))
    el.sub_if(card, "geburtsort", verified.get("birth_place"))
    if verified.get("address"):
        el.write_address(card, "anschrift", verified["address"], ctx, local=True)
    if verified.get("nationality"):
        el.write_code(card, "staatsangehoerigkeit", verified["nationality"],
                      ctx.codelists.get(NATIONALITY_CODELIST))


def _timestamp(value: Any) -> str | None:
    """Stored as ISO 8601; XÖV times carry milliseconds and the zone."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value).isoformat(timespec="milliseconds")
    except ValueError:
        return value


def read_identification(body: Element | None) -> dict[str, Any] | None:
    ident = body.find(TAG) if body is not None else None
    if ident is None:
        return None
    out: dict[str, Any] = {"method": el.read_list_code(ident.find("verfahren"), AUTH_METHODS),
                           "level": int(ident.findtext("vertrauensniveau") or 0),
                           "pseudonym": ident.findtext("pseudonym") or "",
                           "identified_at": ident.findtext("zeitpunkt") or ""}
    card = ident.find("ausweisdaten")
    if card is not None:
        verified: dict[str, Any] = {}
        readers = (("name", "name", el.read_name), ("anschrift", "address", el.read_address),
                   ("staatsangehoerigkeit", "nationality", el.read_code),
                   ("geburtsdatum", "birth_date", _text), ("geburtsort", "birth_place", _text))
        for tag, key, reader in readers:
            found = card.find(tag)
            if found is not None:
                verified[key] = reader(found)
        out["verified"] = verified
    return out


def _text(elem: Element) -> str:
    return elem.text or ""
