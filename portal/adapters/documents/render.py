"""HTML to PDF/A-3b with WeasyPrint, with files embedded as PDF/A-3 associated files.

Nothing is fetched while rendering: the document's CSS is inline, fonts are system fonts
(fontconfig), and the only URLs the fetcher serves are the in-memory embedded files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

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


class PdfRenderer:
    """Stateless apart from options; one instance can serve every document of a process."""

    def __init__(self, variant: str = PDF_VARIANT) -> None:
        self.variant = variant

    def render(self, html: str, files: Sequence[EmbeddedFile] = ()) -> bytes:
        fetcher = OfflineFetcher(files)
        attachments = [
            Attachment(url=f"{SCHEME}{index}", url_fetcher=fetcher, name=item.name,
                       description=item.description or None, relationship=item.relationship,
                       created=item.created, modified=item.created)
            for index, item in enumerate(files)
        ]
        document = HTML(string=html, url_fetcher=fetcher, base_url=SCHEME)
        pdf = document.write_pdf(pdf_variant=self.variant, attachments=attachments)
        assert isinstance(pdf, bytes)
        return pdf
