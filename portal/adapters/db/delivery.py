"""Tables for the hand-off to back offices: the outbox of delivery jobs, the stored XÖV
messages, clerks' case data (assignment, messages to the citizen) and the API clients of
specialist systems with their receipts.

Only new tables; the shared `Base` (and its naming convention) comes from `models`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from portal.adapters.db.models import Base, JSONType, new_id, now

# Job states. `failed` is terminal: only an administrator's retry moves it on.
PENDING, RUNNING, DELIVERED, FAILED = "pending", "running", "delivered", "failed"
JOB_STATES = (PENDING, RUNNING, DELIVERED, FAILED)
# What a job does: hand a submission to one channel, or tell a citizen about a message.
KIND_DELIVERY, KIND_NOTIFICATION = "delivery", "notification"


class DeliveryJob(Base):
    """One row per submission and channel, written in the submit transaction (outbox).

    The unique idempotency key makes a second job for the same pair impossible, and every
    receiver gets the key, so a retry after a lost answer never opens a second case there.
    `attempts` doubles as the fencing token: a worker may only finish the attempt it claimed.
    """

    __tablename__ = "delivery_jobs"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default=KIND_DELIVERY)
    channel: Mapped[str] = mapped_column(String(60))
    idempotency_key: Mapped[str] = mapped_column(String(160), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    status: Mapped[str] = mapped_column(String(20), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    enqueued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    receipt: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    __table_args__ = (Index("ix_delivery_jobs_status_next", "status", "next_attempt_at"),)


class StoredMessage(Base):
    """An XÖV message built for a submission, kept so every channel and every retry sends
    the same bytes (same message UUID) and clerks see exactly what was sent."""

    __tablename__ = "stored_messages"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    __table_args__ = (UniqueConstraint("submission_id", "kind", name="uq_stored_messages_submission_kind"),)


class CaseAssignment(Base):
    """Which clerk works on a submission (claimed or assigned)."""

    __tablename__ = "case_assignments"
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id"), primary_key=True)
    staff_id: Mapped[str] = mapped_column(String(36), index=True)
    staff_name: Mapped[str] = mapped_column(String(255))
    assigned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class CitizenMessage(Base):
    """A message from the authority to the citizen, shown under "Meine Anträge"."""

    __tablename__ = "citizen_messages"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id"), index=True)
    author: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class ApiClient(Base):
    """A specialist system of one department. Only a SHA-256 of the token is stored: the
    token is 256 random bits, so a fast hash is enough and a leaked table reveals nothing."""

    __tablename__ = "api_clients"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    department: Mapped[str] = mapped_column(String(40), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    token_hint: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Receipt(Base):
    """A specialist system confirmed it has fetched a submission; until then it stays in
    that system's list of new submissions (nothing expires unread)."""

    __tablename__ = "delivery_receipts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id"), index=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("api_clients.id", ondelete="CASCADE"))
    external_id: Mapped[str | None] = mapped_column(String(120))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    __table_args__ = (UniqueConstraint("submission_id", "client_id", name="uq_delivery_receipts_pair"),)
