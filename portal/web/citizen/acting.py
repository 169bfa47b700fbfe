"""While a counter clerk acts for a citizen, only that one application is reachable: not the
citizen's other drafts, submissions, files or "Meine Anträge"."""

from __future__ import annotations

from flask import abort, current_app, request
from sqlalchemy import select

from portal.adapters.db.models import Submission, Upload
from portal.state import portal_state
from portal.web.auth.session import acting_clerk, acting_draft
from portal.web.citizen import bp

PUBLIC = {"citizen.index", "citizen.service", "citizen.page"}
DRAFT_PAGES = {"citizen.step", "citizen.review", "citizen.submit_view"}
SUBMISSION_PAGES = {"citizen.application", "citizen.document"}


@bp.before_request
def _only_the_acting_application() -> None:
    draft_id = acting_draft()
    if draft_id is None or acting_clerk() is None or request.endpoint in PUBLIC:
        return
    args = request.view_args or {}
    if request.endpoint in DRAFT_PAGES and args.get("draft_id") == draft_id:
        return
    with portal_state(current_app).db.session() as session:
        if request.endpoint in SUBMISSION_PAGES and session.scalar(
                select(Submission.id).where(Submission.draft_id == draft_id,
                                            Submission.reference == args.get("reference"))):
            return
        if request.endpoint == "citizen.upload" and session.scalar(
                select(Upload.id).where(Upload.id == args.get("upload_id"),
                                        Upload.draft_id == draft_id)):
            return
    abort(404)
