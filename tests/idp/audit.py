"""Reading the audit trail in tests."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from portal.adapters.db.models import AuditEntry
from portal.state import portal_state


def entries(app: Flask, action: str) -> list[dict[str, Any]]:
    with portal_state(app).db.session() as db:
        rows = db.scalars(select(AuditEntry).where(AuditEntry.action == action)
                          .order_by(AuditEntry.id))
        return [{"actor": r.actor, "object_id": r.object_id, **(r.details or {})} for r in rows]


def refusals(app: Flask) -> list[tuple[str, str]]:
    return [(e["kind"], e["reason"]) for e in entries(app, "login.refused")]
