"""API endpoints: parse, call the services, render JSON. Every id that is unknown, malformed
or another department's answers the same 404."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any
from urllib.parse import quote

from flask import Response, current_app, jsonify, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.adapters.db.delivery import ApiClient
from portal.adapters.db.documents import KIND_SUBMISSION, Document
from portal.adapters.db.models import Submission, Upload
from portal.adapters.documents.compose import tools_for
from portal.adapters.jobs.tasks import enqueue_jobs
from portal.services import api_clients, inbox
from portal.services.artifacts import stored_message
from portal.services.certificates import IssueFailed, issue_document
from portal.services.errors import NotFound
from portal.state import portal_state
from portal.web.api import bp, error
from portal.web.api.openapi import document

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
View = Callable[..., Any]


def client_required(view: View) -> View:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return error(401, "unauthorized")
        for key in ("submission_id", "attachment_id"):
            if key in kwargs and not UUID.match(kwargs[key]):
                return error(404, "not_found")
        with portal_state(current_app).db.session() as session:
            client = api_clients.authenticate(session, token.strip())
            if client is None:
                return error(401, "unauthorized")
            try:
                response = view(session, client, *args, **kwargs)
            except NotFound:
                session.rollback()
                return error(404, "not_found")
            session.commit()
            return response

    return wrapped


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    from datetime import UTC

    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


def _summary(s: Submission, received_at: datetime | None) -> dict[str, Any]:
    base = f"/api/v1/submissions/{s.id}"
    return {"id": s.id, "reference": s.reference, "serviceId": s.service_id,
            "serviceVersion": s.service_version, "department": s.department,
            "status": s.status, "submittedAt": _iso(s.submitted_at),
            "receivedAt": _iso(received_at),
            "links": {"self": base, "xml": f"{base}/xml", "pdf": f"{base}/pdf",
                      "receipt": f"{base}/receipt", "status": f"{base}/status"}}


def _cursor(s: Submission) -> str:
    raw = f"{_iso(s.submitted_at)}|{s.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _parse_cursor(value: str) -> tuple[datetime, str] | None:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
        at, _, last_id = raw.partition("|")
        moment = datetime.fromisoformat(at)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    if not UUID.match(last_id) or moment.tzinfo is None:
        return None
    return moment, last_id


QUERY = {"api.submissions": {"new", "limit", "cursor"}}


@bp.before_request
def _known_parameters() -> Any:
    """Unknown query parameters are refused: a typo must not silently change a result."""
    allowed = QUERY.get(request.endpoint or "", set())
    unknown = sorted(set(request.args) - allowed)
    if unknown:
        return error(400, "bad_request", f"Unbekannte Parameter: {', '.join(unknown)[:200]}")
    return None


@bp.route("/openapi.json")
def openapi() -> Any:
    return jsonify(document())


@bp.route("/submissions")
@client_required
def submissions(session: Session, client: ApiClient) -> Any:
    config = current_app.config
    new = request.args.get("new", "true")
    limit_raw = request.args.get("limit", str(config["API_PAGE_SIZE"]))
    if new not in ("true", "false") or not (limit_raw.isascii() and limit_raw.isdigit()):
        return error(400, "bad_request", "new=true|false, limit=1…"
                     f"{config['API_MAX_PAGE_SIZE']}")
    limit = int(limit_raw)
    if not 1 <= limit <= int(config["API_MAX_PAGE_SIZE"]):
        return error(400, "bad_request", f"limit: 1…{config['API_MAX_PAGE_SIZE']}")
    after = None
    if "cursor" in request.args:
        after = _parse_cursor(request.args["cursor"])
        if after is None:
            return error(400, "bad_request", "cursor ist ungültig")
    rows = api_clients.list_submissions(session, client, new == "true", limit, after)
    items = [_summary(r.submission, r.received_at) for r in rows]
    next_cursor = _cursor(rows[-1].submission) if len(rows) == limit else None
    return jsonify({"items": items, "nextCursor": next_cursor})


@bp.route("/submissions/<submission_id>")
@client_required
def submission(session: Session, client: ApiClient, submission_id: str) -> Any:
    s = api_clients.submission_for(session, client, submission_id)
    receipt = api_clients.receipt_of(session, client, s.id)
    files = session.scalars(select(Upload).where(Upload.submission_id == s.id)
                            .order_by(Upload.created_at, Upload.id)).all()
    api_clients.record_fetch(session, client, s.id, "data")
    body = _summary(s, receipt.received_at if receipt else None)
    body.update({
        "answers": s.answers, "fee": s.fee, "notices": s.notices, "channel": s.channel,
        "authMethod": s.auth_method, "trustLevel": s.trust_level,
        "attachments": [{"id": u.id, "name": u.filename, "contentType": u.content_type,
                         "size": u.size, "sha256": u.sha256,
                         "link": f"/api/v1/submissions/{s.id}/attachments/{u.id}"}
                        for u in files],
        "history": [{"status": h.status, "at": _iso(h.at)} for h in s.history],
        "messages": [{"at": _iso(m.created_at), "text": m.body}
                     for m in inbox.messages(session, s.id)],
    })
    return jsonify(body)


def _file(content: bytes, mimetype: str, name: str) -> Response:
    # HTTP headers are Latin-1: an ASCII fallback plus the UTF-8 name (RFC 6266 / 5987).
    fallback = name.encode("ascii", "replace").decode("ascii").replace("?", "_").replace('"', "_")
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}")
    return response


@bp.route("/submissions/<submission_id>/xml")
@client_required
def xml(session: Session, client: ApiClient, submission_id: str) -> Any:
    s = api_clients.submission_for(session, client, submission_id)
    message = stored_message(session, s.id)
    if message is None:
        raise NotFound(submission_id)
    api_clients.record_fetch(session, client, s.id, "xml")
    return _file(message.content, "application/xml", message.filename)


@bp.route("/submissions/<submission_id>/pdf")
@client_required
def pdf(session: Session, client: ApiClient, submission_id: str) -> Any:
    s = api_clients.submission_for(session, client, submission_id)
    # Not through portal.services.documents: that pulls in WeasyPrint for a plain lookup.
    document_row = session.scalar(select(Document).where(Document.submission_id == s.id,
                                                         Document.kind == KIND_SUBMISSION))
    if document_row is None:
        raise NotFound(submission_id)
    api_clients.record_fetch(session, client, s.id, "pdf")
    return _file(document_row.content, "application/pdf", document_row.filename)


@bp.route("/submissions/<submission_id>/attachments/<attachment_id>")
@client_required
def attachment(session: Session, client: ApiClient, submission_id: str,
               attachment_id: str) -> Any:
    s = api_clients.submission_for(session, client, submission_id)
    upload = session.get(Upload, attachment_id)
    if upload is None or upload.submission_id != s.id:
        raise NotFound(attachment_id)
    api_clients.record_fetch(session, client, s.id, "attachment")
    safe = re.sub(r'[^\w.\- ]', "_", upload.filename)
    return _file(upload.content, upload.content_type, safe)


def _json_body() -> dict[str, Any] | Response:
    if not request.is_json:
        return error(415, "unsupported_media_type")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return error(400, "bad_request", "Der Inhalt muss ein JSON-Objekt sein.")
    try:
        json.dumps(body).encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates ("\ud800") are valid JSON but no text
        return error(400, "bad_request", "Der Inhalt enthält ungültige Zeichen.")
    return body


@bp.route("/submissions/<submission_id>/receipt", methods=["POST"])
@client_required
def receipt(session: Session, client: ApiClient, submission_id: str) -> Any:
    body = _json_body()
    if isinstance(body, Response):
        return body
    external = body.get("externalId")
    unknown = set(body) - {"externalId"}
    if unknown or (external is not None and (not isinstance(external, str)
                                             or not 1 <= len(external) <= 120
                                             or "\x00" in external)):
        return error(422, "invalid", "externalId: Text, 1–120 Zeichen; keine anderen Felder")
    row, created = api_clients.acknowledge(session, client, submission_id, external)
    response = jsonify({"submissionId": submission_id, "receivedAt": _iso(row.received_at),
                        "externalId": row.external_id})
    response.status_code = 201 if created else 200
    return response


@bp.route("/submissions/<submission_id>/status", methods=["POST"])
@client_required
def status(session: Session, client: ApiClient, submission_id: str) -> Any:
    body = _json_body()
    if isinstance(body, Response):
        return body
    new, message = body.get("status"), body.get("message")
    if (set(body) - {"status", "message"} or new not in inbox.STATUSES
            or (message is not None and (not isinstance(message, str)
                                         or not 1 <= len(message) <= inbox.MAX_MESSAGE
                                         or "\x00" in message or not message.strip()))):
        return error(422, "invalid", f"status: {', '.join(inbox.STATUSES)}; message: Text "
                     f"(1–{inbox.MAX_MESSAGE} Zeichen)")
    s = api_clients.submission_for(session, client, submission_id)
    try:
        jobs = inbox.change_status(session, api_clients.actor_for(client), s.id, str(new),
                                   message)
    except inbox.NotAllowed:
        session.rollback()
        return error(409, "transition_not_allowed",
                     f"Von „{s.status}“ ist möglich: {', '.join(inbox.allowed_next(s.status))}")
    try:
        # What the service issues at the new status (e.g. the Meldebestätigung).
        issue_document(session, portal_state(current_app).catalog, s, tools_for(current_app))
    except IssueFailed:
        session.rollback()
        current_app.logger.exception("issuing a document for %s failed", s.id)
        return error(503, "document_failed", "Das Dokument zum neuen Status konnte nicht "
                     "erstellt werden; der Status wurde nicht geändert.")
    session.commit()
    if jobs:
        enqueue_jobs(current_app, jobs, "notification")
    return jsonify({"submissionId": s.id, "status": s.status,
                    "history": [{"status": h.status, "at": _iso(h.at)} for h in s.history]})
