"""What a document is made of, as plain data: built by the service, turned into HTML by a
composer, into PDF/A by the renderer and sealed by the sealer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from asn1crypto import x509 as asn1_x509

from portal.adapters.documents.render import PdfRenderer
from portal.adapters.documents.seal import Sealer
from portal.definitions.model import IssuedDocument, ServiceDefinition

XML_NAME = "antrag.xml"


@dataclass(frozen=True)
class FileEntry:
    """An uploaded file as listed in the document (and embedded in it)."""

    name: str
    content_type: str
    size: int
    sha256: str
    embedded: bool


@dataclass(frozen=True)
class DocumentInput:
    service: ServiceDefinition
    submission: Any  # portal.adapters.db.models.Submission (kept loose: no ORM in templates)
    files: list[FileEntry]
    xml_name: str
    xml_sha256: str
    seal_holder: str
    seal_level: str


Composer = Callable[[DocumentInput], str]


@dataclass(frozen=True)
class IssuedInput:
    """A document the authority issues about a submission (e.g. the Meldebestätigung)."""

    service: ServiceDefinition
    spec: IssuedDocument
    submission: Any  # portal.adapters.db.models.Submission
    issued_at: datetime
    seal_holder: str
    seal_level: str


IssuedComposer = Callable[[IssuedInput], str]


@dataclass(frozen=True)
class DocumentTools:
    """Everything a process needs to make documents; built once per process because the
    seal key is loaded once (see `compose.tools_for`)."""

    compose: Composer
    renderer: PdfRenderer
    sealer: Sealer
    # Roots the clerks' seal check trusts (SEAL_TRUST_ROOTS), read once like the key.
    trust_roots: list[asn1_x509.Certificate] = field(default_factory=list)
    # Documents the authority issues (IssuedDocument of a service definition).
    compose_issued: IssuedComposer | None = None
