"""What a delivery carries: the XÖV message (built and validated once, then stored), the
sealed PDF and the citizen's files, put together as a `Parcel`.

The builders are ports: the XÖV message, the PDF and the xdomea message come from other
parts of the portal (portal.services.messages, portal.services.documents), wired in by
portal.adapters.jobs.wiring. Each artifact is made once and stored, so every channel and
every retry sends the same bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.adapters.db.delivery import StoredMessage
from portal.adapters.db.models import Submission, Upload
from portal.adapters.db.session import Database
from portal.adapters.delivery.base import Attachment, Parcel
from portal.definitions.loader import Catalog
from portal.services.errors import NotFound
from portal.services.uploads import unique_names

KIND_ANTRAG = "antrag"
KIND_XDOMEA = "xdomea"


class MessageRejected(Exception):
    """The XÖV message does not validate; `problems` are (xpath, reason) pairs."""

    def __init__(self, problems: Sequence[tuple[str, str]]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(f"{x}: {r}" for x, r in self.problems[:5]) or "ungültig")


class MessagePort(Protocol):
    def build(self, session: Session, submission: Submission) -> tuple[str, bytes]:
        """(file name, XML) of the validated message; raise `MessageRejected` if invalid."""


class DocumentPort(Protocol):
    def seal(self, session: Session, submission: Submission, xml: bytes) -> tuple[str, bytes]:
        """(file name, PDF) of the sealed document; made once, then the stored one."""


class XdomeaPort(Protocol):
    def build(self, session: Session, submission: Submission, process_id: str, xml: bytes,
              pdf: bytes) -> tuple[str, bytes]:
        """(file name, ZIP) of the xdomea transfer: the message with the application XML, the
        PDF and the uploads as its documents; raise `MessageRejected` if invalid."""


@dataclass(frozen=True)
class Artifacts:
    catalog: Catalog
    messages: MessagePort
    documents: DocumentPort
    xdomea: XdomeaPort


def stored_message(session: Session, submission_id: str,
                   kind: str = KIND_ANTRAG) -> StoredMessage | None:
    return session.scalar(select(StoredMessage).where(StoredMessage.submission_id == submission_id,
                                                      StoredMessage.kind == kind))


def _store(session: Session, submission: Submission, kind: str, name: str,
           content: bytes) -> StoredMessage:
    row = StoredMessage(submission_id=submission.id, kind=kind, filename=name, content=content,
                        sha256=hashlib.sha256(content).hexdigest())
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        # Another channel's job of the same submission stored it first: use theirs.
        existing = stored_message(session, submission.id, kind)
        assert existing is not None
        return existing
    return row


def ensure_xml(session: Session, artifacts: Artifacts, submission: Submission) -> StoredMessage:
    existing = stored_message(session, submission.id)
    if existing is not None:
        return existing
    name, xml = artifacts.messages.build(session, submission)
    return _store(session, submission, KIND_ANTRAG, name, xml)


def file_list(session: Session, submission: Submission) -> list[Attachment]:
    uploads = list(session.scalars(select(Upload).where(Upload.submission_id == submission.id)
                                   .order_by(Upload.created_at, Upload.id)))
    names = unique_names([u.filename for u in uploads])
    return [Attachment(name, u.content_type, u.content, u.sha256, u.id)
            for name, u in zip(names, uploads, strict=True)]



def parcel_for(db: Database, artifacts: Artifacts, submission_id: str, key: str,
               with_xdomea: bool) -> Parcel:
    """Make (or load) the XML and the sealed PDF, commit them, and put the parcel together.
    Committed before delivery, so a failed delivery never costs a second seal."""
    with db.session() as session:
        submission = session.get(Submission, submission_id)
        if submission is None:
            raise NotFound(submission_id)
        message = ensure_xml(session, artifacts, submission)
        session.commit()
        pdf_name, pdf = artifacts.documents.seal(session, submission, message.content)
        session.commit()
        files = file_list(session, submission)
        service = artifacts.catalog.service(submission.service_id)
        title = service.title.get("de", submission.service_id) if service else submission.service_id
        xml_name, xml = message.filename, message.content
        xdomea = None
        if with_xdomea:
            xdomea = _xdomea(db, artifacts, submission_id, pdf, xml)
        return Parcel(
            idempotency_key=key, submission_id=submission.id, reference=submission.reference,
            service_id=submission.service_id, service_title=str(title),
            department=submission.department, submitted_at=submission.submitted_at,
            xml_name=xml_name, xml=xml, pdf_name=pdf_name, pdf=pdf, attachments=tuple(files),
            xdomea=xdomea)


def _xdomea(db: Database, artifacts: Artifacts, submission_id: str, pdf: bytes,
            xml: bytes) -> Callable[[], tuple[str, bytes]]:
    """The xdomea transfer is built on demand (only the DMS channel needs it) and stored, so a
    retry (and every DMS channel) sends the same process id and the same bytes."""
    from portal.adapters.delivery.dms import process_id

    def build() -> tuple[str, bytes]:
        with db.session() as session:
            submission = session.get(Submission, submission_id)
            if submission is None:
                raise NotFound(submission_id)
            existing = stored_message(session, submission_id, KIND_XDOMEA)
            if existing is None:
                name, content = artifacts.xdomea.build(session, submission,
                                                       process_id(submission_id), xml, pdf)
                existing = _store(session, submission, KIND_XDOMEA, name, content)
                session.commit()
            return existing.filename, existing.content

    return build
