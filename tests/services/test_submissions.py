"""Submissions on PostgreSQL: exactly once per draft, gap-free references under concurrency."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from portal.adapters.db.models import AuditEntry, Submission, Upload
from portal.demo import _dog_tax_answers
from portal.services.drafts import start_draft
from portal.services.errors import Incomplete
from portal.services.references import next_reference
from portal.services.submissions import submit
from portal.services.users import user_for_identity
from portal.state import portal_state
from portal.web.auth.dev import identity_for


def run_parallel(n: int, fn: Callable[[int], Any]) -> list[Any]:
    results: list[Any] = [None] * n
    barrier = threading.Barrier(n)

    def worker(i: int) -> None:
        barrier.wait()
        try:
            results[i] = fn(i)
        except Exception as exc:
            results[i] = exc

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_references_are_unique_and_gap_free_under_concurrency(app: Flask) -> None:
    db = portal_state(app).db

    def take(_i: int) -> str:
        with db.session() as session:
            reference = next_reference(session, "HST", 2026)
            session.commit()
            return reference

    references = run_parallel(8, take)
    assert sorted(references) == [f"HST-2026-{n:06d}" for n in range(1, 9)]
    with db.session() as session:
        assert next_reference(session, "HST", 2027) == "HST-2027-000001"


def prepared_draft(app: Flask) -> tuple[str, str]:
    state = portal_state(app)
    identity = identity_for("erika", 4)
    with state.db.session() as session:
        user = user_for_identity(session, identity)
        draft = start_draft(session, state.env(), user.id, "hundesteuer-anmeldung", identity)
        draft.answers = {**draft.answers, **_dog_tax_answers(state.env().today)}
        session.commit()
        return draft.id, user.id


def test_concurrent_submits_of_one_draft_create_one_submission(app: Flask) -> None:
    state = portal_state(app)
    draft_id, user_id = prepared_draft(app)
    identity = identity_for("erika", 4)

    def send(_i: int) -> str:
        with state.db.session() as session:
            submission = submit(session, state.env(), draft_id, user_id, identity)
            session.commit()
            return submission.reference

    references = run_parallel(6, send)
    assert len(set(references)) == 1, references
    with state.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Submission)) == 1
        stored = session.scalar(select(Submission))
        assert stored is not None
        assert stored.fee["amount"] == "132.00" and stored.fee["period"] == "year"
        actions = session.scalars(select(AuditEntry.action)).all()
        assert actions.count("submission.created") == 1


def test_incomplete_draft_is_not_submitted(app: Flask) -> None:
    state = portal_state(app)
    identity = identity_for("erika", 4)
    with state.db.session() as session:
        user = user_for_identity(session, identity)
        draft = start_draft(session, state.env(), user.id, "hundesteuer-anmeldung", identity)
        session.commit()
        try:
            submit(session, state.env(), draft.id, user.id, identity)
        except Incomplete as exc:
            paths = {e.path for e in exc.errors}
        else:
            raise AssertionError("an empty application was accepted")
    assert "dogs_already_taxed" in paths


def test_hidden_answers_and_unused_uploads_are_not_submitted(app: Flask) -> None:
    state = portal_state(app)
    identity = identity_for("erika", 4)
    with state.db.session() as session:
        user = user_for_identity(session, identity)
        draft = start_draft(session, state.env(), user.id, "hundesteuer-anmeldung", identity)
        stray = Upload(user_id=user.id, draft_id=draft.id, field_path="dogs.0.relief_proof",
                       filename="a.pdf", content_type="application/pdf", size=1, sha256="0" * 64,
                       content=b"%")
        session.add(stray)
        session.flush()
        answers = _dog_tax_answers(state.env().today)
        dog = {**answers["dogs"][0],  # type: ignore[index]
               "relief_requested": False, "relief_reason": "blindenfuehrhund",
               "relief_proof": {"upload_id": stray.id, "filename": "a.pdf",
                                "content_type": "application/pdf", "size": 1}}
        draft.answers = {**draft.answers, **answers, "dogs": [dog]}
        submission = submit(session, state.env(), draft.id, user.id, identity)
        session.commit()
        assert "relief_reason" not in submission.answers["dogs"][0]
        assert "relief_proof" not in submission.answers["dogs"][0]
        assert session.get(Upload, stray.id).submission_id is None  # type: ignore[union-attr]
