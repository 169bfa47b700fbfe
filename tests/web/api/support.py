"""Submissions that are ready for the API (inbox job delivered: XÖV message and sealed PDF
exist) and API clients of two departments."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from portal.adapters.db.models import Upload
from portal.services import api_clients
from portal.state import portal_state
from tests.adapters.delivery.support import run_jobs
from tests.factories import PDF

DEPARTMENTS = ["steueramt", "meldebehoerde", "verkehrsbehoerde"]


@dataclass
class ApiWorld:
    app: Flask
    tax_token: str
    registry_token: str
    ready: list[str]
    attachment_id: str

    def auth(self, token: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {token or self.tax_token}"}


def make_client(app: Flask, name: str, department: str) -> str:
    with portal_state(app).db.session() as session:
        _client, token = api_clients.create_client(session, name, department, DEPARTMENTS)
        session.commit()
    return token


def add_upload(app: Flask, submission_id: str) -> str:
    with portal_state(app).db.session() as session:
        from portal.adapters.db.models import Draft, Submission

        submission = session.get(Submission, submission_id)
        assert submission is not None
        draft = session.get(Draft, submission.draft_id)
        assert draft is not None
        upload = Upload(user_id=submission.user_id, draft_id=draft.id,
                        submission_id=submission.id, field_path="proof",
                        filename="Impfpass.pdf", content_type="application/pdf", size=len(PDF),
                        sha256="0" * 64, content=PDF)
        session.add(upload)
        session.commit()
        return upload.id


def make_ready(app: Flask) -> None:
    run_jobs(app)
