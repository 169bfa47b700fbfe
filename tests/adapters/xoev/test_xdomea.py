"""The DMS record: FVDaten.SGOAblegen.0605 with the application XML, the sealed PDF and the
uploads as documents, valid against the official xdomea 3.0.0 schema files."""

from __future__ import annotations

import io
import os
import zipfile
from dataclasses import replace
from uuid import UUID

import pytest
from lxml import etree

from portal.adapters.xoev.schemas import MessageSchemas, parse
from portal.adapters.xoev.xdomea import (
    MESSAGE,
    XDOMEA_NS,
    RecordFile,
    RecordInput,
    XdomeaPackage,
    ascii_name,
    build_record,
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
    assert formats == ["030", "044", "011"]  # XML, PDF/A, JPEG (Dateiformat list 1.0)
    names = [d.findtext(f".//{X}Primaerdokument/{X}Dateiname") or "" for d in documents]
    ids = [d.findtext(f"{X}Identifikation/{X}ID") for d in documents]
    assert [n.split("_", 1)[0] for n in names] == ids  # xdomea: <UUID>_<name>
    assert package.files[names[0]] == record.application_xml
    assert package.files[names[1]] == PDF
    assert names[2].endswith("_Ubernahmevertrag_Tierheim.jpg")
    originals = [d.findtext(f".//{X}DateinameOriginal") for d in documents]
    assert originals[2] == "Übernahmevertrag Tierheim.jpg"
    assert doc.findtext(f".//{X}FachverfahrenObjektID") == "HST-2026-000123"
    assert doc.findtext(f"{X}Kopf/{X}Nachrichtentyp/code") == "0605"


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
