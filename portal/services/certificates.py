"""Documents the authority issues about a submission when a clerk completes it, as a service
definition declares (`issues_document`): e.g. the Meldebestätigung of § 24 Abs. 2 BMG, sealed
like every document of the portal and downloaded by the citizen under "Meine Anträge"."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.adapters.db.documents import KIND_SUBMISSION, Document
from portal.adapters.db.models import Submission, now
from portal.adapters.documents.content import DocumentTools, IssuedInput
from portal.definitions.loader import Catalog
from portal.services import audit
from portal.services.documents import stored_document
from portal.services.errors import NotFound


class IssueFailed(Exception):
    """The document could not be rendered or sealed; the status change must not stand."""


def issue_document(session: Session, catalog: Catalog, submission: Submission,
                   tools: DocumentTools, moment: datetime | None = None) -> Document | None:
    """Issue the service's document if the submission has just reached the status that issues
    it; idempotent (a second call returns the stored document). The caller commits."""
    service = catalog.service(submission.service_id)
    spec = service.issues_document if service is not None else None
    if service is None or spec is None or submission.status != spec.on_status:
        return None
    existing = stored_document(session, submission.id, spec.kind)
    if existing is not None:
        return existing
    if tools.compose_issued is None:
        raise IssueFailed("no composer for issued documents")
    sealer = tools.sealer
    try:
        html = tools.compose_issued(IssuedInput(
            service=service, spec=spec, submission=submission, issued_at=moment or now(),
            seal_holder=sealer.holder(), seal_level=sealer.level))
        sealed = sealer.seal(tools.renderer.render(html))
    except Exception as exc:  # rendering or sealing (HSM, TSA) failed: report, change nothing
        raise IssueFailed(str(exc)) from exc
    document = Document(
        submission_id=submission.id, kind=spec.kind,
        filename=f"{spec.kind}-{submission.reference}.pdf", size=len(sealed),
        sha256=hashlib.sha256(sealed).hexdigest(), content=sealed,
        sealed_by=sealer.holder()[:255], seal_level=sealer.level)
    try:
        with session.begin_nested():
            session.add(document)
    except IntegrityError:
        concurrent = stored_document(session, submission.id, spec.kind)
        assert concurrent is not None
        return concurrent
    audit.record(session, "portal", "document.issued", submission.id, kind=spec.kind,
                 document=document.id, sha256=document.sha256)
    return document


def issued_documents(session: Session, submission_id: str) -> list[Document]:
    """Everything issued about a submission besides the citizen's copy of the declaration."""
    return list(session.scalars(select(Document).where(
        Document.submission_id == submission_id, Document.kind != KIND_SUBMISSION)
        .order_by(Document.created_at)))


def issued_document_for_user(session: Session, reference: str, user_id: str,
                             kind: str) -> Document:
    document = session.scalar(
        select(Document).join(Submission, Submission.id == Document.submission_id)
        .where(Submission.reference == reference, Submission.user_id == user_id,
               Document.kind == kind, Document.kind != KIND_SUBMISSION))
    if document is None:
        raise NotFound(reference)
    return document
