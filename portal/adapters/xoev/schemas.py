"""Compile the XÖV schemas once, offline, and validate messages against them.

Remote `schemaLocation`s of the public components are mapped to the byte-identical copies in
the configured schema directory (xmlschema `uri_mapper` with `allow='local'`, an lxml resolver
with `no_network`). Nothing is ever fetched.

Validation has two engines: lxml (libxml2) and xmlschema, which also explains what is wrong
(XPath, line, readable reason). By default a message must pass both, then the code lists.
`thorough=False` is the fast path for bulk checks: libxml2 decides, xmlschema only explains
a rejected message.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Mapping
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import xmlschema
from lxml import etree

from portal.adapters.xoev.codecheck import CodeSlots, check_codes, code_slots
from portal.adapters.xoev.model import Problem
from portal.adapters.xoev.problems import describe
from portal.definitions.codelists import CodeList

PORTAL_ENTRY = Path("portal/ozg-portal.xsd")
XDOMEA_ENTRY = Path("xdomea-3.0.0/xdomea.xsd")
XDOMEA_NS = "urn:xoev-de:xdomea:schema:3.0.0"
DIN_NS = "urn:xoev-de:kosit:xoev:datentyp:din-91379_2022-08"
# Canonical locations of the public components -> folders of the local copies.
REMOTE = {
    "http://xoev.de/schemata/": "xoev",
    "https://xoev.de/schemata/": "xoev",
    "http://www.osci.de/xinneres/": "xinneres",
}


class SchemaLocationError(Exception):
    """A schema refers to a remote location that has no local copy."""


def local_location(schemas_dir: Path, uri: str) -> str | None:
    """The local copy for a canonical location; never a file outside the schema directory."""
    for prefix, folder in REMOTE.items():
        if uri.startswith(prefix):
            path = (schemas_dir / folder / uri[len(prefix):]).resolve()
            return str(path) if schemas_dir.resolve() in path.parents else None
    return None


def _uri_mapper(schemas_dir: Path) -> Any:
    def mapper(uri: str) -> str:
        local = local_location(schemas_dir, uri)
        return Path(local).as_uri() if local else uri
    return mapper


class _OfflineResolver(etree.Resolver):
    def __init__(self, schemas_dir: Path) -> None:
        super().__init__()
        self.schemas_dir = schemas_dir

    def resolve(self, url: str | None, pubid: str | None, context: object) -> Any:
        local = local_location(self.schemas_dir, url or "")
        if local is not None:
            return self.resolve_filename(local, context)
        if url and url.split(":", 1)[0] in ("http", "https", "ftp"):
            raise SchemaLocationError(f"no local copy for {url}")
        return None


def compile_xmlschema(schemas_dir: Path, entry: Path) -> xmlschema.XMLSchema:
    """Compile offline. xmlschema only warns when an import cannot be loaded (here: a remote
    location without a local copy, blocked by allow='local'); for us that is an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", xmlschema.XMLSchemaImportWarning)
        schema = xmlschema.XMLSchema(str(schemas_dir / entry), uri_mapper=_uri_mapper(schemas_dir),
                                     allow="local")
    failed = [w for loaded in schema.maps.iter_schemas() for w in loaded.warnings
              if "failed" in str(w)]
    if failed:
        raise SchemaLocationError(str(failed[0]))
    return schema


def parse(xml: bytes) -> etree._Element:
    """Parse untrusted XML: no network, no entity expansion, no DTD loading."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_blank_text=False)
    return etree.fromstring(xml, parser)


class MessageSchemas:
    """Compiled schemas of one schema directory. Create once (loading is slow), share."""

    def __init__(self, schemas_dir: Path) -> None:
        self.dir = schemas_dir.resolve()
        self.portal = self._xmlschema(PORTAL_ENTRY)
        self.slots: CodeSlots = code_slots(self.portal)
        self.din_c = self.portal.maps.types[f"{{{DIN_NS}}}datatypeC"]
        self._local = threading.local()

    def _xmlschema(self, entry: Path) -> xmlschema.XMLSchema:
        return compile_xmlschema(self.dir, entry)

    def _lxml(self, entry: Path) -> etree.XMLSchema:
        # libxml2 schema objects are not shared between threads; compiling takes a few ms.
        cache: dict[Path, etree.XMLSchema] = self._local.__dict__.setdefault("schemas", {})
        if entry not in cache:
            parser = etree.XMLParser(no_network=True)
            parser.resolvers.add(_OfflineResolver(self.dir))
            cache[entry] = etree.XMLSchema(etree.parse(str(self.dir / entry), parser))
        return cache[entry]

    @cached_property
    def xdomea(self) -> xmlschema.XMLSchema:
        return self._xmlschema(XDOMEA_ENTRY)

    def validate(self, xml: bytes | etree._Element, codelists: Mapping[str, CodeList], *,
                 thorough: bool = True) -> list[Problem]:
        """Problems of an application message of the portal's schema; [] when it is valid."""
        doc = self._document(xml)
        if isinstance(doc, Problem):
            return [doc]
        problems = self._schema_problems(doc, PORTAL_ENTRY, self.portal, thorough)
        if problems:
            return problems
        return check_codes(doc, codelists, self.slots)

    def validate_xdomea(self, xml: bytes | etree._Element, *,
                        thorough: bool = True) -> list[Problem]:
        """Problems of an xdomea 3.0.0 message against the official schema files."""
        doc = self._document(xml)
        if isinstance(doc, Problem):
            return [doc]
        return self._schema_problems(doc, XDOMEA_ENTRY, self.xdomea, thorough)

    def validate_with_xmlschema(self, xml: bytes | etree._Element) -> list[Problem]:
        """xmlschema alone (the reference engine), without the lxml fast path."""
        doc = self._document(xml)
        if isinstance(doc, Problem):
            return [doc]
        return self._explain(doc, self.portal)

    def lxml_accepts(self, xml: bytes | etree._Element, xdomea: bool = False) -> bool:
        doc = self._document(xml)
        if isinstance(doc, Problem):
            return False
        return bool(self._lxml(XDOMEA_ENTRY if xdomea else PORTAL_ENTRY).validate(doc))

    def _document(self, xml: bytes | etree._Element) -> etree._Element | Problem:
        if not isinstance(xml, bytes | bytearray):
            return xml
        try:
            return parse(bytes(xml))
        except etree.XMLSyntaxError as exc:
            return Problem("/", f"Die Datei ist kein wohlgeformtes XML: {exc.msg}",
                           exc.lineno or None)

    def _schema_problems(self, doc: etree._Element, entry: Path, schema: xmlschema.XMLSchema,
                         thorough: bool) -> list[Problem]:
        fast = self._lxml(entry)
        if fast.validate(doc) and not thorough:
            return []
        problems = self._explain(doc, schema)
        if not problems and not fast.validate(doc):
            # The engines disagree: never let a message through that libxml2 rejects.
            error = fast.error_log.last_error
            problems = [Problem("/", f"Schemafehler (libxml2): {error.message}", error.line)]
        return problems

    def _explain(self, doc: etree._Element, schema: xmlschema.XMLSchema) -> list[Problem]:
        tree = doc.getroottree()
        return [describe(error, tree, self.din_c) for error in schema.iter_errors(doc)]


@lru_cache(maxsize=4)
def load_schemas(schemas_dir: Path) -> MessageSchemas:
    """One compiled set per schema directory and process."""
    return MessageSchemas(schemas_dir)
