"""The sealed PDF/A document of a submission: made once by the background job, then handed
out unchanged to the citizen (§ 3a Abs. 5 VwVfG) and kept as the authority's record."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from asn1crypto import x509 as asn1_x509
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.adapters.db.documents import KIND_SUBMISSION, Document
from portal.adapters.db.models import Submission, Upload
from portal.adapters.documents.content import XML_NAME, DocumentInput, DocumentTools, FileEntry
from portal.adapters.documents.render import EmbeddedFile
from portal.adapters.documents.verify import SealReport, verify_pdf
from portal.definitions.loader import Catalog
from portal.services import audit
from portal.services.errors import NotFound
from portal.services.submissions import attachments
from portal.services.uploads import unique_names

XML_DESCRIPTION = "Antragsdaten als XÖV-Nachricht (maschinenlesbar)"


def create_document(session: Session, catalog: Catalog, submission_id: str, xml: bytes,
                    tools: DocumentTools) -> Document:
    """Render and seal the submission's document and store it; idempotent, so a retried job
    returns the stored document instead of sealing a second one. The caller commits."""
    existing = stored_document(session, submission_id)
    if existing is not None:
        return existing
    submission = session.get(Submission, submission_id)
    if submission is None:
        raise NotFound(submission_id)
    service = catalog.service(submission.service_id)
    if service is None:
        raise NotFound(submission.service_id)
    uploads = attachments(session, submission)
    names = unique_names([u.filename for u in uploads])
    files = [FileEntry(name, u.content_type, u.size, u.sha256, embedded=True)
             for name, u in zip(names, uploads, strict=True)]
    embedded = [EmbeddedFile(XML_NAME, xml, "application/xml", XML_DESCRIPTION, "Data",
                             submission.submitted_at)]
    embedded += [_embedded(name, u) for name, u in zip(names, uploads, strict=True)]
    sealer = tools.sealer
    html = tools.compose(DocumentInput(
        service=service, submission=submission, files=files, xml_name=XML_NAME,
        xml_sha256=hashlib.sha256(xml).hexdigest(), seal_holder=sealer.holder(),
        seal_level=sealer.level))
    sealed = sealer.seal(tools.renderer.render(html, embedded, producer=sealer.producer))
    document = Document(
        submission_id=submission.id, kind=KIND_SUBMISSION, filename=f"{submission.reference}.pdf",
        size=len(sealed), sha256=hashlib.sha256(sealed).hexdigest(), content=sealed,
        sealed_by=sealer.holder()[:255], seal_level=sealer.level)
    try:
        with session.begin_nested():
            session.add(document)
    except IntegrityError:
        # Another worker stored the document first; theirs is the one handed out.
        concurrent = stored_document(session, submission_id)
        assert concurrent is not None
        return concurrent
    audit.record(session, "portal", "document.sealed", submission.id, document=document.id,
                 sha256=document.sha256, level=document.seal_level)
    return document


def _embedded(name: str, upload: Upload) -> EmbeddedFile:
    return EmbeddedFile(name, upload.content, upload.content_type,
                        f"Anlage, SHA-256 {upload.sha256}", "Unspecified", upload.created_at)



def stored_document(session: Session, submission_id: str,
                    kind: str = KIND_SUBMISSION) -> Document | None:
    return session.scalar(select(Document).where(Document.submission_id == submission_id,
                                                 Document.kind == kind))


def document_for_user(session: Session, reference: str, user_id: str) -> Document:
    """The citizen's copy; NotFound for someone else's reference or while the job has not yet
    made it (the page then says it is being prepared)."""
    document = session.scalar(
        select(Document).join(Submission, Submission.id == Document.submission_id)
        .where(Submission.reference == reference, Submission.user_id == user_id,
               Document.kind == KIND_SUBMISSION))
    if document is None:
        raise NotFound(reference)
    return document


def check_document(session: Session, submission_id: str,
                   trust_roots: Sequence[asn1_x509.Certificate]) -> SealReport:
    """For the clerks' view: is the stored document intact, trusted, and who sealed it."""
    document = stored_document(session, submission_id)
    if document is None:
        raise NotFound(submission_id)
    return verify_pdf(document.content, trust_roots)
