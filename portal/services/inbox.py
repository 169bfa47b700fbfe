"""The back office's work on submissions: lists for the clerks' inbox and the API, claim and
assign, status changes, messages to the citizen, CSV rows.

Every function takes the caller's departments and treats a submission of another department
exactly like an unknown id (`NotFound`), so guessing ids reveals nothing. Every action is
recorded in the audit trail.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from portal.adapters.db.accounts import StaffAccount, StaffDepartment, StaffRole
from portal.adapters.db.delivery import CaseAssignment, CitizenMessage, DeliveryJob
from portal.adapters.db.models import StatusChange, Submission, User, now
from portal.services import audit, delivery
from portal.services.errors import NotFound

# received → in_progress → query ⇄ in_progress → decided / rejected → closed
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "received": ("in_progress", "rejected"),
    "in_progress": ("query", "decided", "rejected"),
    "query": ("in_progress", "decided", "rejected"),
    "decided": ("closed",),
    "rejected": ("closed",),
    "closed": (),
}
STATUSES = tuple(TRANSITIONS)
MAX_MESSAGE = 5000
MAX_EXPORT = 10000


class NotAllowed(Exception):
    """The action is not possible in the case's current state; `code` names why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Actor:
    """Who acts: a clerk (kind "staff") or a specialist system (kind "api")."""

    id: str
    name: str
    departments: tuple[str, ...]
    kind: str = "staff"

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.id}"


@dataclass(frozen=True)
class Filters:
    service_id: str | None = None
    status: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    query: str | None = None
    mine: bool = False


@dataclass(frozen=True)
class Row:
    submission: Submission
    applicant: str
    assignee: str | None


@dataclass(frozen=True)
class Page:
    rows: list[Row]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _filtered(actor: Actor, filters: Filters, zone: str) -> Select[Submission, str, str]:
    query = (select(Submission, User.display_name, CaseAssignment.staff_name)
             .join(User, User.id == Submission.user_id)
             .outerjoin(CaseAssignment, CaseAssignment.submission_id == Submission.id)
             .where(Submission.department.in_(actor.departments)))
    if filters.service_id:
        query = query.where(Submission.service_id == filters.service_id)
    if filters.status:
        query = query.where(Submission.status == filters.status)
    tz = ZoneInfo(zone)
    if filters.date_from:
        query = query.where(Submission.submitted_at >= datetime.combine(filters.date_from, time(),
                                                                        tz))
    if filters.date_to:
        end = datetime.combine(filters.date_to + timedelta(days=1), time(), tz)
        query = query.where(Submission.submitted_at < end)
    if filters.query:
        words = filters.query.strip()[:100]
        pattern = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(or_(Submission.reference.ilike(pattern, escape="\\"),
                                User.display_name.ilike(pattern, escape="\\")))
    if filters.mine:
        query = query.where(CaseAssignment.staff_id == actor.id)
    return query


def list_cases(session: Session, actor: Actor, filters: Filters, page: int = 1,
               per_page: int = 25, zone: str = "Europe/Berlin") -> Page:
    query = _filtered(actor, filters, zone)
    total = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    page = max(1, min(page, max(1, -(-total // per_page))))
    rows = session.execute(query.order_by(Submission.submitted_at.desc(), Submission.id)
                           .limit(per_page).offset((page - 1) * per_page)).all()
    return Page([Row(s, name or "", assignee) for s, name, assignee in rows], total, page,
                per_page)


def export_rows(session: Session, actor: Actor, filters: Filters,
                zone: str = "Europe/Berlin") -> list[Row]:
    rows = session.execute(_filtered(actor, filters, zone)
                           .order_by(Submission.submitted_at.desc(), Submission.id)
                           .limit(MAX_EXPORT)).all()
    audit.record(session, actor.label, "inbox.exported", None, count=len(rows),
                 filters={k: str(v) for k, v in filters.__dict__.items() if v})
    return [Row(s, name or "", assignee) for s, name, assignee in rows]


def case(session: Session, actor: Actor, submission_id: str,
         for_update: bool = False) -> Submission:
    """A case of the actor's departments; `for_update` locks it, so two clerks (or a clerk
    and the API) changing it at once act one after the other."""
    submission = (session.get(Submission, submission_id, with_for_update=for_update)
                  if len(submission_id) <= 36 else None)
    if submission is None or submission.department not in actor.departments:
        raise NotFound(submission_id)
    return submission


def assignment(session: Session, submission_id: str) -> CaseAssignment | None:
    return session.get(CaseAssignment, submission_id)


def colleagues(session: Session, department: str) -> list[StaffAccount]:
    """Active back-office staff of a department (the ones who can open the inbox)."""
    return list(session.scalars(
        select(StaffAccount).join(StaffDepartment, StaffDepartment.staff_id == StaffAccount.id)
        .join(StaffRole, StaffRole.staff_id == StaffAccount.id)
        .where(StaffDepartment.department == department, StaffAccount.active.is_(True),
               StaffRole.role.in_(("back_office", "admin")))
        .distinct().order_by(StaffAccount.display_name)))


def assign(session: Session, actor: Actor, submission_id: str,
           assignee_id: str | None = None) -> CaseAssignment:
    """Claim (no assignee: the actor) or assign to a colleague of the case's department."""
    submission = case(session, actor, submission_id, for_update=True)
    target_id = assignee_id or actor.id
    target = next((c for c in colleagues(session, submission.department) if c.id == target_id),
                  None)
    if target is None:
        raise NotAllowed("assignee_unknown")
    current = session.get(CaseAssignment, submission.id)
    if current is None:
        current = CaseAssignment(submission_id=submission.id, staff_id=target.id,
                                 staff_name=target.display_name)
        session.add(current)
    else:
        current.staff_id, current.staff_name, current.assigned_at = (target.id,
                                                                     target.display_name, now())
    audit.record(session, actor.label, "case.claimed" if target.id == actor.id else "case.assigned",
                 submission.id, assignee=target.id)
    return current


def change_status(session: Session, actor: Actor, submission_id: str, status: str,
                  message: str | None = None) -> list[str]:
    """Move the case on; with a message for the citizen, who is told by e-mail. Returns the
    ids of the jobs to enqueue after the commit."""
    submission = case(session, actor, submission_id, for_update=True)
    if status not in TRANSITIONS.get(submission.status, ()):
        raise NotAllowed("transition")
    previous = submission.status
    submission.status = status
    submission.history.append(StatusChange(status=status, actor=actor.label, at=now()))
    audit.record(session, actor.label, "case.status", submission.id, previous=previous,
                 status=status)
    jobs = []
    if message and message.strip():
        jobs.append(send_message(session, actor, submission.id, message))
    return jobs


def send_message(session: Session, actor: Actor, submission_id: str, body: str) -> str:
    """A message to the citizen under "Meine Anträge"; returns the notification job's id."""
    submission = case(session, actor, submission_id)
    text = body.replace("\x00", "").strip()
    if not text:
        raise NotAllowed("message_empty")
    if len(text) > MAX_MESSAGE:
        raise NotAllowed("message_long")
    message = CitizenMessage(submission_id=submission.id, author=_author(actor, submission),
                             body=text)
    session.add(message)
    session.flush()
    job = delivery.create_notification(session, submission.id, message.id)
    session.flush()
    audit.record(session, actor.label, "case.message", submission.id, message=message.id,
                 length=len(text))
    return job.id


def _author(actor: Actor, submission: Submission) -> str:
    # A specialist system is no person: its department signs (shown by its name).
    return submission.department if actor.kind == "api" else actor.name


def messages(session: Session, submission_id: str) -> list[CitizenMessage]:
    return list(session.scalars(select(CitizenMessage).where(
        CitizenMessage.submission_id == submission_id).order_by(CitizenMessage.created_at)))


def delivery_state(session: Session, submission_id: str) -> list[DeliveryJob]:
    return delivery.jobs_of_submission(session, submission_id)


def record_view(session: Session, actor: Actor, submission_id: str, what: str) -> None:
    """Reading a case or its files is recorded too: access to personal data."""
    audit.record(session, actor.label, f"case.viewed.{what}", submission_id)


def allowed_next(status: str) -> Sequence[str]:
    return TRANSITIONS.get(status, ())
