"""Writers and readers for the value types the messages share: codes, names, addresses, files.

Writers never guess: a value that does not fit (an unknown code list, a malformed house number)
is written as it is, so schema validation names the problem instead of the mapper hiding it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from lxml import etree

from portal.adapters.xoev.model import AGS_CODELIST, CODE_LIST_VERSION, COUNTRY_CODELIST
from portal.definitions.codelists import CodeList
from portal.definitions.places import Places

Element: TypeAlias = etree._Element
# The form allows "12", "12a" and "12 a"; XInneres keeps digits and letter apart.
HOUSE_NUMBER = re.compile(r"^(\d{1,4})\s*([A-Za-z]?)$")
# Typographic characters that portal texts (department names, notices) use but DIN 91379
# datatype C lacks. Citizens' answers are never rewritten: the forms already reject such
# characters at input.
TYPOGRAPHY = str.maketrans({"–": "-", "—": "-", "„": '"', "“": '"', "”": '"', "‚": "'",
                            "‘": "'", "…": "...", "\u2009": " ", "\u202f": " "})


@dataclass(frozen=True)
class Context:
    """What writers need besides the value: the code lists and hashes of uploaded files."""

    codelists: Mapping[str, CodeList]
    ags: str
    file_hashes: Mapping[str, str] = field(default_factory=dict)
    # Where addresses lie (municipality file data); without it only the own key is known.
    places: Places | None = None


def portal_text(text: str) -> str:
    return text.translate(TYPOGRAPHY)


def sub(parent: Element, tag: str, text: str | None = None) -> Element:
    el = etree.SubElement(parent, tag)
    if text is not None:
        el.text = text
    return el


def sub_if(parent: Element, tag: str, value: Any) -> None:
    """Write a part only when it has a value: a missing part must be reported as missing by
    the schema, not as an empty value in the wrong format."""
    if value is not None and value != "":
        sub(parent, tag, str(value))


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def write_code(parent: Element, tag: str, code: Any, codelist: CodeList | None) -> Element:
    """An XÖV Code; listURI and listVersionID come from the code list file. Without a code
    list the attributes are missing and the schema says so."""
    el = sub(parent, tag)
    if codelist is not None:
        el.set("listURI", codelist.uri)
        el.set("listVersionID", codelist.version)
    sub(el, "code", str(code))
    entry = codelist.entry(str(code)) if codelist is not None else None
    if entry is not None:
        sub(el, "name", entry.name["de"])
    return el


def write_list_code(parent: Element, tag: str, value: str,
                    codes: Mapping[str, tuple[str, str]], list_uri: str) -> Element:
    """A code of one of the schema's own lists (code type 1). An unknown value is written as
    it is, so the schema names it instead of the writer hiding it."""
    elem = sub(parent, tag)
    elem.set("listURI", list_uri)
    elem.set("listVersionID", CODE_LIST_VERSION)
    code, name = codes.get(value, (value, ""))
    sub(elem, "code", code)
    if name:
        sub(elem, "name", name)
    return elem


def read_list_code(elem: Element | None, codes: Mapping[str, tuple[str, str]]) -> str:
    code = elem.findtext("code") if elem is not None else ""
    return next((value for value, (c, _name) in codes.items() if c == code), code or "")


def read_code(el: Element) -> str:
    return el.findtext("code") or ""


def write_ags(parent: Element, tag: str, ctx: Context) -> Element:
    return write_code(parent, tag, ctx.ags, ctx.codelists.get(AGS_CODELIST))


def write_name(parent: Element, tag: str, value: Any) -> Element:
    name = _mapping(value)
    el = sub(parent, tag)
    for key, child in (("family_name", "familienname"), ("given_names", "vornamen"),
                       ("birth_name", "geburtsname")):
        sub_if(el, child, name.get(key))
    return el


def read_name(el: Element) -> dict[str, str]:
    out = {"family_name": el.findtext("familienname") or "",
           "given_names": el.findtext("vornamen") or ""}
    if el.find("geburtsname") is not None:
        out["birth_name"] = el.findtext("geburtsname") or ""
    return out


def write_address(parent: Element, tag: str, value: Any, ctx: Context,
                  local: bool = False) -> Element:
    """Domestic address as XInneres Meldeanschrift. `local`: the message carries the municipality
    key (AGS) of the address: the own key only when the municipality's data places the address
    in it, else the key of the postcode table, else none (never a guessed one)."""
    address = _mapping(value)
    el = sub(parent, tag)
    if local:
        # Without place data (a caller that passes none) the form's word is all there is.
        key = ctx.places.ags_for(address) if ctx.places is not None else ctx.ags
        if key is not None:
            write_code(el, "gemeindeschluessel", key, ctx.codelists.get(AGS_CODELIST))
    number = str(address.get("house_number") or "")
    match = HOUSE_NUMBER.match(number)
    sub_if(el, "hausnummer", match.group(1) if match else number)
    sub_if(el, "hausnummerBuchstabeZusatzziffer", match.group(2) if match else None)
    sub_if(el, "postleitzahl", address.get("postcode"))
    sub_if(el, "strasse", address.get("street"))
    sub_if(el, "wohnort", address.get("town"))
    sub_if(el, "zusatzangaben", address.get("addition"))
    return el


def read_address(el: Element) -> dict[str, str]:
    """The house number comes back in its compact form ("12 a" is sent as 12 + a → "12a")."""
    out = {"street": el.findtext("strasse") or "",
           "house_number": (el.findtext("hausnummer") or "")
           + (el.findtext("hausnummerBuchstabeZusatzziffer") or ""),
           "postcode": el.findtext("postleitzahl") or "",
           "town": el.findtext("wohnort") or ""}
    if el.find("zusatzangaben") is not None:
        out["addition"] = el.findtext("zusatzangaben") or ""
    return out


def write_address_abroad(parent: Element, tag: str, value: Any, ctx: Context) -> Element:
    address = _mapping(value)
    el = sub(parent, tag)
    sub_if(el, "strasseHausnummer", address.get("street"))
    sub_if(el, "postleitzahl", address.get("postcode"))
    sub_if(el, "ort", address.get("town"))
    if address.get("country"):
        write_code(el, "staat", address["country"], ctx.codelists.get(COUNTRY_CODELIST))
    return el


def read_address_abroad(el: Element) -> dict[str, str]:
    out = {"street": el.findtext("strasseHausnummer") or "",
           "town": el.findtext("ort") or "",
           "country": read_code(el.find("staat")) if el.find("staat") is not None else ""}
    if el.find("postleitzahl") is not None:
        out["postcode"] = el.findtext("postleitzahl") or ""
    return out


def write_file(parent: Element, tag: str, value: Any, ctx: Context) -> Element:
    upload = _mapping(value)
    el = sub(parent, tag)
    upload_id = str(upload.get("upload_id") or "")
    sub_if(el, "kennung", upload_id)
    sub_if(el, "dateiname", upload.get("filename"))
    sub_if(el, "mimeTyp", upload.get("content_type"))
    sub_if(el, "groesse", upload.get("size"))
    sub_if(el, "sha256", ctx.file_hashes.get(upload_id))
    return el


def read_file(el: Element) -> dict[str, Any]:
    return {"upload_id": el.findtext("kennung") or "",
            "filename": el.findtext("dateiname") or "",
            "content_type": el.findtext("mimeTyp") or "",
            "size": int(el.findtext("groesse") or 0)}


def xml_bool(value: Any) -> str:
    return "true" if value is True else "false" if value is False else str(value)


def read_bool(el: Element) -> bool:
    return (el.text or "").strip() in ("true", "1")
