"""The retention job on PostgreSQL (Art. 5 Abs. 1 lit. e DSGVO, storage limitation): it
deletes exactly what is due — closed cases, drafts, unused uploads, each one second past its
deadline — and nothing else: not one second before, not open cases, not a case whose
delivery is still under way. Statistics survive the deletion unchanged; the audit log records
each deletion without the deleted data."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import func, select, update

from portal.adapters.db.delivery import DeliveryJob
from portal.adapters.db.models import AuditEntry, Draft, StatusChange, Submission, Upload
from portal.adapters.db.schema import metadata
from portal.adapters.jobs.maintenance import run_retention
from portal.services import statistics
from portal.state import portal_state
from portal.web.auth.dev import PERSONAS, identity_for
from tests.adapters.delivery.support import submit_dog_tax
from tests.factories import PDF

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)
CLOSED = timedelta(days=365)  # forms/hundesteuer-anmeldung.yaml, retention.closed_case_days
DRAFT = timedelta(days=30)  # retention.draft_days
UPLOAD = timedelta(days=7)  # retention.unused_upload_days


def close_case(app: Flask, submission_id: str, closed_at: datetime,
               decided_after: timedelta = timedelta(days=3)) -> None:
    """As the inbox would: received → in_progress → decided → closed, at given times; the
    deliveries are done."""
    with portal_state(app).db.session() as session:
        submission = session.get(Submission, submission_id)
        assert submission is not None
        submitted = closed_at - timedelta(days=10)
        submission.submitted_at = submitted
        submission.status = "closed"
        for status, at in (("in_progress", submitted + timedelta(hours=1)),
                           ("decided", submitted + decided_after), ("closed", closed_at)):
            session.add(StatusChange(submission_id=submission_id, status=status,
                                     actor="staff:test", at=at))
        session.execute(update(DeliveryJob).where(DeliveryJob.submission_id == submission_id)
                        .values(status="delivered"))
        session.commit()


def add_upload(app: Flask, draft_id: str, created_at: datetime, used_by: str | None = None,
               referenced: bool = False) -> str:
    with portal_state(app).db.session() as session:
        draft = session.get(Draft, draft_id)
        assert draft is not None
        upload = Upload(user_id=draft.user_id, draft_id=draft_id, submission_id=used_by,
                        field_path="proof", filename="nachweis.pdf",
                        content_type="application/pdf", size=len(PDF), sha256="0" * 64,
                        content=PDF, created_at=created_at)
        session.add(upload)
        session.flush()
        if referenced:
            draft.answers = {**draft.answers, "proof": {"upload_id": upload.id,
                                                        "filename": "nachweis.pdf"}}
        session.commit()
        return upload.id


def add_draft(app: Flask, updated_at: datetime, persona: str = "max") -> str:
    from portal.services.drafts import start_draft
    from portal.services.users import user_for_identity

    state = portal_state(app)
    identity = identity_for(persona, 4)
    with state.db.session() as session:
        user = user_for_identity(session, identity)
        draft = start_draft(session, state.env(), user.id, "hundesteuer-anmeldung", identity)
        draft.updated_at = updated_at
        session.commit()
        return draft.id


def draft_of(app: Flask, submission_id: str) -> str:
    with portal_state(app).db.session() as session:
        submission = session.get(Submission, submission_id)
        assert submission is not None
        return submission.draft_id


def rows_referring_to(app: Flask, submission_id: str) -> dict[str, int]:
    """Rows of every table with a column that refers to submissions."""
    found = {}
    with portal_state(app).db.session() as session:
        for table in metadata.sorted_tables:
            for fk in table.foreign_keys:
                if fk.column.table.name == "submissions":
                    count = session.scalar(select(func.count()).select_from(table)
                                           .where(fk.parent == submission_id))
                    if count:
                        found[table.name] = int(count)
    return found


def exists(app: Flask, model: Any, object_id: str) -> bool:
    with portal_state(app).db.session() as session:
        return session.get(model, object_id) is not None


def stats(app: Flask) -> list[statistics.Row]:
    state = portal_state(app)
    with state.db.session() as session:
        return statistics.report(session, state.timezone)


def test_deletes_exactly_what_is_due_and_nothing_else(app: Flask) -> None:
    due = submit_dog_tax(app)
    close_case(app, due, NOW - CLOSED - SECOND)
    not_yet = submit_dog_tax(app)
    close_case(app, not_yet, NOW - CLOSED + SECOND)
    open_case = submit_dog_tax(app)
    with portal_state(app).db.session() as session:  # open for years: never deleted
        session.execute(update(Submission).where(Submission.id == open_case)
                        .values(status="in_progress", submitted_at=NOW - 3 * CLOSED))
        session.commit()
    busy = submit_dog_tax(app)
    close_case(app, busy, NOW - 2 * CLOSED)
    with portal_state(app).db.session() as session:  # a delivery is still under way
        session.execute(update(DeliveryJob).where(DeliveryJob.submission_id == busy)
                        .values(status="pending"))
        session.commit()

    old_draft = add_draft(app, NOW - DRAFT - SECOND)
    old_draft_upload = add_upload(app, old_draft, NOW - 2 * DRAFT, referenced=True)
    recent_draft = add_draft(app, NOW - DRAFT + SECOND)
    orphan_due = add_upload(app, recent_draft, NOW - UPLOAD - SECOND)
    orphan_recent = add_upload(app, recent_draft, NOW - UPLOAD + SECOND)
    referenced_old = add_upload(app, recent_draft, NOW - 5 * UPLOAD, referenced=True)
    left_over = add_upload(app, draft_of(app, not_yet), NOW - UPLOAD - SECOND)
    used = add_upload(app, draft_of(app, not_yet), NOW - 5 * UPLOAD, used_by=not_yet)
    due_upload = add_upload(app, draft_of(app, due), NOW - 5 * UPLOAD, used_by=due)
    due_draft = draft_of(app, due)
    before = stats(app)
    assert rows_referring_to(app, due)  # history, outbox, upload …

    report = run_retention(app, NOW)

    assert (report.submissions, report.drafts, report.uploads, report.held_back) == (1, 1, 2, 1)
    assert not exists(app, Submission, due) and not exists(app, Draft, due_draft)
    assert rows_referring_to(app, due) == {}
    assert not exists(app, Upload, due_upload)
    for kept in (not_yet, open_case, busy):
        assert exists(app, Submission, kept)
    assert not exists(app, Draft, old_draft) and not exists(app, Upload, old_draft_upload)
    assert exists(app, Draft, recent_draft)
    assert not exists(app, Upload, orphan_due) and not exists(app, Upload, left_over)
    for kept_upload in (orphan_recent, referenced_old, used):
        assert exists(app, Upload, kept_upload)
    # The statistics are the same as before: the deleted case is counted in case_statistics.
    assert stats(app) == before
    rows = stats(app)
    assert {(r.service_id, r.channel) for r in rows} == {("hundesteuer-anmeldung", "online")}
    assert sum(r.submitted for r in rows) == 4
    assert sum(r.decided for r in rows) == sum(r.within_7_days for r in rows) == 3
    assert sum(r.processing_seconds for r in rows) == 3 * 3 * 86400
    deleted_month = (NOW - CLOSED - SECOND - timedelta(days=10)).strftime("%Y-%m")
    with portal_state(app).db.session() as session:
        from portal.adapters.db.statistics import CaseStatistics

        kept = list(session.scalars(select(CaseStatistics)))
    assert [(k.month, k.submitted, k.decided) for k in kept] == [(deleted_month, 1, 1)]

    # Nothing more is due; two seconds later the second case is.
    assert run_retention(app, NOW).as_dict() == {"submissions": 0, "drafts": 0, "uploads": 0,
                                                 "held_back": 1}
    later = run_retention(app, NOW + 2 * SECOND)
    # The recent draft is due now too; its uploads go with it, not as unused uploads.
    assert (later.submissions, later.drafts, later.uploads) == (1, 1, 0)
    assert not exists(app, Submission, not_yet) and exists(app, Submission, busy)
    assert not exists(app, Upload, orphan_recent) and not exists(app, Upload, used)
    assert stats(app) == before


def test_deletions_are_audited_without_the_deleted_data(app: Flask) -> None:
    due = submit_dog_tax(app)
    close_case(app, due, NOW - CLOSED - SECOND)
    with portal_state(app).db.session() as session:
        submission = session.get(Submission, due)
        assert submission is not None
        reference, answers = submission.reference, json.dumps(submission.answers)
    draft = add_draft(app, NOW - DRAFT - SECOND)
    run_retention(app, NOW)
    with portal_state(app).db.session() as session:
        entries = list(session.scalars(select(AuditEntry).where(
            AuditEntry.action.like("retention.%")).order_by(AuditEntry.id)))
    assert [(e.action, e.object_id) for e in entries] == [
        ("retention.case_deleted", due), ("retention.draft_deleted", draft)]
    assert entries[0].details["rule"] == "closed_case_days=365"
    assert entries[0].details["rows"]["submissions"] == 1
    recorded = json.dumps([e.details for e in entries], ensure_ascii=False)
    assert reference not in recorded and "Bello" in answers and "Bello" not in recorded
    for persona in PERSONAS.values():
        for value in (persona["family_name"], persona["given_names"], persona["email"],
                      persona["birth_date"], persona["address"]["street"]):
            assert value not in recorded


def test_command_dry_run_deletes_nothing(app: Flask) -> None:
    draft = add_draft(app, datetime.now(UTC) - DRAFT - timedelta(minutes=1))
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["retention", "run", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "fällig: 0 abgeschlossene Fälle, 1 Entwürfe" in dry.output
    assert exists(app, Draft, draft)
    done = runner.invoke(args=["retention", "run"])
    assert "gelöscht: 0 abgeschlossene Fälle, 1 Entwürfe" in done.output
    assert not exists(app, Draft, draft)
