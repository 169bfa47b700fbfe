"""Review and submit; the citizen's own applications, drafts and files."""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO
from typing import Any

from flask import abort, current_app, redirect, render_template, request, send_file, url_for
from sqlalchemy.orm import Session

from portal.adapters.db.documents import Document
from portal.adapters.jobs.tasks import enqueue_submission
from portal.adapters.jobs.wiring import runtime_of
from portal.definitions.messages import N_
from portal.presentation.summary import summarize
from portal.services.certificates import issued_document_for_user, issued_documents
from portal.services.documents import document_for_user, stored_document
from portal.services.drafts import delete_draft, drafts_of_user
from portal.services.errors import ChangedSinceReview, Incomplete, NotFound, TrustLevelTooLow
from portal.services.inbox import messages as case_messages
from portal.services.submissions import (
    attachments,
    existing_submission,
    fingerprint,
    review,
    submission_for_user,
    submissions_of_user,
    submit,
)
from portal.services.uploads import upload_for_user
from portal.state import portal_state
from portal.web.auth.session import current_identity, current_user_id, login_required
from portal.web.citizen import bp
from portal.web.citizen.steps import load_draft

STATUS_LABELS = {
    "received": N_("Eingegangen"),
    "in_progress": N_("In Bearbeitung"),
    "query": N_("Rückfrage an Sie"),
    "decided": N_("Entschieden"),
    "rejected": N_("Abgelehnt"),
    "closed": N_("Abgeschlossen"),
    "failed": N_("Übermittlung gestört"),
}


def _user_id() -> str:
    user_id = current_user_id()
    assert user_id is not None
    return user_id


@bp.route("/antraege/<draft_id>/pruefen", endpoint="review")
@login_required
def review_page(draft_id: str) -> Any:
    return _render_review(draft_id)


def _render_review(draft_id: str, status: int = 200, show_errors: bool = False,
                   confirm_error: bool = False, changed: bool = False) -> Any:
    state = portal_state(current_app)
    with state.db.session() as session:
        draft, service = load_draft(session, draft_id)
        if draft.submission_id:
            submission = existing_submission(session, draft.submission_id)
            return redirect(url_for("citizen.application", reference=submission.reference))
        result = review(state.env(), service, draft.answers, current_identity(), session,
                        _user_id())
        summary = summarize(service, result.answers, state.catalog.codelists)
        errors_by_step = {s.step.id: s.errors for s in result.steps}
        return render_template("citizen/review.html", draft=draft, service=service,
                               result=result, summary=summary, errors_by_step=errors_by_step,
                               show_errors=show_errors or not result.complete,
                               confirm_error=confirm_error, changed=changed,
                               reviewed=fingerprint(service, result.answers),
                               step_url=lambda step_id: url_for(
                                   "citizen.step", draft_id=draft.id, step_id=step_id)), status


@bp.route("/antraege/<draft_id>/absenden", methods=["POST"])
@login_required
def submit_view(draft_id: str) -> Any:
    state = portal_state(current_app)
    identity = current_identity()
    assert identity is not None
    if request.form.get("confirm") != "yes":
        return _render_review(draft_id, status=422, confirm_error=True)
    with state.db.session() as session:
        draft, _service = load_draft(session, draft_id)
        try:
            submission = submit(session, state.env(), draft_id, _user_id(), identity,
                                channels=runtime_of(current_app).channels_for(draft.service_id),
                                reviewed=request.form.get("reviewed", ""))
            session.commit()
        except NotFound:
            abort(404)
        except Incomplete:
            session.rollback()
            return _render_review(draft_id, status=422, show_errors=True)
        except ChangedSinceReview:
            session.rollback()
            return _render_review(draft_id, status=409, changed=True)
        except TrustLevelTooLow as exc:
            session.rollback()
            return render_template("citizen/level_too_low.html",
                                   service=state.catalog.service(_service_of(draft_id)),
                                   needed=exc.needed, actual=exc.actual), 403
        # After the commit: the jobs exist; if the broker is down the sweep sends them later.
        enqueue_submission(current_app, submission.id)
        return redirect(url_for("citizen.application", reference=submission.reference,
                                new=1))


def _service_of(draft_id: str) -> str:
    with portal_state(current_app).db.session() as session:
        draft, _service = load_draft(session, draft_id)
        return draft.service_id


@bp.route("/antraege/<draft_id>/loeschen", methods=["POST"])
@login_required
def delete(draft_id: str) -> Any:
    with portal_state(current_app).db.session() as session:
        draft, _service = load_draft(session, draft_id)
        try:
            delete_draft(session, draft)
        except NotFound:
            abort(404)
        session.commit()
    return redirect(url_for("citizen.applications", deleted=1))


@bp.route("/meine-antraege")
@login_required
def applications() -> Any:
    state = portal_state(current_app)
    with state.db.session() as session:
        return render_template("citizen/applications.html",
                               drafts=drafts_of_user(session, _user_id()),
                               submissions=submissions_of_user(session, _user_id()),
                               catalog=state.catalog, status_labels=STATUS_LABELS,
                               deleted=request.args.get("deleted"))


@bp.route("/meine-antraege/<reference>")
@login_required
def application(reference: str) -> Any:
    state = portal_state(current_app)
    with state.db.session() as session:
        try:
            submission = submission_for_user(session, reference, _user_id())
        except NotFound:
            abort(404)
        service = state.catalog.service(submission.service_id)
        if service is None:
            abort(404)
        summary = summarize(service, submission.answers, state.catalog.codelists)
        return render_template("citizen/application.html", submission=submission,
                               service=service, summary=summary,
                               files=attachments(session, submission),
                               document=stored_document(session, submission.id),
                               issued=issued_documents(session, submission.id),
                               history=list(submission.history), status_labels=STATUS_LABELS,
                               messages=case_messages(session, submission.id),
                               new=request.args.get("new"),
                               municipality=state.catalog.municipality)


@bp.route("/meine-antraege/<reference>/dokument")
@login_required
def document(reference: str) -> Any:
    """The sealed copy of the declaration (§ 3a Abs. 5 VwVfG), once the job has made it."""
    return _sealed_pdf(lambda session: document_for_user(session, reference, _user_id()))


@bp.route("/meine-antraege/<reference>/dokumente/<kind>")
@login_required
def issued_document(reference: str, kind: str) -> Any:
    """A document the authority issued, e.g. the Meldebestätigung (§ 24 Abs. 2 BMG)."""
    return _sealed_pdf(lambda session: issued_document_for_user(session, reference, _user_id(),
                                                                kind[:30]))


def _sealed_pdf(find: Callable[[Session], Document]) -> Any:
    with portal_state(current_app).db.session() as session:
        try:
            doc = find(session)
        except NotFound:
            abort(404)
        response = send_file(BytesIO(doc.content), mimetype="application/pdf",
                             as_attachment=True, download_name=doc.filename)
        response.headers["Cache-Control"] = "private, no-store"
        return response


@bp.route("/dateien/<upload_id>")
@login_required
def upload(upload_id: str) -> Any:
    with portal_state(current_app).db.session() as session:
        try:
            item = upload_for_user(session, upload_id, _user_id())
        except NotFound:
            abort(404)
        return send_file(BytesIO(item.content), mimetype=item.content_type,
                         as_attachment=True, download_name=item.filename)
