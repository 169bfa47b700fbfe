"""Deletion of personal data whose retention period ended (Art. 5 Abs. 1 lit. e DSGVO).

Per service (its definition's `retention` block):
- a closed case (status "closed") `closed_case_days` after it was closed: the submission
  and everything hanging off it (answers, history, documents, XÖV messages, uploads, jobs,
  messages, the draft) is deleted; first its anonymous statistics row is kept;
- a draft never submitted, `draft_days` after its last change, with its uploads;
- an upload no submission uses (replaced, or left over when the draft was submitted),
  `unused_upload_days` after it was stored.
Open cases are never touched, nor a case whose delivery is still under way. Every deletion
is recorded in the audit log by id and service only — never with the deleted data.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, delete, func, select
from sqlalchemy.orm import Session

from portal.adapters.db.delivery import PENDING, RUNNING, DeliveryJob
from portal.adapters.db.models import Base, Draft, StatusChange, Submission, Upload
from portal.definitions.loader import Catalog
from portal.definitions.model import Retention
from portal.services import audit, statistics

ACTOR = "portal:retention"
BATCH = 200


@dataclass
class Report:
    submissions: int = 0
    drafts: int = 0
    uploads: int = 0
    held_back: int = 0  # closed and due, but a delivery is still under way
    by_service: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, int]:
        return {"submissions": self.submissions, "drafts": self.drafts, "uploads": self.uploads,
                "held_back": self.held_back}


def _policies(catalog: Catalog) -> dict[str, Retention]:
    return {sid: service.retention for sid, service in catalog.services.items()}


def _services(session: Session, column: Any, policies: dict[str, Retention]) -> Iterable[
        tuple[str, Retention]]:
    """Every service with rows in `column`'s table, with its policy; a service no longer in
    the catalogue gets the default periods rather than being kept forever."""
    found = set(session.scalars(select(column).distinct()))
    for service_id in sorted(found):
        yield service_id, policies.get(service_id, Retention())


# --- Deleting along foreign keys, so tables added later are covered too ---

def _children(table: Table) -> list[tuple[Table, Any, Any]]:
    """(child table, its foreign-key column, the referenced column of `table`)."""
    out = []
    for child in Base.metadata.sorted_tables:
        for fk in child.foreign_keys:
            if fk.column.table is table:
                out.append((child, fk.parent, fk.column))
    return out


def _delete(session: Session, table: Table, column: Any, values: list[Any],
            counts: dict[str, int]) -> None:
    """Delete the rows of `table` whose `column` is in `values`, and before them every row
    that refers to them (recursively)."""
    if not values:
        return
    for child, fk_column, referenced in _children(table):
        if child is table:
            continue
        keys = values if referenced is column else list(session.scalars(
            select(referenced).where(column.in_(values))))
        _delete(session, child, fk_column, keys, counts)
    result = session.execute(delete(table).where(column.in_(values))
                             .execution_options(synchronize_session=False))
    if result.rowcount:  # type: ignore[attr-defined]
        counts[table.name] = counts.get(table.name, 0) + result.rowcount  # type: ignore[attr-defined]


def _table(model: type[Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


# --- The three kinds of data ---

def _closed_and_due(service_id: str, cutoff: datetime) -> list[Any]:
    """Conditions: a case of this service, closed at or before `cutoff`."""
    closed_at = (select(func.max(StatusChange.at)).where(
        StatusChange.submission_id == Submission.id, StatusChange.status == "closed")
        .correlate(Submission).scalar_subquery())
    return [Submission.service_id == service_id, Submission.status == "closed",
            closed_at <= cutoff]


def _delivery_under_way() -> Any:
    return select(DeliveryJob.id).where(DeliveryJob.submission_id == Submission.id,
                                        DeliveryJob.status.in_((PENDING, RUNNING))).exists()


def closed_cases_due(session: Session, service_id: str, cutoff: datetime) -> list[str]:
    return list(session.scalars(
        select(Submission.id).where(*_closed_and_due(service_id, cutoff), ~_delivery_under_way())
        .order_by(Submission.id).limit(BATCH).with_for_update(skip_locked=True)))


def _held_back(session: Session, service_id: str, cutoff: datetime) -> int:
    return int(session.scalar(select(func.count()).select_from(Submission).where(
        *_closed_and_due(service_id, cutoff), _delivery_under_way())) or 0)


def delete_case(session: Session, submission_id: str, rule: str, timezone: str) -> None:
    submission = session.get(Submission, submission_id)
    if submission is None:
        return
    statistics.keep(session, statistics.case_row(submission, submission.history, timezone))
    service_id, draft_id = submission.service_id, submission.draft_id
    session.expunge(submission)
    counts: dict[str, int] = {}
    _delete(session, _table(Submission), _table(Submission).c.id, [submission_id], counts)
    _delete(session, _table(Draft), _table(Draft).c.id, [draft_id], counts)
    audit.record(session, ACTOR, "retention.case_deleted", submission_id, service=service_id,
                 rule=rule, rows=counts)


def _delete_drafts(session: Session, service_id: str, cutoff: datetime, rule: str) -> int:
    ids = list(session.scalars(
        select(Draft.id).where(Draft.service_id == service_id, Draft.submission_id.is_(None),
                               Draft.updated_at <= cutoff)
        .order_by(Draft.id).limit(BATCH).with_for_update(skip_locked=True)))
    for draft_id in ids:
        counts: dict[str, int] = {}
        _delete(session, _table(Draft), _table(Draft).c.id, [draft_id], counts)
        audit.record(session, ACTOR, "retention.draft_deleted", draft_id, service=service_id,
                     rule=rule, rows=counts)
    return len(ids)


def _unused(upload: Upload, draft: Draft) -> bool:
    if draft.submission_id is not None:
        return True  # submitted without this file: nothing will use it any more
    kept = json.dumps([draft.answers, draft.raw_inputs], default=str)
    return upload.id not in kept


def _delete_uploads(session: Session, service_id: str, cutoff: datetime, rule: str) -> int:
    candidates = session.execute(
        select(Upload, Draft).join(Draft, Draft.id == Upload.draft_id)
        .where(Draft.service_id == service_id, Upload.submission_id.is_(None),
               Upload.created_at <= cutoff)
        .order_by(Upload.id).with_for_update(of=Upload, skip_locked=True)).all()
    ids = [upload.id for upload, draft in candidates if _unused(upload, draft)]
    for upload_id in ids:
        session.execute(delete(Upload).where(Upload.id == upload_id)
                        .execution_options(synchronize_session=False))
        audit.record(session, ACTOR, "retention.upload_deleted", upload_id, service=service_id,
                     rule=rule)
    session.expunge_all()
    return len(ids)


def run(session: Session, catalog: Catalog, moment: datetime, timezone: str) -> Report:
    """Delete what is due at `moment`. The caller commits (or rolls back for a dry run);
    rows locked by a concurrent run are skipped, it deletes them."""
    policies = _policies(catalog)
    report = Report()
    for service_id, policy in _services(session, Submission.service_id, policies):
        cutoff = moment - timedelta(days=policy.closed_case_days)
        rule = f"closed_case_days={policy.closed_case_days}"
        while ids := closed_cases_due(session, service_id, cutoff):
            for submission_id in ids:
                delete_case(session, submission_id, rule, timezone)
            report.submissions += len(ids)
            report.by_service[service_id] = report.by_service.get(service_id, 0) + len(ids)
            session.flush()
        report.held_back += _held_back(session, service_id, cutoff)
    for service_id, policy in _services(session, Draft.service_id, policies):
        cutoff = moment - timedelta(days=policy.draft_days)
        while found := _delete_drafts(session, service_id, cutoff,
                                      f"draft_days={policy.draft_days}"):
            report.drafts += found
    for service_id, policy in _services(session, Draft.service_id, policies):
        cutoff = moment - timedelta(days=policy.unused_upload_days)
        rule = f"unused_upload_days={policy.unused_upload_days}"
        report.uploads += _delete_uploads(session, service_id, cutoff, rule)
    return report
