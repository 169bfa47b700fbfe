"""The sealed documents of a submission: the citizen's copy, which is also the back office's
record (§ 3a Abs. 5 VwVfG asks for a copy; the authority keeps the same sealed file).

Only a new table; the shared `Base` (and its naming convention) comes from `models`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.adapters.db.models import Base, new_id, now

KIND_SUBMISSION = "submission"


class Document(Base):
    """One sealed PDF/A per submission and kind; the unique pair makes a retried background
    job find the first document instead of sealing a second, different one."""

    __tablename__ = "documents"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30), default=KIND_SUBMISSION)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100), default="application/pdf")
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sealed_by: Mapped[str] = mapped_column(String(255))
    seal_level: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    __table_args__ = (UniqueConstraint("submission_id", "kind", name="uq_documents_submission_kind"),)
