"""The API for specialist systems: tokens, departments, pulling at one's own pace, receipts,
status updates that reach the citizen, and 404 for everything not one's own."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Flask
from sqlalchemy import select

from portal.adapters.db.delivery import CitizenMessage, DeliveryJob, StoredMessage
from portal.adapters.db.documents import Document
from portal.adapters.db.models import AuditEntry
from portal.services import api_clients
from portal.state import portal_state
from tests.adapters.delivery.support import delivery_app, submit_dog_tax
from tests.conftest import sign_in
from tests.factories import PDF
from tests.web.api.support import add_upload, make_client, make_ready


def setup(clean_db: str, seal: dict[str, Any]) -> tuple[Flask, str, str]:
    app = delivery_app(clean_db, seal, {})
    return app, make_client(app, "Hundesteuer-Verfahren", "steueramt"), \
        make_client(app, "Meldewesen", "meldebehoerde")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_tokens_are_required_and_checked(clean_db: str, seal: dict[str, Any]) -> None:
    app, tax, _ = setup(clean_db, seal)
    client = app.test_client()
    assert client.get("/api/v1/openapi.json").status_code == 200  # public
    for headers in ({}, {"Authorization": "Basic eDp5"}, bearer("ozg_wrong"), bearer("x" * 500)):
        response = client.get("/api/v1/submissions", headers=headers)
        assert response.status_code == 401 and response.json["error"] == "unauthorized"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/api/v1/submissions", headers=bearer(tax)).status_code == 200
    with portal_state(app).db.session() as session:
        api_clients.revoke(session, "Hundesteuer-Verfahren")
        session.commit()
        stored = session.scalars(select(api_clients.ApiClient.token_hash)).all()
    assert client.get("/api/v1/submissions", headers=bearer(tax)).status_code == 401
    assert tax not in stored and api_clients.token_hash(tax) in stored  # only the hash


def test_pull_fetch_acknowledge_and_page(clean_db: str, seal: dict[str, Any]) -> None:
    app, tax, registry = setup(clean_db, seal)
    client = app.test_client()
    ids = [submit_dog_tax(app) for _ in range(3)]
    # Not listed before the XÖV message and the sealed PDF exist.
    assert client.get("/api/v1/submissions", headers=bearer(tax)).json["items"] == []
    make_ready(app)
    attachment = add_upload(app, ids[0])

    first = client.get("/api/v1/submissions?limit=2", headers=bearer(tax)).json
    second = client.get(f"/api/v1/submissions?limit=2&cursor={first['nextCursor']}",
                        headers=bearer(tax)).json
    assert [i["id"] for i in first["items"] + second["items"]] == ids  # oldest first
    assert second["nextCursor"] is None
    # Another department's client sees none of them, not even by id.
    assert client.get("/api/v1/submissions", headers=bearer(registry)).json["items"] == []
    for path in ("", "/xml", "/pdf", f"/attachments/{attachment}"):
        denied = client.get(f"/api/v1/submissions/{ids[0]}{path}", headers=bearer(registry))
        assert denied.status_code == 404 and denied.json["error"] == "not_found"

    detail = client.get(f"/api/v1/submissions/{ids[0]}", headers=bearer(tax)).json
    assert detail["serviceId"] == "hundesteuer-anmeldung" and detail["answers"]["dogs"]
    assert detail["attachments"][0]["id"] == attachment
    xml = client.get(detail["links"]["xml"], headers=bearer(tax))
    pdf = client.get(detail["links"]["pdf"], headers=bearer(tax))
    file = client.get(detail["attachments"][0]["link"], headers=bearer(tax))
    with portal_state(app).db.session() as session:
        stored_xml = session.scalar(select(StoredMessage.content).where(
            StoredMessage.submission_id == ids[0]))
        stored_pdf = session.scalar(select(Document.content).where(
            Document.submission_id == ids[0]))
    assert xml.mimetype == "application/xml" and xml.data == stored_xml
    assert pdf.mimetype == "application/pdf" and pdf.data == stored_pdf
    assert file.data == PDF and "Impfpass.pdf" in file.headers["Content-Disposition"]

    ack = client.post(f"/api/v1/submissions/{ids[0]}/receipt", json={"externalId": "HST-42"},
                      headers=bearer(tax))
    again = client.post(f"/api/v1/submissions/{ids[0]}/receipt", json={}, headers=bearer(tax))
    assert (ack.status_code, again.status_code) == (201, 200)
    assert again.json["externalId"] == "HST-42"  # the first receipt stays
    new = client.get("/api/v1/submissions", headers=bearer(tax)).json["items"]
    assert [i["id"] for i in new] == ids[1:]
    everything = client.get("/api/v1/submissions?new=false", headers=bearer(tax)).json["items"]
    assert everything[0]["receivedAt"] is not None and everything[1]["receivedAt"] is None
    with portal_state(app).db.session() as session:
        actions = session.scalars(select(AuditEntry.action).where(
            AuditEntry.object_id == ids[0])).all()
    assert {"api.fetched.xml", "api.fetched.pdf", "api.acknowledged"} <= set(actions)


def test_status_updates_reach_the_citizen(clean_db: str, seal: dict[str, Any]) -> None:
    app, tax, _ = setup(clean_db, seal)
    client = app.test_client()
    submission_id = submit_dog_tax(app)
    make_ready(app)
    url = f"/api/v1/submissions/{submission_id}/status"
    skipped = client.post(url, json={"status": "closed"}, headers=bearer(tax))
    assert skipped.status_code == 409 and "in_progress" in skipped.json["message"]
    for bad in ({"status": "done"}, {"status": "in_progress", "message": " "},
                {"status": "in_progress", "extra": 1}, ["in_progress"]):
        assert client.post(url, json=bad, headers=bearer(tax)).status_code in (400, 422)
    assert client.post(url, data="status=x", headers=bearer(tax)).status_code == 415
    moved = client.post(url, json={"status": "in_progress",
                                   "message": "Wir prüfen Ihren Antrag."}, headers=bearer(tax))
    assert moved.status_code == 200
    assert [h["status"] for h in moved.json["history"]] == ["received", "in_progress"]
    with portal_state(app).db.session() as session:
        message = session.scalar(select(CitizenMessage))
        job = session.scalar(select(DeliveryJob).where(DeliveryJob.kind == "notification"))
        reference = client.get(f"/api/v1/submissions/{submission_id}",
                               headers=bearer(tax)).json["reference"]
    assert message is not None and message.author == "steueramt"
    assert job is not None and job.status == "pending"

    citizen = app.test_client()
    sign_in(citizen)
    page = citizen.get(f"/meine-antraege/{reference}").get_data(as_text=True)
    assert "In Bearbeitung" in page and "Wir prüfen Ihren Antrag." in page


def test_guessed_and_malformed_ids_are_404(clean_db: str, seal: dict[str, Any]) -> None:
    app, tax, _ = setup(clean_db, seal)
    client = app.test_client()
    submission_id = submit_dog_tax(app)
    make_ready(app)
    for path in (f"/api/v1/submissions/{uuid.uuid4()}", "/api/v1/submissions/1",
                 "/api/v1/submissions/%00", f"/api/v1/submissions/{submission_id}x",
                 f"/api/v1/submissions/{submission_id}/attachments/{uuid.uuid4()}",
                 f"/api/v1/submissions/{submission_id.upper()}/pdf"):
        response = client.get(path, headers=bearer(tax))
        assert response.status_code == 404 and response.is_json, path
    assert client.get("/api/v1/submissions?cursor=%00", headers=bearer(tax)).status_code == 400
    assert client.get("/api/v1/submissions?limit=0", headers=bearer(tax)).status_code == 400
