"""Every service's sealed document, made by the service function the background job calls,
checked by independent tools: pdfsig (NSS with the test CA), pyHanko, pdfdetach, pdffonts,
pdftotext. Real PostgreSQL, WeasyPrint and pyHanko; nothing mocked."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from flask import Flask
from flask_babel import force_locale
from sqlalchemy import func, select

from portal.adapters.db.documents import Document
from portal.adapters.db.models import AuditEntry
from portal.adapters.documents.compose import tools_for
from portal.adapters.documents.content import XML_NAME
from portal.adapters.documents.verify import NOT_INTACT
from portal.definitions.model import FieldType
from portal.presentation.summary import summarize
from portal.services.documents import (
    check_document,
    create_document,
    document_for_user,
    unique_names,
)
from portal.services.errors import NotFound
from portal.state import portal_state
from tests.adapters.documents.support import (
    UMLAUTS,
    fill,
    pdfsig,
    run,
    store_submission,
    tamper,
    write,
    xoev_xml,
)

SERVICES = sorted(p.stem for p in Path("forms").glob("*.yaml"))


def words(text: str) -> set[str]:
    """Words without hyphens: a label may wrap at 'SEPA-', and pdftotext joins such halves."""
    return set(re.split(r"[\s-]+", text)) - {""}


def squash(text: str) -> str:
    return re.sub(r"[\s-]+", "", text)


@pytest.mark.parametrize("service_id", SERVICES)
def test_every_service_document_is_sealed_complete_and_readable(
        sealing_app: Flask, nssdir: str, tmp_path: Path, service_id: str) -> None:
    state = portal_state(sealing_app)
    service = state.catalog.services[service_id]
    filled = fill(service, state.catalog, items=2)
    reference = f"{service.reference_prefix}-2026-000042"
    xml = xoev_xml(reference)
    with state.db.session() as session:
        submission = store_submission(session, state.catalog, service, filled, reference)
        document = create_document(session, state.catalog, submission.id, xml,
                                   tools_for(sealing_app))
        session.commit()
        with sealing_app.app_context(), force_locale("de"):
            summary = summarize(service, submission.answers, state.catalog.codelists)
    pdf = write(tmp_path / document.filename, document.content)
    assert document.sha256 == hashlib.sha256(document.content).hexdigest()
    assert document.filename == f"{reference}.pdf"

    out = pdfsig(pdf, nssdir)
    assert "Signature is Valid." in out and "Certificate is Trusted." in out, out
    assert "Total document signed" in out
    with state.db.session() as session:
        report = check_document(session, submission.id, tools_for(sealing_app).trust_roots)
    assert report.ok, report.problems
    assert report.holder == document.sealed_by

    attached = tmp_path / "attached"
    attached.mkdir()
    run("pdfdetach", "-saveall", "-o", attached, pdf)
    assert (attached / XML_NAME).read_bytes() == xml
    for name, content, _mime in filled.files.values():
        assert (attached / name).read_bytes() == content

    fonts = run("pdffonts", pdf).splitlines()[2:]
    assert fonts and all(row.split()[-5] == "yes" for row in fonts), fonts
    assert all("Noto-Sans" in row.split()[0] for row in fonts), fonts

    text = run("pdftotext", pdf, "-")
    found = squash(text)
    assert reference in text and "Stadt Goslar" in text
    assert "20.11.2026, 14:45:12 Uhr" in text  # 13:45 UTC shown in German local time
    assert "Online-Dienst" in text and "hoch (STORK-QAA-Level-4)" in text
    pages = int(run("pdfinfo", pdf).split("Pages:")[1].split()[0])
    assert f"Seite 1 von {pages}" in text and f"Seite {pages} von {pages}" in text
    # Umlauts, ß, €, typographic quotes: in the fixed texts and in the answers.
    assert "„antrag.xml“" in text and "Gebühren und Steuern" in text and "Zuständige" in text
    if any(f.type == FieldType.TEXT for f in service.all_fields()):
        assert UMLAUTS in text
    rows = [row for step in summary for row in step.rows]
    rows += [row for step in summary for block in step.blocks for row in block.rows]
    assert rows
    for step in summary:
        assert all(w in found for w in words(step.title)), step.title
        for block in step.blocks:
            assert squash(block.title) in found, block.title
    for row in rows:
        assert all(w in found for w in words(row.label)), row.label
        for line in row.lines:
            assert all(w in found for w in words(line)), (row.label, line)

    changed = write(tmp_path / "changed.pdf", tamper(document.content))
    assert "Signature is Valid." not in pdfsig(changed, nssdir)
    with state.db.session() as session:
        stored = session.get(Document, document.id)
        assert stored is not None
        stored.content = changed.read_bytes()
        session.commit()
        broken = check_document(session, submission.id, tools_for(sealing_app).trust_roots)
    assert not broken.ok and NOT_INTACT in broken.problems


def test_made_once_kept_for_the_citizen_and_only_for_them(sealing_app: Flask) -> None:
    state = portal_state(sealing_app)
    service = state.catalog.services["bewohnerparkausweis"]
    filled = fill(service, state.catalog)
    tools = tools_for(sealing_app)
    assert tools_for(sealing_app) is tools  # key and token loaded once per process
    with state.db.session() as session:
        submission = store_submission(session, state.catalog, service, filled, "BPA-2026-000007")
        first = create_document(session, state.catalog, submission.id, b"<a/>", tools)
        session.commit()
        again = create_document(session, state.catalog, submission.id, b"<b/>", tools)
        session.commit()
        assert again.id == first.id and again.content == first.content  # retried job
        assert session.scalar(select(func.count()).select_from(Document)) == 1
        sealed = session.scalar(select(func.count()).select_from(AuditEntry)
                                .where(AuditEntry.action == "document.sealed"))
        assert sealed == 1
        mine = document_for_user(session, "BPA-2026-000007", submission.user_id)
        assert mine.id == first.id
        other = store_submission(session, state.catalog, service, filled, "BPA-2026-000008",
                                 persona="max")
        with pytest.raises(NotFound):
            document_for_user(session, "BPA-2026-000007", other.user_id)
        with pytest.raises(NotFound):  # not made yet: the job has not run
            document_for_user(session, "BPA-2026-000008", other.user_id)
        with pytest.raises(NotFound):
            create_document(session, state.catalog, "no-such-id", b"", tools)


def test_worst_case_long_text_and_ten_groups_is_complete(sealing_app: Flask,
                                                        tmp_path: Path) -> None:
    state = portal_state(sealing_app)
    service = state.catalog.services["hundesteuer-anmeldung"]
    long_text = " ".join(f"Wort{n:05d}äß" for n in range(3500))[:35000]
    filled = fill(service, state.catalog, items=10, long_text=long_text)
    with state.db.session() as session:
        submission = store_submission(session, state.catalog, service, filled, "HST-2026-000099")
        document = create_document(session, state.catalog, submission.id, b"<x/>",
                                   tools_for(sealing_app))
        session.commit()
    text = run("pdftotext", write(tmp_path / "w.pdf", document.content), "-")
    assert "Hund 10" in text
    found = words(text)
    assert {"Wort00000äß", "Wort01750äß", long_text.split()[-1]} <= found
    assert all(w in found for w in long_text.split())  # not one word lost


def test_unique_names_for_embedded_files() -> None:
    assert unique_names(["scan.pdf", "Scan.pdf", "scan.pdf", "foto"]) == [
        "scan.pdf", "Scan (2).pdf", "scan (3).pdf", "foto"]
