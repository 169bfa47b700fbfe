"""A service's one-application rule (`exclusive:` in its definition): while an application is
pending or granted and still valid, the same applicant, or anyone for the same key value (e.g.
the same vehicle), cannot apply again. Example: one resident parking permit per person and per
vehicle (VwV-StVO zu § 45 Abs. 1 bis 1e)."""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select, text
from sqlalchemy.orm import Session

from portal.adapters.db.models import Submission
from portal.definitions.messages import N_, FieldError, Message
from portal.definitions.model import ServiceDefinition
from portal.definitions.validators import add_months


def _valid_until(submission: Submission, service: ServiceDefinition) -> date | None:
    rule = service.exclusive
    assert rule is not None
    if not rule.valid_from or not rule.valid_months:
        return None
    try:
        start = date.fromisoformat(str(submission.answers.get(rule.valid_from)))
        months = int(submission.answers.get(rule.valid_months) or 0)
    except (TypeError, ValueError):
        return None
    return add_months(start, months)


def _active(submission: Submission, service: ServiceDefinition, today: date) -> bool:
    rule = service.exclusive
    assert rule is not None
    if submission.status in rule.pending:
        return True
    if submission.status in rule.granted:
        until = _valid_until(submission, service)
        return until is None or today < until
    return False


def lock(session: Session, service: ServiceDefinition) -> None:
    """Serialise submissions of one exclusive service on PostgreSQL, so two applications sent
    at the same moment cannot both pass the check (SQLite serialises writers anyway)."""
    if session.get_bind().dialect.name == "postgresql":
        key = zlib.crc32(f"exclusive:{service.id}".encode())
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def conflicts(session: Session, service: ServiceDefinition, answers: Mapping[str, Any],
              user_id: str, today: date) -> list[FieldError]:
    """Errors for the fields that collide with an active application (none if none does)."""
    rule = service.exclusive
    if rule is None:
        return []
    keys = {k: str(answers[k]) for k in rule.keys if answers.get(k)}
    statuses = list(rule.pending) + list(rule.granted)
    same = [Submission.user_id == user_id]
    same += [func.lower(Submission.answers[k].as_string()) == v.lower() for k, v in keys.items()]
    rows = session.scalars(select(Submission).where(
        Submission.service_id == service.id, Submission.status.in_(statuses), or_(*same))
        .order_by(Submission.submitted_at))
    for existing in rows:
        if not _active(existing, service, today):
            continue
        clash = [k for k, v in keys.items()
                 if str(existing.answers.get(k) or "").lower() == v.lower()]
        path = clash[0] if clash else (rule.keys[0] if rule.keys else service.all_fields()[0].id)
        if existing.user_id != user_id:
            # Someone else's application: say that one exists, never which.
            return [FieldError(path, Message(N_("%(message)s."), {"message": dict(rule.message)}))]
        return [FieldError(path, Message(N_("%(message)s. Ihr Antrag: Aktenzeichen %(reference)s."),
                                         {"message": dict(rule.message),
                                          "reference": existing.reference}))]
    return []
