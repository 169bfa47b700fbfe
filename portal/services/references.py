"""Readable reference numbers such as HST-2026-000123, gap-free per prefix and year."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from portal.adapters.db.models import ReferenceCounter


def next_reference(session: Session, prefix: str, year: int) -> str:
    """Atomically take the next number; concurrent submissions never share one."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    base = insert(ReferenceCounter).values(prefix=prefix, year=year, last_value=1)
    stmt = base.on_conflict_do_update(
        index_elements=["prefix", "year"],
        set_={"last_value": ReferenceCounter.last_value + 1},
    ).returning(ReferenceCounter.last_value)
    value = session.execute(stmt).scalar_one()
    return f"{prefix}-{year}-{value:06d}"
