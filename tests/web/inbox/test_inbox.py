"""The clerks' inbox with the real staff sign-in (password + TOTP): departments, filters,
paging, claim/assign, status and messages that reach the citizen by page and e-mail, CSV,
the administrators' retry, and 404 for everything that is not one's own."""

from __future__ import annotations

import csv
import io
import re
import uuid
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from portal.adapters.db.delivery import DeliveryJob
from portal.adapters.db.models import AuditEntry, Submission
from portal.state import portal_state
from tests.adapters.delivery.receivers import SmtpReceiver
from tests.adapters.delivery.support import delivery_app, run_jobs, submit_dog_tax
from tests.conftest import sign_in
from tests.factories import submit_reviewed
from tests.web.api.support import add_upload
from tests.web.auth.test_staff import create, staff_sign_in
from tests.web.test_journey import fill_all_steps


def clerk(app: Flask, email: str, departments: list[str], roles: list[str] | None = None,
          ) -> FlaskClient:
    totp = create(app, email, roles or ["back_office"], departments)
    client = app.test_client()
    staff_sign_in(client, email, totp)
    return client


def submit_registration(app: Flask, persona: str = "max") -> str:
    """A residence registration (registration office) through the citizen's web journey."""
    citizen = app.test_client()
    sign_in(citizen, persona)
    review = fill_all_steps(app, citizen, "wohnsitz-anmeldung")
    done = submit_reviewed(citizen, review)
    assert done.status_code == 302
    return done.location.split("/meine-antraege/")[1].split("?")[0]


def by_reference(app: Flask, reference: str) -> Submission:
    with portal_state(app).db.session() as session:
        found = session.scalar(select(Submission).where(Submission.reference == reference))
        assert found is not None
        return found


def test_clerks_see_only_their_departments(clean_db: str, seal: dict[str, Any]) -> None:
    app = delivery_app(clean_db, seal, {})
    tax_id = submit_dog_tax(app)
    registration = by_reference(app, submit_registration(app))
    run_jobs(app)
    upload_id = add_upload(app, registration.id)
    tax = clerk(app, "steuer@goslar.example", ["steueramt"])
    office = clerk(app, "melde@goslar.example", ["meldebehoerde"])

    listing = tax.get("/mitarbeiter/posteingang").get_data(as_text=True)
    tax_reference = by_reference_of(app, tax_id)
    assert tax_reference in listing and registration.reference not in listing
    assert registration.reference in office.get("/mitarbeiter/posteingang").get_data(as_text=True)
    base = f"/mitarbeiter/posteingang/{registration.id}"
    for path in ("", "/dokument.pdf", "/nachricht.xml", f"/anlagen/{upload_id}"):
        assert tax.get(base + path).status_code == 404, path
        assert office.get(base + path).status_code == 200, path
    for guess in (str(uuid.uuid4()), "1", "x" * 300, registration.id.upper()):
        assert tax.get(f"/mitarbeiter/posteingang/{guess}").status_code == 404
    assert tax.post(f"{base}/uebernehmen").status_code == 404
    assert tax.post(f"{base}/status", data={"status": "in_progress"}).status_code == 404
    assert tax.post(f"{base}/nachricht", data={"nachricht": "Hallo"}).status_code == 404
    # Not signed in as staff: to the staff sign-in; a citizen session does not count.
    citizen = app.test_client()
    sign_in(citizen)
    assert citizen.get("/mitarbeiter/posteingang").status_code == 302

    detail = office.get(base).get_data(as_text=True)
    assert "Siegel gültig" in detail and registration.reference in detail
    assert office.get(f"{base}/dokument.pdf").data.startswith(b"%PDF")
    assert b"<?xml" in office.get(f"{base}/nachricht.xml").data[:100]


def by_reference_of(app: Flask, submission_id: str) -> str:
    with portal_state(app).db.session() as session:
        found = session.get(Submission, submission_id)
        assert found is not None
        return found.reference


def test_citizens_never_see_each_others_applications(clean_db: str, seal: dict[str, Any]) -> None:
    app = delivery_app(clean_db, seal, {})
    reference = submit_registration(app, "max")
    submission = by_reference(app, reference)
    upload_id = add_upload(app, submission.id)
    other = app.test_client()
    sign_in(other, "erika")
    assert other.get(f"/meine-antraege/{reference}").status_code == 404
    assert other.get(f"/dateien/{upload_id}").status_code == 404
    assert reference not in other.get("/meine-antraege").get_data(as_text=True)
    owner = app.test_client()
    sign_in(owner, "max")
    assert owner.get(f"/meine-antraege/{reference}").status_code == 200


def test_filters_search_paging_and_csv(clean_db: str, seal: dict[str, Any]) -> None:
    app = delivery_app(clean_db, seal, {})
    ids = [submit_dog_tax(app, "erika") for _ in range(26)] + [submit_dog_tax(app, "ayse")]
    tax = clerk(app, "steuer@goslar.example", ["steueramt"])
    first = tax.get("/mitarbeiter/posteingang").get_data(as_text=True)
    assert "27 Anträge" in first and "Seite 1 von 2" in first
    second = tax.get("/mitarbeiter/posteingang?seite=2").get_data(as_text=True)
    assert len(re.findall(r"HST-2026-\d{6}", second)) == 2
    ayse = tax.get("/mitarbeiter/posteingang?suche=yılmaz").get_data(as_text=True)
    assert "1 Antrag" in ayse and by_reference_of(app, ids[-1]) in ayse
    one = by_reference_of(app, ids[3])
    assert "1 Antrag" in tax.get(f"/mitarbeiter/posteingang?suche={one}").get_data(as_text=True)
    with portal_state(app).db.session() as session:
        session.execute(update(Submission).where(Submission.id == ids[0])
                        .values(status="in_progress"))
        session.commit()
    filtered = tax.get("/mitarbeiter/posteingang?status=in_progress&leistung="
                       "hundesteuer-anmeldung&von=2020-01-01&bis=2099-12-31")
    assert "1 Antrag" in filtered.get_data(as_text=True)
    none = tax.get("/mitarbeiter/posteingang?leistung=wohnsitz-anmeldung&von=2099-01-01")
    assert "Keine Anträge gefunden" in none.get_data(as_text=True)
    # Bad input is a page with a message, never a server error.
    bad = tax.get("/mitarbeiter/posteingang?von=gestern&seite=x&status=%00&suche=%00")
    assert bad.status_code == 422 and "Bitte geben Sie ein Datum ein" in bad.get_data(as_text=True)

    export = tax.get("/mitarbeiter/posteingang/export.csv?suche=yılmaz")
    assert export.mimetype == "text/csv"
    text = export.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][0] == "Aktenzeichen" and len(rows) == 2
    assert rows[1][4] == "Ayşe Yılmaz" and rows[1][3] == "Eingegangen"
    with portal_state(app).db.session() as session:
        assert session.scalar(select(AuditEntry).where(AuditEntry.action == "inbox.exported"))


def test_case_work_reaches_the_citizen(clean_db: str, seal: dict[str, Any]) -> None:
    with SmtpReceiver() as smtp:
        app = delivery_app(clean_db, seal, {}, SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port,
                           SMTP_STARTTLS=False)
        submission_id = submit_dog_tax(app)
        reference = by_reference_of(app, submission_id)
        tax = clerk(app, "steuer@goslar.example", ["steueramt"])
        colleague_totp = create(app, "kollege@goslar.example", ["back_office"], ["steueramt"])
        assert colleague_totp
        base = f"/mitarbeiter/posteingang/{submission_id}"

        assert tax.post(f"{base}/uebernehmen").status_code == 302
        assert "Clara Clerk" in tax.get(base).get_data(as_text=True)
        with portal_state(app).db.session() as session:
            from portal.adapters.db.accounts import StaffAccount

            colleague = session.scalar(select(StaffAccount.id).where(
                StaffAccount.email == "kollege@goslar.example"))
        assert tax.post(f"{base}/zuweisen", data={"bearbeitung": colleague}).status_code == 302
        refused = tax.post(f"{base}/zuweisen", data={"bearbeitung": "x"}, follow_redirects=True)
        assert "arbeitet nicht in der zuständigen Abteilung" in refused.get_data(as_text=True)
        skip = tax.post(f"{base}/status", data={"status": "closed"}, follow_redirects=True)
        assert "nicht möglich" in skip.get_data(as_text=True)
        assert tax.post(f"{base}/status", data={"status": "in_progress"}).status_code == 302
        query = tax.post(f"{base}/status", data={
            "status": "query", "nachricht": "Bitte senden Sie uns den Impfpass.\nDanke."},
            follow_redirects=True)
        assert "Die Nachricht wurde gesendet" in query.get_data(as_text=True) or \
            "Der Status wurde geändert" in query.get_data(as_text=True)
        empty = tax.post(f"{base}/nachricht", data={"nachricht": "  "}, follow_redirects=True)
        assert "Bitte schreiben Sie eine Nachricht" in empty.get_data(as_text=True)
        assert tax.post(f"{base}/nachricht", data={"nachricht": "Eingang bestätigt."}
                        ).status_code == 302

        outcomes = run_jobs(app)
        assert [o.status for o in outcomes].count("delivered") >= 2
        mails = smtp.to("erika.mustermann@example.org")
        assert len(mails) == 2 and all(reference in str(m["Subject"]) for m in mails)
        assert all("Impfpass" not in m.get_content() for m in mails)

        citizen = app.test_client()
        sign_in(citizen)
        page = citizen.get(f"/meine-antraege/{reference}").get_data(as_text=True)
        assert "Bitte senden Sie uns den Impfpass." in page and "Eingang bestätigt." in page
        assert "Rückfrage an Sie" in page and "In Bearbeitung" in page
        with portal_state(app).db.session() as session:
            actions = set(session.scalars(select(AuditEntry.action).where(
                AuditEntry.object_id == submission_id)))
        assert {"case.claimed", "case.assigned", "case.status", "case.message",
                "case.viewed.detail"} <= actions


def test_admins_see_and_retry_failed_deliveries(clean_db: str, seal: dict[str, Any]) -> None:
    app = delivery_app(clean_db, seal, {})
    submission_id = submit_dog_tax(app)
    with portal_state(app).db.session() as session:
        session.execute(update(DeliveryJob).values(status="failed", attempts=8,
                                                   last_error="HTTP 500: kaputt"))
        session.commit()
        job_id = session.scalar(select(DeliveryJob.id))
    clerk_client = clerk(app, "steuer@goslar.example", ["steueramt"])
    assert clerk_client.get("/mitarbeiter/posteingang/zustellungen").status_code == 403
    admin = clerk(app, "admin@goslar.example", [], ["admin"])
    page = admin.get("/mitarbeiter/posteingang/zustellungen").get_data(as_text=True)
    assert "HTTP 500: kaputt" in page and by_reference_of(app, submission_id) in page
    assert admin.post(f"/mitarbeiter/posteingang/zustellungen/{uuid.uuid4()}/wiederholen"
                      ).status_code == 404
    done = admin.post(f"/mitarbeiter/posteingang/zustellungen/{job_id}/wiederholen",
                      follow_redirects=True)
    assert "wird erneut versucht" in done.get_data(as_text=True)
    assert [o.status for o in run_jobs(app)] == ["delivered"]
