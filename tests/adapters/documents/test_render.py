"""HTML to PDF/A-3b: associated files with their relationship and MIME type, embedded fonts,
and no network access while rendering."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from weasyprint.urls import FatalURLFetchingError

from portal.adapters.documents.render import EmbeddedFile, PdfRenderer
from tests.adapters.documents.support import run, write, xoev_xml
from tests.factories import PNG

HTML = ("<html lang='de'><head><meta charset='utf-8'><title>Prüfung</title>"
        "<style>html {{ font-family: 'Noto Sans'; }} @page {{ @bottom-right {{ font-family: "
        "'Noto Sans'; content: 'Seite ' counter(page) ' von ' counter(pages); }} }}</style>"
        "</head><body><h1>Grüße – „Straße“ 132,00 €</h1>{body}</body></html>")


def test_pdfa_3b_with_associated_files_kept_byte_for_byte(tmp_path: Path) -> None:
    xml = xoev_xml("HST-2026-000001")
    files = [EmbeddedFile("antrag.xml", xml, "application/xml", "XÖV", "Data"),
             EmbeddedFile("foto.png", PNG, "image/png", "Anlage", "Unspecified")]
    pdf = write(tmp_path / "a.pdf", PdfRenderer().render(HTML.format(body=""), files))

    meta = run("pdfinfo", "-meta", pdf)
    assert 'pdfaid:part="3"' in meta and 'pdfaid:conformance="B"' in meta, meta
    listing = run("pdfdetach", "-list", pdf)
    assert "antrag.xml" in listing and "foto.png" in listing
    out = tmp_path / "out"
    out.mkdir()
    run("pdfdetach", "-saveall", "-o", out, pdf)
    assert (out / "antrag.xml").read_bytes() == xml
    assert (out / "foto.png").read_bytes() == PNG

    catalog = PdfFileReader(BytesIO(pdf.read_bytes())).root
    specs = {str(spec["/UF"]): spec for spec in (ref.get_object() for ref in catalog["/AF"])}
    assert specs["antrag.xml"]["/AFRelationship"] == "/Data"
    assert specs["foto.png"]["/AFRelationship"] == "/Unspecified"
    assert specs["antrag.xml"]["/EF"]["/F"]["/Subtype"] == "/application/xml"


def test_only_embedded_noto_sans_fonts_and_text_comes_back(tmp_path: Path) -> None:
    pdf = write(tmp_path / "f.pdf", PdfRenderer().render(HTML.format(body="<p>GROẞ Maß Öse Ärger Übel</p>")))
    rows = run("pdffonts", pdf).splitlines()[2:]
    assert rows, "no fonts at all"
    for row in rows:
        assert "Noto-Sans" in row.split()[0], row
        assert row.split()[-5] == "yes", row  # the 'emb' column
    text = run("pdftotext", pdf, "-")
    assert "Grüße – „Straße“ 132,00 €" in text and "GROẞ Maß Öse Ärger Übel" in text
    assert "Seite 1 von 1" in text


def test_nothing_is_fetched_from_outside() -> None:
    # A port nobody listens on: had the fetcher tried, it would fail differently (and slowly).
    html = HTML.format(body="<img src='http://127.0.0.1:9/logo.png' alt=''>")
    with pytest.raises(FatalURLFetchingError):
        PdfRenderer().render(html)
