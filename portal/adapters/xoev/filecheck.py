"""Validate any message file a clerk or administrator hands in: an application message of the
portal, an xdomea message, or an xdomea package (ZIP with the message and its files)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field

from lxml import etree

from portal.adapters.xoev.model import NS, Problem
from portal.adapters.xoev.schemas import XDOMEA_NS, MessageSchemas, parse
from portal.adapters.xoev.xdomea import XdomeaPackage, package_problems
from portal.definitions.codelists import CodeList

MAX_MEMBER = 64 * 1024 * 1024  # a package member larger than this is not a portal record


@dataclass
class FileReport:
    kind: str
    problems: list[Problem] = field(default_factory=list)
    parts: list[FileReport] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems and all(p.valid for p in self.parts)


def check_file(data: bytes, schemas: MessageSchemas,
               codelists: Mapping[str, CodeList]) -> FileReport:
    if data[:4] == b"PK\x03\x04":
        return _check_package(data, schemas, codelists)
    return _check_xml(data, schemas, codelists)


def _check_xml(data: bytes, schemas: MessageSchemas,
               codelists: Mapping[str, CodeList]) -> FileReport:
    try:
        doc = parse(data)
    except etree.XMLSyntaxError as exc:
        return FileReport("XML", [Problem("/", f"Die Datei ist kein wohlgeformtes XML: "
                                               f"{exc.msg}", exc.lineno or None)])
    qname = etree.QName(doc)
    if qname.namespace == NS:
        return FileReport(qname.localname, schemas.validate(doc, codelists, thorough=True))
    if qname.namespace == XDOMEA_NS:
        return FileReport(f"xdomea {qname.localname}",
                          schemas.validate_xdomea(doc, thorough=True))
    return FileReport(qname.localname, [Problem(
        "/" + qname.localname, f"Unbekannte Nachricht: Namensraum „{qname.namespace}“ ist "
                               "weder der des Portals noch der von xdomea 3.0.0.", doc.sourceline)])


def _check_package(data: bytes, schemas: MessageSchemas,
                   codelists: Mapping[str, CodeList]) -> FileReport:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        return FileReport("ZIP", [Problem("/", f"Die Datei ist kein lesbares ZIP-Archiv: {exc}")])
    with archive:
        members = [i for i in archive.infolist() if not i.is_dir()]
        if any(i.file_size > MAX_MEMBER for i in members):
            return FileReport("ZIP", [Problem("/", "Das Paket enthält eine zu große Datei.")])
        heads = [i.filename for i in members if "FVDaten." in i.filename
                 and i.filename.endswith(".xml") and "/" not in i.filename]
        if len(heads) != 1:
            return FileReport("xdomea-Paket", [Problem(
                "/", "Das Paket muss genau eine xdomea-Nachricht (<ProzessID>_FVDaten….xml) "
                     f"enthalten, gefunden: {len(heads)}.")])
        files = {i.filename: archive.read(i) for i in members if i.filename != heads[0]}
        message = archive.read(heads[0])
    package = XdomeaPackage(heads[0].removesuffix(".xml"), message, files)
    report = _check_xml(message, schemas, codelists)
    report.kind = f"xdomea-Paket {package.name}"
    if not report.problems:
        report.problems = package_problems(package)
    for name, content in sorted(files.items()):
        if name.endswith(".xml"):
            part = _check_xml(content, schemas, codelists)
            part.kind = f"{part.kind} ({name})"
            report.parts.append(part)
    return report
