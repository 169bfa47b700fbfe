"""What clerks do with a case (claim, assign, status, message) and the administrators' view of
deliveries that failed for good. Each action is one transaction; notifications to the
citizen are enqueued after it has committed."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import select

from portal.adapters.db.models import Submission
from portal.adapters.documents.compose import tools_for
from portal.adapters.jobs.tasks import enqueue_jobs
from portal.services import delivery, inbox
from portal.services.certificates import IssueFailed, issue_document
from portal.services.errors import NotFound
from portal.state import portal_state
from portal.web.inbox import CHANNEL_NAMES, JOB_NAMES, bp
from portal.web.inbox.views import _actor, load_case
from portal.web.staff.session import staff_required


def _problem(code: str) -> str:
    return {
        "transition": gettext("Dieser Statuswechsel ist im aktuellen Stand nicht möglich. "
                              "Bitte laden Sie die Seite neu."),
        "assignee_unknown": gettext("Diese Person arbeitet nicht in der zuständigen Abteilung."),
        "message_empty": gettext("Bitte schreiben Sie eine Nachricht."),
        "message_long": gettext("Die Nachricht ist zu lang (höchstens %(n)s Zeichen).",
                                n=inbox.MAX_MESSAGE),
        "issue_failed": gettext("Das Dokument für die Bürgerin oder den Bürger (z. B. die "
                                "Meldebestätigung) konnte nicht erstellt werden. Der Status "
                                "wurde nicht geändert; bitte versuchen Sie es erneut."),
    }.get(code, gettext("Das ist nicht möglich."))


def _back(submission_id: str, ok: str | None = None) -> Any:
    return redirect(url_for("inbox.detail", submission_id=submission_id, ok=ok))


def _act(submission_id: str, action: Any, ok: str, kind: str = "notification") -> Any:
    state = portal_state(current_app)
    with state.db.session() as session:
        submission: Submission = load_case(session, submission_id)
        try:
            jobs = action(session, submission)
        except inbox.NotAllowed as exc:
            session.rollback()
            flash(_problem(exc.code), "danger")
            return _back(submission_id)
        except NotFound:
            abort(404)
        session.commit()
    if jobs:
        enqueue_jobs(current_app, jobs, kind)
    return _back(submission_id, ok)


@bp.route("/<submission_id>/uebernehmen", methods=["POST"])
@staff_required("back_office")
def claim(submission_id: str) -> Any:
    actor = _actor()

    def take(session: Any, sub: Submission) -> list[str]:
        inbox.assign(session, actor, sub.id)
        return []

    return _act(submission_id, take, "claimed")


@bp.route("/<submission_id>/zuweisen", methods=["POST"])
@staff_required("back_office")
def assign(submission_id: str) -> Any:
    actor = _actor()
    assignee = request.form.get("bearbeitung", "")[:36]

    def give(session: Any, sub: Submission) -> list[str]:
        inbox.assign(session, actor, sub.id, assignee or None)
        return []

    return _act(submission_id, give, "assigned")


@bp.route("/<submission_id>/status", methods=["POST"])
@staff_required("back_office")
def status(submission_id: str) -> Any:
    actor = _actor()
    new = request.form.get("status", "")[:30]
    message = request.form.get("nachricht", "")[: inbox.MAX_MESSAGE + 1] or None
    return _act(submission_id, lambda s, sub: change_and_issue(s, actor, sub, new, message),
                "status")


def change_and_issue(session: Any, actor: inbox.Actor, submission: Submission, new: str,
                     message: str | None) -> list[str]:
    """Change the status and issue what the service issues at the new status (e.g. the
    Meldebestätigung, § 24 Abs. 2 BMG) in the same transaction."""
    jobs = inbox.change_status(session, actor, submission.id, new, message)
    try:
        issue_document(session, portal_state(current_app).catalog, submission,
                       tools_for(current_app))
    except IssueFailed:
        current_app.logger.exception("issuing a document for %s failed", submission.id)
        raise inbox.NotAllowed("issue_failed") from None
    return jobs


@bp.route("/<submission_id>/nachricht", methods=["POST"])
@staff_required("back_office")
def message(submission_id: str) -> Any:
    actor = _actor()
    body = request.form.get("nachricht", "")[: inbox.MAX_MESSAGE + 1]
    return _act(submission_id, lambda s, sub: [inbox.send_message(s, actor, sub.id, body)],
                "message")


@bp.route("/zustellungen")
@staff_required("admin")
def failures() -> Any:
    state = portal_state(current_app)
    with state.db.session() as session:
        jobs = delivery.jobs(session, "failed")
        ids = [j.submission_id for j in jobs]
        references = dict(session.execute(select(Submission.id, Submission.reference).where(
            Submission.id.in_(ids))).all())
        return render_template("inbox/failures.html", jobs=jobs, references=references,
                               job_names=JOB_NAMES, channel_names=CHANNEL_NAMES,
                               retried=request.args.get("ok"))


@bp.route("/zustellungen/<job_id>/wiederholen", methods=["POST"])
@staff_required("admin")
def retry(job_id: str) -> Any:
    state = portal_state(current_app)
    with state.db.session() as session:
        try:
            job = delivery.retry_failed(session, job_id[:36], _actor().label)
        except NotFound:
            abort(404)
        kind = job.kind
        session.commit()
    enqueue_jobs(current_app, [job_id], kind)
    return redirect(url_for("inbox.failures", ok=1))
