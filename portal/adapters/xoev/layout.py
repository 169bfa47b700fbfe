"""A message body declared as a tree of nodes: which answer goes into which element.

One declaration serves both directions, so what is written can always be read back
(`encode` / `decode`), and every answer that finds no element is reported, never dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from lxml import etree

from portal.adapters.xoev import elements as el
from portal.adapters.xoev.elements import Context, Element


class Kind(StrEnum):
    TEXT = "text"          # any string answer: text, email, IBAN, dates, enumerations …
    BOOL = "bool"
    INT = "int"
    CODE = "code"          # choice from a code list file -> XÖV Code
    LIST_CODE = "list_code"  # a value of one of the schema's own code lists (code type 1)
    NAME = "name"
    ADDRESS = "address"
    ADDRESS_ABROAD = "address_abroad"
    FILE = "file"
    BOX = "box"            # a container element


@dataclass(frozen=True)
class Node:
    tag: str
    key: str | None
    kind: Kind
    children: tuple[Node, ...] = ()
    codelist: str | None = None
    repeated: bool = False
    local: bool = False    # an address in the municipality: add its key (AGS)
    codes: tuple[tuple[str, str, str], ...] = ()  # LIST_CODE: (value, code, name)


def text(key: str, tag: str, repeated: bool = False) -> Node:
    return Node(tag, key, Kind.TEXT, repeated=repeated)


def boolean(key: str, tag: str) -> Node:
    return Node(tag, key, Kind.BOOL)


def integer(key: str, tag: str) -> Node:
    return Node(tag, key, Kind.INT)


def code(key: str, tag: str, codelist: str, repeated: bool = False) -> Node:
    return Node(tag, key, Kind.CODE, codelist=codelist, repeated=repeated)


def list_code(key: str, tag: str, list_uri: str, codes: Mapping[str, tuple[str, str]]) -> Node:
    """A value of a code list the schema itself defines (code type 1), e.g. the dog tax rate;
    `codes` maps the portal's value to (code, name). The list URI travels as `codelist`."""
    return Node(tag, key, Kind.LIST_CODE, codelist=list_uri,
                codes=tuple((value, code, label) for value, (code, label) in codes.items()))


def name(key: str, tag: str) -> Node:
    return Node(tag, key, Kind.NAME)


def address(key: str, tag: str, local: bool = False) -> Node:
    return Node(tag, key, Kind.ADDRESS, local=local)


def address_abroad(key: str, tag: str) -> Node:
    return Node(tag, key, Kind.ADDRESS_ABROAD)


def file(key: str, tag: str) -> Node:
    return Node(tag, key, Kind.FILE)


def box(tag: str, *children: Node) -> Node:
    """A container for answers of the same level (e.g. `halter` around name and address)."""
    return Node(tag, None, Kind.BOX, children)


def items(key: str, tag: str, *children: Node, repeated: bool = True) -> Node:
    """One element per item of a group answer (or per dict, when not repeated)."""
    return Node(tag, key, Kind.BOX, children, repeated=repeated)


def encode(parent: Element, nodes: tuple[Node, ...], data: Mapping[str, Any], ctx: Context,
           unmapped: list[str], path: str = "") -> None:
    """Write `data` below `parent`; keys with a value but no node are added to `unmapped`."""
    used = _encode_into(parent, nodes, data, ctx, unmapped, path)
    for key, value in data.items():
        if key not in used and value not in (None, "", [], {}):
            unmapped.append(path + key)


def _encode_into(parent: Element, nodes: tuple[Node, ...], data: Mapping[str, Any],
                 ctx: Context, unmapped: list[str], path: str) -> set[str]:
    used: set[str] = set()
    for node in nodes:
        if node.kind is Kind.BOX and node.key is None:
            # Attach the container only when something went into it: an optional container
            # stays away, a mandatory one is then reported missing by the schema.
            container = etree.Element(node.tag)
            used |= _encode_into(container, node.children, data, ctx, unmapped, path)
            if len(container):
                parent.append(container)
            continue
        assert node.key is not None
        used.add(node.key)
        value = data.get(node.key)
        values = (value if isinstance(value, list) else [value]) if node.repeated else [value]
        for index, item in enumerate(values):
            if item is None:
                continue
            if node.kind is Kind.BOX:
                child = el.sub(parent, node.tag)
                where = f"{path}{node.key}[{index}]." if node.repeated else f"{path}{node.key}."
                encode(child, node.children, item if isinstance(item, Mapping) else {}, ctx,
                       unmapped, where)
            else:
                _write_leaf(parent, node, item, ctx)
    return used


def _write_leaf(parent: Element, node: Node, value: Any, ctx: Context) -> None:
    if node.kind is Kind.CODE:
        assert node.codelist is not None
        el.write_code(parent, node.tag, value, ctx.codelists.get(node.codelist))
    elif node.kind is Kind.LIST_CODE:
        assert node.codelist is not None
        el.write_list_code(parent, node.tag, str(value),
                           {v: (c, n) for v, c, n in node.codes}, node.codelist)
    elif node.kind is Kind.NAME:
        el.write_name(parent, node.tag, value)
    elif node.kind is Kind.ADDRESS:
        el.write_address(parent, node.tag, value, ctx, node.local)
    elif node.kind is Kind.ADDRESS_ABROAD:
        el.write_address_abroad(parent, node.tag, value, ctx)
    elif node.kind is Kind.FILE:
        el.write_file(parent, node.tag, value, ctx)
    elif node.kind is Kind.BOOL:
        el.sub(parent, node.tag, el.xml_bool(value))
    else:
        el.sub(parent, node.tag, str(value))


def decode(elem: Element, nodes: tuple[Node, ...]) -> dict[str, Any]:
    """Read answers back from an element written by `encode`."""
    out: dict[str, Any] = {}
    for node in nodes:
        if node.kind is Kind.BOX and node.key is None:
            container = elem.find(node.tag)
            if container is not None:
                out.update(decode(container, node.children))
            continue
        assert node.key is not None
        found = elem.findall(node.tag)
        if node.kind is Kind.BOX:
            values: list[Any] = [decode(child, node.children) for child in found]
        else:
            values = [_read_leaf(child, node) for child in found]
        if values:
            out[node.key] = values if node.repeated else values[0]
    return out


def _read_leaf(elem: Element, node: Node) -> Any:
    if node.kind is Kind.CODE:
        return el.read_code(elem)
    if node.kind is Kind.LIST_CODE:
        return el.read_list_code(elem, {v: (c, n) for v, c, n in node.codes})
    if node.kind is Kind.NAME:
        return el.read_name(elem)
    if node.kind is Kind.ADDRESS:
        return el.read_address(elem)
    if node.kind is Kind.ADDRESS_ABROAD:
        return el.read_address_abroad(elem)
    if node.kind is Kind.FILE:
        return el.read_file(elem)
    if node.kind is Kind.BOOL:
        return el.read_bool(elem)
    if node.kind is Kind.INT:
        return int(elem.text or 0)
    return elem.text or ""
