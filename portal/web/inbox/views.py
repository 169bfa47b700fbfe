"""Inbox pages that only read: the filtered list, the CSV export, a case and its files."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from typing import Any

from flask import Response, abort, current_app, render_template, request, send_file, url_for
from flask_babel import gettext
from sqlalchemy import select

from portal.adapters.db.documents import KIND_SUBMISSION, Document
from portal.adapters.db.models import Upload
from portal.presentation.summary import summarize
from portal.services import inbox
from portal.services.artifacts import stored_message
from portal.services.errors import NotFound
from portal.state import portal_state
from portal.web.inbox import BADGES, CHANNEL_NAMES, JOB_NAMES, STATUS_NAMES, actor_of, bp
from portal.web.staff.session import current_staff, staff_required

PER_PAGE = 25
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _actor() -> inbox.Actor:
    who = current_staff()
    assert who is not None
    return actor_of(who)


def _is_admin() -> bool:
    who = current_staff()
    return who is not None and who.has_role("admin")


def _date(name: str, problems: list[tuple[str, str]]) -> date | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        value = date.fromisoformat(raw)
        if not date(2000, 1, 1) <= value <= date(2100, 12, 31):
            raise ValueError(raw)
        return value
    except ValueError:
        problems.append((name, gettext("Bitte geben Sie ein Datum ein, zum Beispiel 2026-11-20.")))
        return None


def filters_from_request() -> tuple[inbox.Filters, list[tuple[str, str]]]:
    problems: list[tuple[str, str]] = []
    catalog = portal_state(current_app).catalog
    service = request.args.get("leistung") or None
    status = request.args.get("status") or None
    if service is not None and service not in catalog.services:
        service = None
    if status is not None and status not in STATUS_NAMES:
        status = None
    query = request.args.get("suche", "").replace("\x00", "").strip()[:100] or None
    filters = inbox.Filters(service_id=service, status=status,
                            date_from=_date("von", problems), date_to=_date("bis", problems),
                            query=query, mine=request.args.get("meine") == "1")
    return filters, problems


def _page_number() -> int:
    raw = request.args.get("seite", "1")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 6 else 1


@bp.route("")
@staff_required("back_office")
def index() -> Any:
    state = portal_state(current_app)
    actor = _actor()
    filters, problems = filters_from_request()
    with state.db.session() as session:
        page = inbox.list_cases(session, actor, filters, _page_number(), PER_PAGE,
                                current_app.config["TIMEZONE"])
        args: dict[str, Any] = {k: v for k, v in request.args.items() if k != "seite" and v}
        services = [s for s in state.catalog.services.values() if s.department in actor.departments]
        return render_template(
            "inbox/list.html", page=page, filters=filters, problems=problems,
            services=sorted(services, key=lambda s: s.id), status_names=STATUS_NAMES,
            badges=BADGES, catalog=state.catalog, departments=actor.departments,
            page_url=lambda n: url_for("inbox.index", seite=n, **args),
            export_url=url_for("inbox.export", **args),
            is_admin=_is_admin()), 422 if problems else 200


@bp.route("/export.csv")
@staff_required("back_office")
def export() -> Any:
    state = portal_state(current_app)
    filters, problems = filters_from_request()
    if problems:
        abort(400)
    with state.db.session() as session:
        rows = inbox.export_rows(session, _actor(), filters, current_app.config["TIMEZONE"])
        session.commit()
    out = io.StringIO()
    # Semicolons and a BOM: the CSV opens correctly in a German spreadsheet program.
    writer = csv.writer(out, delimiter=";")
    writer.writerow([gettext("Aktenzeichen"), gettext("Leistung"), gettext("Eingang"),
                     gettext("Status"), gettext("Antragsteller/in"), gettext("Bearbeitung")])
    zone = current_app.config["TIMEZONE"]
    from zoneinfo import ZoneInfo

    for row in rows:
        s = row.submission
        service = state.catalog.service(s.service_id)
        writer.writerow([_cell(v) for v in (
            s.reference, service.title.get("de", s.service_id) if service else s.service_id,
            s.submitted_at.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M"),
            gettext(STATUS_NAMES.get(s.status, s.status)), row.applicant, row.assignee or "")])
    data = "\ufeff" + out.getvalue()
    return Response(data, mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="posteingang.csv"'})


def _cell(value: str) -> str:
    # A cell starting with = + - @ would be a formula in a spreadsheet (CSV injection).
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def load_case(session: Any, submission_id: str) -> Any:
    if not UUID.match(submission_id):
        abort(404)
    try:
        return inbox.case(session, _actor(), submission_id)
    except NotFound:
        abort(404)


@bp.route("/<submission_id>")
@staff_required("back_office")
def detail(submission_id: str) -> Any:
    state = portal_state(current_app)
    with state.db.session() as session:
        submission = load_case(session, submission_id)
        service = state.catalog.service(submission.service_id)
        if service is None:
            abort(404)
        files = session.scalars(select(Upload).where(Upload.submission_id == submission.id)
                                .order_by(Upload.created_at)).all()
        document = session.scalar(select(Document).where(
            Document.submission_id == submission.id, Document.kind == KIND_SUBMISSION))
        xml = stored_message(session, submission.id)
        assignment = inbox.assignment(session, submission.id)
        colleagues = inbox.colleagues(session, submission.department)
        next_statuses = inbox.allowed_next(submission.status)
        inbox.record_view(session, _actor(), submission.id, "detail")
        session.commit()
        return render_template(
            "inbox/detail.html", submission=submission, service=service,
            summary=summarize(service, submission.answers, state.catalog.codelists),
            files=files, document=document, seal=_seal_report(session, document), xml=xml,
            assignment=assignment, history=list(submission.history),
            messages=inbox.messages(session, submission.id),
            jobs=inbox.delivery_state(session, submission.id),
            colleagues=colleagues,
            colleague_options=[(c.id, c.display_name) for c in colleagues],
            next_statuses=next_statuses,
            status_options=[(c, gettext(STATUS_NAMES[c])) for c in next_statuses],
            status_names=STATUS_NAMES,
            job_names=JOB_NAMES, channel_names=CHANNEL_NAMES, badges=BADGES, me=_actor(),
            department=state.catalog.municipality.department(submission.department),
            sent=request.args.get("ok"))


def _seal_report(session: Any, document: Document | None) -> Any:
    """The seal check for the clerk; None when there is no document yet or no way to check."""
    if document is None:
        return None
    from portal.adapters.documents.seal import SealSettings
    from portal.adapters.documents.verify import load_trust_roots, verify_pdf

    roots = current_app.extensions.get("portal.inbox.trust_roots")
    if roots is None:
        settings = SealSettings.from_config(current_app.config)
        roots = load_trust_roots(settings.trust_roots)
        current_app.extensions["portal.inbox.trust_roots"] = roots
    return verify_pdf(document.content, roots)


def _download(content: bytes, mimetype: str, name: str) -> Any:
    return send_file(io.BytesIO(content), mimetype=mimetype, as_attachment=True,
                     download_name=name)


@bp.route("/<submission_id>/dokument.pdf")
@staff_required("back_office")
def pdf(submission_id: str) -> Any:
    with portal_state(current_app).db.session() as session:
        submission = load_case(session, submission_id)
        document = session.scalar(select(Document).where(
            Document.submission_id == submission.id, Document.kind == KIND_SUBMISSION))
        if document is None:
            abort(404)
        inbox.record_view(session, _actor(), submission.id, "pdf")
        session.commit()
        return _download(document.content, "application/pdf", document.filename)


@bp.route("/<submission_id>/nachricht.xml")
@staff_required("back_office")
def xml(submission_id: str) -> Any:
    with portal_state(current_app).db.session() as session:
        submission = load_case(session, submission_id)
        message = stored_message(session, submission.id)
        if message is None:
            abort(404)
        inbox.record_view(session, _actor(), submission.id, "xml")
        session.commit()
        return _download(message.content, "application/xml", message.filename)


@bp.route("/<submission_id>/anlagen/<upload_id>")
@staff_required("back_office")
def attachment(submission_id: str, upload_id: str) -> Any:
    with portal_state(current_app).db.session() as session:
        submission = load_case(session, submission_id)
        upload = session.get(Upload, upload_id) if UUID.match(upload_id) else None
        if upload is None or upload.submission_id != submission.id:
            abort(404)
        inbox.record_view(session, _actor(), submission.id, "attachment")
        session.commit()
        return _download(upload.content, upload.content_type, upload.filename)
