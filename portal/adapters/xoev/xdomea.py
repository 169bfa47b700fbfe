"""xdomea 3.0.0 record for the DMS: `FVDaten.SGOAblegen.0605` plus its primary documents.

Why 0605 (SGOAblegen) and not 0604 (SGOErstellen): a submitted application is a finished
incoming record. 0605 hands new records to the DMS "zur Ablage" (the DMS always files them as
new documents); 0604 asks the DMS to create objects for further editing (SGOOeffnen, Client)
from within a Fachverfahren session, which the portal does not have.

xdomea 3.0.0 has no inline file content: a `Primaerdokument` names a file (`<UUID>_name`) that
travels next to the message. The record is therefore a package of the message and its files,
zipped the usual xdomea way (`<ProzessID>_FVDaten.SGOAblegen.0605.zip`).

The application is one case (Vorgang) with two documents: the XÖV message and the sealed PDF,
the application document; the citizen's uploads are its `Anlage`s. The sealed PDF says that
its seal is embedded (`SignaturSiegel`). Every file names its format and the format's
version. The receipt date is the authority's calendar day (Europe/Berlin), the day the PDF
prints. A drop into an import folder has no way back, so the message asks for no receipt
confirmation (`Empfangsbestaetigung` 0; the schema fixes `Importbestaetigung` to 1).
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID, uuid5
from zoneinfo import ZoneInfo

from lxml import etree

from portal.adapters.xoev.model import PRODUCT, Problem
from portal.definitions.municipality import Municipality

XDOMEA_NS = "urn:xoev-de:xdomea:schema:3.0.0"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
# The message names the schema it conforms to (xsi:schemaLocation: namespace and the entry
# point of the xdomea 3.0.0 schema files), as xdomea's conformance rules ask.
SCHEMA_LOCATION = f"{XDOMEA_NS} xdomea.xsd"
MESSAGE = "FVDaten.SGOAblegen.0605"
# Code list "Dateiformat" of the AG xdomea (urn:xoev-de:xdomea:codeliste:dateiformat),
# version 1.0. Part of the transport standard, not of the forms, so it is kept here.
FORMAT_LIST = "urn:xoev-de:xdomea:codeliste:dateiformat"
FORMAT_LIST_VERSION = "1.0"
FORMATS = {"application/xml": "030", "application/pdf": "018", "image/jpeg": "011",
           "image/png": "019"}
FORMAT_PDF_ARCHIVAL = "044"
FORMAT_OTHER = "100"
EXTENSIONS = {"application/xml": ".xml", "application/pdf": ".pdf", "image/jpeg": ".jpg",
              "image/png": ".png"}
X = f"{{{XDOMEA_NS}}}"


@dataclass(frozen=True)
class RecordFile:
    """A file that becomes one document of the record."""

    filename: str
    content: bytes
    content_type: str
    title: str
    kind: str
    format_version: str = ""
    archival: bool = False
    sealed: bool = False  # carries an embedded signature or seal (PAdES)


@dataclass(frozen=True)
class RecordInput:
    application_xml: bytes
    message_name: str
    reference: str
    service_title: str
    submitted_at: datetime
    created_at: datetime
    process_id: UUID
    municipality: Municipality
    department_id: str
    pdf: bytes | None = None
    pdf_format_version: str = "3b"  # PDF/A-3b, as the documents adapter renders it
    attachments: Sequence[RecordFile] = ()
    container_id: str | None = None
    storage_location: str | None = None
    # A folder drop has no return channel: ask for no receipt confirmation.
    receipt_requested: bool = False
    product_version: str = "0.1.0"
    pdf_sealed: bool = True  # the PDF is the sealed document of the documents adapter
    timezone: str = "Europe/Berlin"  # the authority's calendar for the receipt date
    test: bool = False  # made from a test sign-in: the subject says so


@dataclass(frozen=True)
class XdomeaPackage:
    name: str
    message: bytes
    files: dict[str, bytes] = field(default_factory=dict)

    def to_zip(self, when: datetime | None = None) -> bytes:
        """The message and its files; entries carry a fixed date, so equal input gives equal
        bytes."""
        stamp = (when or datetime(1980, 1, 1)).timetuple()[:6]
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in [(f"{self.name}.xml", self.message), *self.files.items()]:
                archive.writestr(zipfile.ZipInfo(name, date_time=stamp), data)
        return buffer.getvalue()


def _sub(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    elem = etree.SubElement(parent, X + tag)
    if text is not None:
        elem.text = text
    return elem


def ascii_name(filename: str, content_type: str) -> str:
    """File names in the package: ASCII only, since DMS import folders are not always
    Unicode-safe; the original name travels in DateinameOriginal."""
    folded = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    base = folded.replace("\\", "/").rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("._") or "datei"
    return stem[:80] + EXTENSIONS.get(content_type, "")


def pdf_version(content: bytes) -> str:
    match = re.match(rb"%PDF-(\d\.\d)", content[:16])
    return match.group(1).decode() if match else ""


def jpeg_version(content: bytes) -> str:
    """JFIF version from the APP0 segment (e.g. 1.01), else the Exif version of an Exif file
    (tag 0x9000, e.g. 2.32), else the JPEG standard itself."""
    jfif = re.match(rb"\xff\xd8\xff\xe0..JFIF\x00(.)(.)", content[:20], re.DOTALL)
    if jfif:
        return f"{jfif.group(1)[0]}.{jfif.group(2)[0]:02d}"
    exif = re.search(rb"(?:\x90\x00\x00\x07|\x00\x90\x07\x00)....(\d\d)(\d\d)",
                     content[:65536], re.DOTALL)
    if exif and content[:2] == b"\xff\xd8":
        return f"Exif {int(exif.group(1))}.{exif.group(2).decode()}"
    return "ISO/IEC 10918-1"


def format_version(record_file: RecordFile, code: str) -> str:
    """The version the format code needs (xdomea FormatType/Version is mandatory)."""
    if record_file.format_version:
        return record_file.format_version
    if record_file.content_type == "application/pdf":
        return pdf_version(record_file.content) or "unbekannt"
    if record_file.content_type in ("image/jpeg", "image/jpg"):
        return jpeg_version(record_file.content)
    if record_file.content_type == "image/png":
        # A PNG file names no version; the current specification (W3C PNG, ISO/IEC 15948)
        # keeps the format of PNG 1.2, which every PNG decoder reads.
        return "1.2"
    if record_file.content_type == "application/xml":
        match = re.match(rb'<\?xml version=["\'](\d\.\d)', record_file.content[:64])
        return match.group(1).decode() if match else "1.0"
    return "unbekannt"


def build_record(inp: RecordInput) -> XdomeaPackage:
    files = [RecordFile(f"{inp.message_name}.xml", inp.application_xml, "application/xml",
                        f"Antragsdaten {inp.reference} ({inp.message_name})",
                        "Antragsdaten (XML)", "1.0")]
    if inp.pdf is not None:
        files.append(RecordFile(f"{inp.reference}.pdf", inp.pdf, "application/pdf",
                                f"Antrag {inp.reference}", "Antrag (PDF)",
                                inp.pdf_format_version, archival=True, sealed=inp.pdf_sealed))
    doc = etree.Element(X + MESSAGE, nsmap={"xdomea": XDOMEA_NS, "xsi": XSI_NS})
    doc.set(f"{{{XSI_NS}}}schemaLocation", SCHEMA_LOCATION)
    _head(doc, inp)
    item = _sub(doc, "SchriftgutobjektZumAblegen")
    _sub(item, "FachverfahrenObjektID", inp.reference)
    if inp.container_id:
        _sub(item, "IDContainer", inp.container_id)
    case = _sub(_sub(item, "Schriftgutobjekt"), "Vorgang")
    _sub(_sub(case, "Identifikation"), "ID", str(uuid5(inp.process_id, "vorgang")))
    meta = _sub(case, "AllgemeineMetadaten")
    prefix = "TEST – " if inp.test else ""
    _sub(meta, "Betreff", f"{prefix}{inp.service_title} – {inp.reference}")
    _sub(meta, "Kennzeichen", inp.reference)
    _sub(case, "Typ", "Antrag")
    stored: dict[str, bytes] = {}
    for number, record_file in enumerate(files, 1):
        # The uploads are annexes of the application document (the PDF; the XML without one).
        annexes = inp.attachments if number == len(files) else ()
        stored.update(_document(case, "Dokument", inp, f"dokument/{number}", record_file,
                                number, annexes))
    if inp.storage_location:
        _sub(item, "Ablageort", inp.storage_location)
    xml = etree.tostring(doc, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return XdomeaPackage(f"{inp.process_id}_{MESSAGE}", xml, stored)


def _head(doc: etree._Element, inp: RecordInput) -> None:
    head = _sub(doc, "Kopf")
    _sub(head, "ProzessID", str(inp.process_id))
    kind = _sub(head, "Nachrichtentyp")
    kind.set("listURI", "urn:xoev-de:xdomea:codeliste:nachrichtentyp")
    kind.set("listVersionID", "2.0")
    etree.SubElement(kind, "code").text = MESSAGE.rsplit(".", 1)[-1]  # Code children: unqualified
    _sub(head, "Erstellungszeitpunkt", inp.created_at.isoformat(timespec="milliseconds"))
    municipality = inp.municipality
    sender = _sub(head, "Absender")
    _institution(sender, municipality)
    _sub(_sub(sender, "Organisationseinheit"), "Name", f"Onlinedienste ({PRODUCT})")
    receiver = _sub(head, "Empfaenger")
    _institution(receiver, municipality)
    department = municipality.department(inp.department_id)
    unit = department.name["de"] if department else inp.department_id
    _sub(_sub(receiver, "Organisationseinheit"), "Name", unit)
    system = _sub(head, "SendendesSystem")
    _sub(system, "Produktname", PRODUCT)
    _sub(system, "Version", inp.product_version)
    _sub(head, "Empfangsbestaetigung", "1" if inp.receipt_requested else "0")
    _sub(head, "Importbestaetigung", "1")
    _sub(head, "Erstellerkennung", "ozg-portal")
    _sub(head, "Stapel", "0")


def _institution(parent: etree._Element, municipality: Municipality) -> None:
    institution = _sub(parent, "Institution")
    _sub(institution, "Name", municipality.name)
    _sub(institution, "Kurzbezeichnung", municipality.short_name)


def _document(parent: etree._Element, tag: str, inp: RecordInput, key: str,
              record_file: RecordFile, number: int,
              annexes: Sequence[RecordFile] = ()) -> dict[str, bytes]:
    doc_id = uuid5(inp.process_id, key)
    document = _sub(parent, tag)
    ident = _sub(document, "Identifikation")
    _sub(ident, "ID", str(doc_id))
    if tag == "Dokument":
        _sub(ident, "NummerImUebergeordnetenContainer", str(number))
    meta = _sub(document, "AllgemeineMetadaten")
    _sub(meta, "Betreff", record_file.title)
    _sub(meta, "Kennzeichen", inp.reference)
    received = inp.submitted_at.astimezone(ZoneInfo(inp.timezone)).date()
    _sub(document, "Posteingangsdatum", received.isoformat())
    _sub(document, "Typ", record_file.kind)
    version = _sub(document, "Version")
    _sub(version, "Nummer", "1")
    fmt = _sub(version, "Format")
    name = _sub(fmt, "Name")
    name.set("listURI", FORMAT_LIST)
    name.set("listVersionID", FORMAT_LIST_VERSION)
    code = FORMAT_PDF_ARCHIVAL if record_file.archival else FORMATS.get(
        record_file.content_type, FORMAT_OTHER)
    etree.SubElement(name, "code").text = code
    if code == FORMAT_OTHER:
        _sub(fmt, "SonstigerName", record_file.content_type)
    _sub(fmt, "Version", format_version(record_file, code))
    primary = _sub(fmt, "Primaerdokument")
    stored_name = f"{doc_id}_{ascii_name(record_file.filename, record_file.content_type)}"
    _sub(primary, "Dateiname", stored_name)
    _sub(primary, "DateinameOriginal", record_file.filename)
    _sub(primary, "Ersteller", PRODUCT)
    _sub(primary, "DatumUhrzeit", inp.submitted_at.isoformat(timespec="milliseconds"))
    if record_file.sealed:
        seal = _sub(primary, "SignaturSiegel")
        _sub(seal, "SignaturSiegelEingebettet", "1")
    stored = {stored_name: record_file.content}
    for index, annex in enumerate(annexes, 1):
        stored.update(_document(document, "Anlage", inp, f"{key}/anlage/{index}", annex,
                                index))
    if tag == "Anlage":
        _sub(document, "Nummer", str(number))
    return stored


def package_problems(package: XdomeaPackage) -> list[Problem]:
    """Files named in the message but missing from the package, and files nobody names."""
    doc = etree.fromstring(package.message, etree.XMLParser(resolve_entities=False,
                                                            no_network=True))
    tree = doc.getroottree()
    problems = []
    named = set()
    for elem in doc.iter(X + "Dateiname"):
        named.add(elem.text or "")
        if (elem.text or "") not in package.files:
            problems.append(Problem(tree.getpath(elem), f"Die Datei „{elem.text}“ fehlt im "
                                                        "Paket.", elem.sourceline))
    for name in sorted(set(package.files) - named):
        problems.append(Problem("/", f"Die Datei „{name}“ liegt im Paket, wird aber von "
                                     "keinem Dokument genannt."))
    return problems
