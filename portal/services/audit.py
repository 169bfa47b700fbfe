"""The audit trail: who did what to which object, and when."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from portal.adapters.db.models import AuditEntry


def record(session: Session, actor: str, action: str, object_id: str | None = None,
           **details: Any) -> None:
    session.add(AuditEntry(actor=actor, action=action, object_id=object_id, details=details))
