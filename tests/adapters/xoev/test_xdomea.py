"""The DMS record: FVDaten.SGOAblegen.0605 with the application XML, the sealed PDF and the
uploads as documents, valid against the official xdomea 3.0.0 schema files."""

from __future__ import annotations

import io
import os
import zipfile
from dataclasses import replace
from datetime import UTC, datetime
from uuid import UUID

import pytest
from lxml import etree

from portal.adapters.documents.compose import local_time
from portal.adapters.xoev.schemas import MessageSchemas, parse
from portal.adapters.xoev.xdomea import (
    MESSAGE,
    XDOMEA_NS,
    RecordFile,
    RecordInput,
    XdomeaPackage,
    ascii_name,
    build_record,
    format_version,
    package_problems,
)
from portal.definitions.loader import Catalog
from tests.adapters.xoev.support import CREATED, GOLDEN, SUBMITTED

X = f"{{{XDOMEA_NS}}}"
PROCESS = UUID("9a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d")
PDF = b"%PDF-1.7\n% sealed application (test bytes)\n%%EOF\n"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


@pytest.fixture
def record(catalog: Catalog) -> RecordInput:
    return RecordInput(
        application_xml=(GOLDEN / "hundesteuer.anmeldung.0101.xml").read_bytes(),
        message_name="hundesteuer.anmeldung.0101",
        reference="HST-2026-000123",
        service_title="Hund zur Hundesteuer anmelden",
        submitted_at=SUBMITTED,
        created_at=CREATED,
        process_id=PROCESS,
        municipality=catalog.municipality,
        department_id="steueramt",
        pdf=PDF,
        attachments=[RecordFile("Übernahmevertrag Tierheim.jpg", b"\xff\xd8\xff\xe0 test",
                                "image/jpeg", "Nachweis", "Anlage")],
    )


def test_record_validates_and_matches_golden_file(record: RecordInput,
                                                  schemas: MessageSchemas) -> None:
    package = build_record(record)
    assert schemas.validate_xdomea(package.message, thorough=True) == []
    assert schemas.lxml_accepts(package.message, xdomea=True)
    assert package_problems(package) == []
    golden = GOLDEN / f"{MESSAGE}.xml"
    if UPDATE:
        golden.write_bytes(package.message)
    assert package.message == golden.read_bytes()


def test_documents_carry_the_files(record: RecordInput) -> None:
    package = build_record(record)
    doc = parse(package.message)
    documents = doc.findall(f".//{X}Vorgang/{X}Dokument")
    formats = [d.findtext(f"{X}Version/{X}Format/{X}Name/code") for d in documents]
    assert formats == ["030", "044"]  # XML, PDF/A (Dateiformat list 1.0)
    names = [d.findtext(f"{X}Version/{X}Format/{X}Primaerdokument/{X}Dateiname") or ""
             for d in documents]
    ids = [d.findtext(f"{X}Identifikation/{X}ID") for d in documents]
    assert [n.split("_", 1)[0] for n in names] == ids  # xdomea: <UUID>_<name>
    assert package.files[names[0]] == record.application_xml
    assert package.files[names[1]] == PDF
    annex = documents[1].find(f"{X}Anlage")
    assert annex is not None
    annex_name = annex.findtext(f".//{X}Primaerdokument/{X}Dateiname") or ""
    assert annex_name.endswith("_Ubernahmevertrag_Tierheim.jpg")
    assert annex.findtext(f".//{X}DateinameOriginal") == "Übernahmevertrag Tierheim.jpg"
    assert annex.findtext(f"{X}Version/{X}Format/{X}Name/code") == "011"  # JPEG
    assert doc.findtext(f".//{X}FachverfahrenObjektID") == "HST-2026-000123"
    assert doc.findtext(f"{X}Kopf/{X}Nachrichtentyp/code") == "0605"


def test_uploads_are_annexes_of_the_application_document(record: RecordInput,
                                                         schemas: MessageSchemas) -> None:
    """xdomea 3.0.0 DokumentType/Anlage (AnlageDokumentType with its Nummer): the citizen's
    files belong to the application document, not beside it in the case."""
    png = RecordFile("Fahrzeugschein.png", b"\x89PNG\r\n\x1a\n test", "image/png",
                     "Zulassungsbescheinigung Teil I", "Anlage")
    package = build_record(replace(record, attachments=[*record.attachments, png]))
    assert schemas.validate_xdomea(package.message, thorough=True) == []
    doc = parse(package.message)
    case = doc.find(f".//{X}Vorgang")
    assert case is not None
    assert len(case.findall(f"{X}Dokument")) == 2
    pdf_document = case.findall(f"{X}Dokument")[1]
    assert pdf_document.findtext(f"{X}Typ") == "Antrag (PDF)"
    annexes = pdf_document.findall(f"{X}Anlage")
    assert [a.findtext(f"{X}Nummer") for a in annexes] == ["1", "2"]
    assert [a.findtext(f"{X}AllgemeineMetadaten/{X}Betreff") for a in annexes] == [
        "Nachweis", "Zulassungsbescheinigung Teil I"]
    assert package_problems(package) == []


def test_without_a_pdf_the_uploads_are_annexes_of_the_xml(record: RecordInput,
                                                          schemas: MessageSchemas) -> None:
    package = build_record(replace(record, pdf=None))
    assert schemas.validate_xdomea(package.message, thorough=True) == []
    documents = parse(package.message).findall(f".//{X}Vorgang/{X}Dokument")
    assert len(documents) == 1 and len(documents[0].findall(f"{X}Anlage")) == 1


def test_message_names_its_schema_location(record: RecordInput) -> None:
    """xdomea conformance: the instance names namespace and schema (xsi:schemaLocation)."""
    doc = parse(build_record(record).message)
    location = doc.get("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation")
    assert location == f"{XDOMEA_NS} xdomea.xsd"


def test_receipt_date_is_the_local_date_in_berlin(record: RecordInput) -> None:
    """Posteingangsdatum (xs:date) is the authority's calendar day: a receipt at 00:30 local
    time on 1 December (23:30 UTC on 30 November) is received on 1 December, as the PDF says."""
    half_past_midnight = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
    package = build_record(replace(record, submitted_at=half_past_midnight))
    doc = parse(package.message)
    dates = {e.text for e in doc.iter(f"{X}Posteingangsdatum")}
    assert dates == {"2026-12-01"}
    assert local_time(half_past_midnight, "Europe/Berlin").startswith("01.12.2026, 00:30")


def test_sealed_pdf_says_its_seal_is_embedded(record: RecordInput) -> None:
    """xdomea PrimaerdokumentType/SignaturSiegel: the PAdES seal is inside the PDF."""
    doc = parse(build_record(record).message)
    seals = [p for p in doc.iter(f"{X}Primaerdokument") if p.find(f"{X}SignaturSiegel") is not None]
    assert len(seals) == 1
    assert seals[0].findtext(f"{X}Dateiname", "").endswith(".pdf")
    assert seals[0].findtext(f"{X}SignaturSiegel/{X}SignaturSiegelEingebettet") == "1"


@pytest.mark.parametrize(("content", "content_type", "expected"), [
    (b"<?xml version='1.0' encoding='UTF-8'?><a/>", "application/xml", "1.0"),
    (b"%PDF-1.7\n", "application/pdf", "1.7"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00", "image/jpeg", "1.01"),
    (b"\xff\xd8\xff\xe1\x00\x10Exif\x00\x00MM\x00*" + b"\x90\x00\x00\x07\x00\x00\x00\x04"
     + b"0232", "image/jpeg", "Exif 2.32"),
    (b"\xff\xd8\xff\xdb", "image/jpeg", "ISO/IEC 10918-1"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "1.2"),
])
def test_every_file_type_names_its_format_version(content: bytes, content_type: str,
                                                  expected: str) -> None:
    """xdomea FormatType/Version is mandatory ("für pdf 1.4 wäre hier 1.4 anzugeben"): it is
    filled for every file type, PNG and JPEG too."""
    record_file = RecordFile("f", content, content_type, "t", "Anlage")
    assert format_version(record_file, "") == expected


def test_a_folder_drop_asks_for_no_receipt_confirmation(record: RecordInput) -> None:
    """NkKeineRueckmeldungFVDaten/Empfangsbestaetigung: 0 = no confirmation wanted; an import
    folder cannot send one back. Importbestaetigung is fixed to 1 by the schema."""
    doc = parse(build_record(record).message)
    assert doc.findtext(f"{X}Kopf/{X}Empfangsbestaetigung") == "0"
    assert doc.findtext(f"{X}Kopf/{X}Importbestaetigung") == "1"


def test_a_test_submission_is_marked_in_the_subject(record: RecordInput) -> None:
    doc = parse(build_record(replace(record, test=True)).message)
    assert (doc.findtext(f".//{X}Vorgang/{X}AllgemeineMetadaten/{X}Betreff") or "").startswith(
        "TEST – ")


def test_without_pdf_only_the_application_is_filed(record: RecordInput,
                                                   schemas: MessageSchemas) -> None:
    package = build_record(replace(record, pdf=None, attachments=[]))
    assert schemas.validate_xdomea(package.message, thorough=True) == []
    assert len(package.files) == 1


def test_ids_are_stable_per_process(record: RecordInput) -> None:
    first, again = build_record(record), build_record(record)
    assert first == again
    other = build_record(replace(record, process_id=UUID(int=PROCESS.int + 1)))
    assert set(other.files).isdisjoint(first.files)


def test_zip_holds_message_and_files(record: RecordInput) -> None:
    package = build_record(record)
    data = package.to_zip()
    assert data == package.to_zip()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sorted(archive.namelist()) == sorted([f"{package.name}.xml", *package.files])
        assert archive.read(f"{package.name}.xml") == package.message
    assert package.name == f"{PROCESS}_FVDaten.SGOAblegen.0605"


def test_invalid_record_is_reported(record: RecordInput, schemas: MessageSchemas) -> None:
    doc = parse(build_record(record).message)
    head = doc.find(f"{X}Kopf")
    assert head is not None
    head.remove(head.find(f"{X}Importbestaetigung"))  # type: ignore[arg-type]
    problems = schemas.validate_xdomea(etree.tostring(doc))
    assert [p.xpath for p in problems] == ["/xdomea:FVDaten.SGOAblegen.0605/xdomea:Kopf"]
    assert "„Importbestaetigung“" in problems[0].reason


def test_package_must_hold_every_named_file(record: RecordInput) -> None:
    package = build_record(record)
    name = sorted(package.files)[0]
    broken = XdomeaPackage(package.name, package.message,
                           {k: v for k, v in package.files.items() if k != name} | {"x.txt": b""})
    reasons = [p.reason for p in package_problems(broken)]
    assert reasons == [f"Die Datei „{name}“ fehlt im Paket.",
                       "Die Datei „x.txt“ liegt im Paket, wird aber von keinem Dokument genannt."]


@pytest.mark.parametrize(("name", "content_type", "expected"), [
    ("Übernahmevertrag Tierheim.pdf", "application/pdf", "Ubernahmevertrag_Tierheim.pdf"),
    ("Паспорт.png", "image/png", "datei.png"),
    ("../../etc/passwd", "image/jpeg", "passwd.jpg"),
    ("C:\\Scans\\..\\scan 1.png", "image/png", "scan_1.png"),
])
def test_file_names_in_the_package_are_plain(name: str, content_type: str, expected: str) -> None:
    assert ascii_name(name, content_type) == expected
