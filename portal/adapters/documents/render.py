"""HTML to PDF/A-3b with WeasyPrint, with files embedded as PDF/A-3 associated files.

Nothing is fetched while rendering: the document's CSS is inline, fonts are system fonts
(fontconfig), and the only URLs the fetcher serves are the in-memory embedded files.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pydyf
from weasyprint import HTML, Attachment
from weasyprint.urls import URLFetcher, URLFetcherResponse

PDF_VARIANT = "pdf/a-3b"
SCHEME = "embedded:"


@dataclass(frozen=True)
class EmbeddedFile:
    """A file carried inside the PDF; `relationship` is the PDF/A-3 AFRelationship
    (`Data` for the machine-readable form of the document, `Source`, `Supplement` …)."""

    name: str
    content: bytes
    mime_type: str
    description: str = ""
    relationship: str = "Supplement"
    created: datetime | None = None


class OfflineFetcher(URLFetcher):
    """Serves `embedded:N` from memory (so the file keeps its real MIME type in the PDF) and
    refuses everything else: a document must never depend on, or leak to, the network."""

    def __init__(self, files: Sequence[EmbeddedFile]) -> None:
        super().__init__(fail_on_errors=True)
        self._files = files

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.startswith(SCHEME):
            item = self._files[int(url[len(SCHEME):])]
            return URLFetcherResponse(url, item.content, {"Content-Type": item.mime_type})
        raise ValueError(f"documents load nothing from outside: {url}")


# German transliteration first (Ü -> Ue, ß -> ss), typographic marks to their ASCII kin; other
# letters lose their accents (NFKD).
FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue",
                      "ß": "ss", "ẞ": "SS", "–": "-", "—": "-", "„": '"', "“": '"', "”": '"',
                      "‚": "'", "‘": "'", "’": "'", "€": "EUR", "…": "..."})


def ascii_file_name(name: str) -> str:
    """A file specification's /F: printable ASCII only (ISO 32000-1, 7.11.2 and 7.11.3: /F is
    the compatibility name, the real name goes into the Unicode /UF)."""
    folded = unicodedata.normalize("NFKD", name.translate(FOLD)).encode("ascii", "ignore").decode()
    return re.sub(r"[^\x20-\x7e]|[/\\]", "_", folded).strip() or "datei"


class Finisher:
    """Corrects what WeasyPrint writes for PDF/A-3 associated files before the PDF is
    serialised: every file once in the catalog's /AF (ISO 19005-3, 6.8: the associated files
    of the document; WeasyPrint 70 lists each twice), an ASCII /F beside the real /UF, and,
    when given, the Info /Producer the sealer will also write into the XMP metadata, so that
    both agree after sealing (ISO 19005-3, 6.6.2.3.1: Info and XMP must be equivalent)."""

    def __init__(self, producer: str | None = None) -> None:
        self.producer = producer

    def __call__(self, document: Any, pdf: pydyf.PDF) -> None:
        if "AF" in pdf.catalog:
            # References are bytes like b"9 0 R"; keep the first of each, in order.
            pdf.catalog["AF"] = pydyf.Array(dict.fromkeys(pdf.catalog["AF"]))
        for obj in pdf.objects:
            if isinstance(obj, dict) and obj.get("Type") == "/Filespec" and "UF" in obj:
                obj["F"] = pydyf.String(ascii_file_name(str(getattr(obj["UF"], "string", ""))))
        if self.producer:
            pdf.info["Producer"] = pydyf.String(self.producer)


class PdfRenderer:
    """Stateless apart from options; one instance can serve every document of a process."""

    def __init__(self, variant: str = PDF_VARIANT) -> None:
        self.variant = variant

    def render(self, html: str, files: Sequence[EmbeddedFile] = (),
               producer: str | None = None) -> bytes:
        fetcher = OfflineFetcher(files)
        attachments = [
            Attachment(url=f"{SCHEME}{index}", url_fetcher=fetcher, name=item.name,
                       description=item.description or None, relationship=item.relationship,
                       created=item.created, modified=item.created)
            for index, item in enumerate(files)
        ]
        document = HTML(string=html, url_fetcher=fetcher, base_url=SCHEME)
        pdf = document.write_pdf(pdf_variant=self.variant, attachments=attachments,
                                 finisher=Finisher(producer))
        assert isinstance(pdf, bytes)
        return pdf
