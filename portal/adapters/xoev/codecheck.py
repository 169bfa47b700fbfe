"""Check XÖV codes against the portal's code list files (list URI, version, code).

The schema fixes the structure of a `Code`; for lists that live outside the schema (code types
3 and 4) only the list itself knows which codes exist. The lists are the same files the forms
use (forms/codelists/*.yaml), so forms and messages cannot disagree about a code.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import xmlschema
from lxml import etree

from portal.adapters.xoev.model import Problem
from portal.definitions.codelists import CodeList

XOEV_CODE = "{http://xoev.de/schemata/code/1_0}Code"
HEADER_TYPE = "nachrichtenkopf/identifikation.nachricht/nachrichtentyp"


@dataclass(frozen=True)
class Slot:
    """A place in a message that holds a Code: its fixed list URI (code types 1-3) and whether
    the schema enumerates the codes itself (then the schema has checked them)."""

    fixed_uri: str | None
    enumerated: bool


CodeSlots = dict[str, Slot]


def code_slots(schema: xmlschema.XMLSchema) -> CodeSlots:
    """Every path (root/child/…, local names) of the schema's messages that holds a Code."""
    code_type = schema.maps.types[XOEV_CODE]
    slots: CodeSlots = {}
    for name, decl in schema.elements.items():
        _collect(decl, name, code_type, slots, depth=0)
    return slots


def _collect(decl: xmlschema.XsdElement, path: str, code_type: xmlschema.XsdType,
             slots: CodeSlots, depth: int) -> None:
    xsd_type: Any = decl.type
    if depth > 20 or not xsd_type.is_complex():
        return
    if xsd_type.is_derived(code_type):
        uri = xsd_type.attributes.get("listURI")
        code = next((e for e in _children(xsd_type) if e.local_name == "code"), None)
        enumerated = bool(code is not None and getattr(code.type, "enumeration", None))
        slots[path] = Slot(uri.fixed if uri is not None else None, enumerated)
        return
    for child in _children(xsd_type):
        _collect(child, f"{path}/{child.local_name}", code_type, slots, depth + 1)


def _children(xsd_type: xmlschema.XsdType) -> Iterator[xmlschema.XsdElement]:
    content = getattr(xsd_type, "content", None)
    if content is None or not hasattr(content, "iter_elements"):
        return iter(())
    return iter(content.iter_elements())


def check_codes(doc: etree._Element, codelists: Mapping[str, CodeList],
                slots: CodeSlots) -> list[Problem]:
    by_uri = {c.uri: c for c in codelists.values()}
    root = etree.QName(doc).localname
    tree = doc.getroottree()
    problems: list[Problem] = []
    for elem, path in _walk(doc, root):
        slot = slots.get(path)
        if slot is None:
            continue
        code = elem.findtext("code") or ""
        where = tree.getpath(elem)
        if path == f"{root}/{HEADER_TYPE}" and root.rsplit(".", 1)[-1] != code:
            problems.append(Problem(where, f"Der Nachrichtentyp „{code}“ passt nicht zur "
                                           f"Nachricht {root}.", elem.sourceline))
        if slot.enumerated:
            continue
        problems.extend(_check_one(elem, code, slot, by_uri, where))
    return problems


def _walk(elem: etree._Element, path: str) -> Iterator[tuple[etree._Element, str]]:
    for child in elem:
        if isinstance(child.tag, str):
            child_path = f"{path}/{etree.QName(child).localname}"
            yield child, child_path
            yield from _walk(child, child_path)


def _check_one(elem: etree._Element, code: str, slot: Slot, by_uri: Mapping[str, CodeList],
               where: str) -> list[Problem]:
    uri = elem.get("listURI") or slot.fixed_uri or ""
    codelist = by_uri.get(uri)
    line = elem.sourceline
    if codelist is None:
        return [Problem(where, f"Die Codeliste „{uri}“ ist im Portal nicht hinterlegt; der Code "
                               f"„{code}“ kann nicht geprüft werden.", line)]
    title = codelist.title["de"]
    version = elem.get("listVersionID")
    if version != codelist.version:
        return [Problem(where, f"Die Codeliste „{title}“ ({uri}) liegt im Portal in Version "
                               f"{codelist.version} vor, die Nachricht nennt Version {version}.",
                        line)]
    if codelist.entry(code) is None:
        return [Problem(where, f"Der Code „{code}“ ist in der Codeliste „{title}“ (Version "
                               f"{codelist.version}) nicht enthalten.", line)]
    return []
