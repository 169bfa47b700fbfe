"""Reliable hand-off of submissions to back offices: the outbox and the job that works it.

The submit transaction writes one `DeliveryJob` per configured channel (`create_jobs`), so a
stored submission always has its jobs. A job then runs: build the XÖV message, validate it,
render and seal the PDF, deliver. Workers (Celery, or a thread in the embedded default) only
call `run_job(job id)`; `sweep` finds jobs that a broker or a killed worker lost.

Exactly once at the receiver rests on three things: a job is claimed by one worker at a time
(a lease, renewed on each attempt), `attempts` fences a late worker off from finishing an
attempt it no longer owns, and every delivery carries the idempotency key (submission +
channel) so a receiver recognises the repeat that follows a lost answer.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from portal.adapters.db.delivery import (
    DELIVERED,
    FAILED,
    KIND_DELIVERY,
    KIND_NOTIFICATION,
    PENDING,
    RUNNING,
    DeliveryJob,
)
from portal.adapters.db.models import Submission, now
from portal.adapters.db.session import Database
from portal.adapters.delivery.base import Channel, DeliveryFailed, Parcel
from portal.services import audit
from portal.services.artifacts import Artifacts, MessageRejected, parcel_for
from portal.services.errors import NotFound
from portal.services.mail import MailError, MailSender
from portal.services.notifications import notification_mail

log = logging.getLogger(__name__)

INBOX = "inbox"
NOTIFY_CHANNEL = "citizen-mail"


@dataclass(frozen=True)
class Policy:
    max_attempts: int = 8
    backoff_base: float = 30.0
    backoff_max: float = 3600.0
    # A claimed job belongs to its worker this long; after that the sweep hands it on.
    lease: float = 300.0
    # A due job nobody picked up for this long was lost by the broker: enqueue it again.
    requeue_after: float = 120.0
    sweep_batch: int = 500

    def backoff(self, attempt: int) -> float:
        return float(min(self.backoff_max, self.backoff_base * 2 ** max(0, attempt - 1)))


class ChannelLookup(Protocol):
    def get(self, name: str) -> Channel | None: ...


@dataclass(frozen=True)
class Tools:
    """Everything a job needs from outside; the wiring (portal.adapters.jobs) builds it."""

    artifacts: Artifacts
    channels: ChannelLookup
    mail: MailSender
    portal_url: str
    policy: Policy = Policy()


@dataclass(frozen=True)
class Claim:
    job_id: str
    attempt: int
    kind: str
    channel: str
    submission_id: str
    idempotency_key: str
    payload: dict[str, Any]
    created_at: datetime | None = None


@dataclass(frozen=True)
class Outcome:
    status: str  # delivered | retry | failed | skipped
    retry_in: float | None = None
    error: str | None = None
    # For metrics and logs: which job this was and, once delivered, how long after the job
    # was written (the submission) it arrived.
    channel: str | None = None
    kind: str | None = None
    latency: float | None = None


def idempotency_key(submission_id: str, channel: str) -> str:
    return f"{submission_id}/{channel}"


def create_jobs(session: Session, submission: Submission,
                channels: Sequence[str]) -> list[DeliveryJob]:
    """Part of the submit transaction: the jobs exist exactly when the submission does."""
    jobs = [DeliveryJob(submission_id=submission.id, kind=KIND_DELIVERY, channel=name,
                        idempotency_key=idempotency_key(submission.id, name), status=PENDING,
                        attempts=0,
                        next_attempt_at=submission.submitted_at, payload={}, receipt={})
            for name in dict.fromkeys(channels)]
    session.add_all(jobs)
    return jobs


def create_notification(session: Session, submission_id: str, message_id: str) -> DeliveryJob:
    job = DeliveryJob(submission_id=submission_id, kind=KIND_NOTIFICATION,
                      channel=NOTIFY_CHANNEL,
                      idempotency_key=f"{submission_id}/{NOTIFY_CHANNEL}/{message_id}",
                      status=PENDING, attempts=0,
                      next_attempt_at=now(), payload={"message_id": message_id}, receipt={})
    session.add(job)
    return job


def pending_job_ids(session: Session, submission_id: str) -> list[str]:
    return list(session.scalars(select(DeliveryJob.id).where(
        DeliveryJob.submission_id == submission_id, DeliveryJob.status == PENDING)))


def due_job_ids(db: Database, policy: Policy, limit: int = 500) -> list[str]:
    moment = now()
    with db.session() as session:
        return list(session.scalars(
            select(DeliveryJob.id).where(_due(moment), DeliveryJob.attempts < policy.max_attempts)
            .order_by(DeliveryJob.next_attempt_at).limit(limit)))


def _due(moment: datetime) -> Any:
    return or_(and_(DeliveryJob.status == PENDING, DeliveryJob.next_attempt_at <= moment),
               and_(DeliveryJob.status == RUNNING, DeliveryJob.locked_until <= moment))


def mark_enqueued(db: Database, job_ids: Sequence[str], at: datetime | None = None) -> None:
    if not job_ids:
        return
    with db.session() as session:
        session.execute(update(DeliveryJob).where(DeliveryJob.id.in_(list(job_ids)))
                        .values(enqueued_at=at or now()))
        session.commit()


def claim(db: Database, job_id: str, policy: Policy) -> Claim | None:
    """Take the job for one attempt, or None if it is not due, done, or someone else's."""
    moment = now()
    with db.session() as session:
        due = _due(moment)
        taken = session.execute(
            update(DeliveryJob)
            .where(DeliveryJob.id == job_id, due, DeliveryJob.attempts < policy.max_attempts)
            .values(status=RUNNING, attempts=DeliveryJob.attempts + 1, updated_at=moment,
                    locked_until=moment + timedelta(seconds=policy.lease))
            .execution_options(synchronize_session=False))
        if taken.rowcount != 1:  # type: ignore[attr-defined]
            session.rollback()
            return None
        session.commit()
        job = session.get(DeliveryJob, job_id)
        assert job is not None
        session.refresh(job)
        return Claim(job.id, job.attempts, job.kind, job.channel,
                     job.submission_id, job.idempotency_key, dict(job.payload or {}),
                     _aware(job.created_at))


def run_job(db: Database, tools: Tools, job_id: str) -> Outcome:
    claimed = claim(db, job_id, tools.policy)
    if claimed is None:
        return Outcome("skipped")
    outcome = _attempt(db, tools, claimed)
    latency = None
    if outcome.status == DELIVERED and claimed.created_at is not None:
        latency = max(0.0, (now() - claimed.created_at).total_seconds())
    return replace(outcome, channel=claimed.channel, kind=claimed.kind, latency=latency)


def _attempt(db: Database, tools: Tools, claimed: Claim) -> Outcome:
    job_id = claimed.job_id
    try:
        if claimed.kind == KIND_NOTIFICATION:
            receipt = _notify(db, tools, claimed)
        else:
            receipt = _deliver(db, tools, claimed)
    except MessageRejected as exc:
        # The message breaks the schema: the same data fails every time, so do not retry.
        return _fail(db, tools.policy, claimed, f"XÖV-Nachricht ungültig: {exc}", permanent=True)
    except DeliveryFailed as exc:
        return _fail(db, tools.policy, claimed, exc.reason, permanent=exc.permanent)
    except MailError as exc:
        return _fail(db, tools.policy, claimed, f"E-Mail: {exc}", permanent=False)
    except Exception as exc:
        # Anything unforeseen (a bug, a lost database connection) must not leave the job
        # claimed until the lease runs out: retried with back-off, then a terminal failure
        # the administrator sees.
        log.exception("delivery job %s failed unexpectedly", job_id)
        return _fail(db, tools.policy, claimed, f"{type(exc).__name__}: {exc}", permanent=False)
    return _finish(db, claimed, receipt)


def _deliver(db: Database, tools: Tools, claimed: Claim) -> dict[str, Any]:
    channel = tools.channels.get(claimed.channel)
    if channel is None:
        # Removed from the configuration after the job was written: retrying cannot help
        # until someone configures it again and retries the job.
        raise DeliveryFailed(f"Kanal '{claimed.channel}' ist nicht (mehr) konfiguriert")
    parcel: Parcel = parcel_for(db, tools.artifacts, claimed.submission_id,
                                claimed.idempotency_key, channel.needs_xdomea)
    return channel.deliver(parcel)


def _notify(db: Database, tools: Tools, claimed: Claim) -> dict[str, Any]:
    with db.session() as session:
        mail = notification_mail(session, claimed.submission_id,
                                 str(claimed.payload.get("message_id", "")), tools.portal_url)
    if mail is None:
        return {"sent": False, "reason": "keine E-Mail-Adresse"}
    tools.mail.send(mail)
    return {"sent": True}


def _owned(claimed: Claim) -> Any:
    return and_(DeliveryJob.id == claimed.job_id, DeliveryJob.status == RUNNING,
                DeliveryJob.attempts == claimed.attempt)


def storable(value: Any) -> Any:
    """What receivers answer goes into JSON and text columns: PostgreSQL refuses NUL and
    lone surrogates, and a refused write would leave a delivered job running."""
    if isinstance(value, str):
        return value.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, dict):
        return {storable(k): storable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [storable(v) for v in value]
    return value


def _finish(db: Database, claimed: Claim, receipt: dict[str, Any]) -> Outcome:
    receipt = storable(receipt)
    moment = now()
    with db.session() as session:
        done = session.execute(
            update(DeliveryJob).where(_owned(claimed))
            .values(status=DELIVERED, delivered_at=moment, locked_until=None, last_error=None,
                    receipt=receipt, updated_at=moment)
            .execution_options(synchronize_session=False))
        if done.rowcount == 1:  # type: ignore[attr-defined]
            audit.record(session, "portal", "delivery.delivered", claimed.submission_id,
                         channel=claimed.channel, attempt=claimed.attempt)
        session.commit()
    return Outcome(DELIVERED)


def _fail(db: Database, policy: Policy, claimed: Claim, error: str, permanent: bool) -> Outcome:
    moment = now()
    final = permanent or claimed.attempt >= policy.max_attempts
    delay = None if final else policy.backoff(claimed.attempt)
    values: dict[str, Any] = {"last_error": storable(error)[:2000], "locked_until": None,
                              "updated_at": moment}
    if final:
        values["status"] = FAILED
    else:
        assert delay is not None
        values.update(status=PENDING, next_attempt_at=moment + timedelta(seconds=delay))
    with db.session() as session:
        changed = session.execute(update(DeliveryJob).where(_owned(claimed)).values(**values)
                                  .execution_options(synchronize_session=False))
        if changed.rowcount == 1 and final:  # type: ignore[attr-defined]
            log.error("delivery job %s (%s) failed for good: %s", claimed.job_id,
                      claimed.channel, error)
            audit.record(session, "portal", "delivery.failed", claimed.submission_id,
                         channel=claimed.channel, attempts=claimed.attempt, error=error[:500])
        session.commit()
    if final:
        return Outcome(FAILED, error=error)
    return Outcome("retry", retry_in=delay, error=error)


def sweep(db: Database, policy: Policy) -> list[tuple[str, float]]:
    """Jobs to enqueue again, with their delay: jobs never sent or lost by the broker, and jobs
    whose worker died (lease over). Marks them enqueued; the caller sends them."""
    moment = now()
    stale = moment - timedelta(seconds=policy.requeue_after)
    with db.session() as session:
        exhausted = session.execute(
            update(DeliveryJob)
            # Also pending jobs beyond a lowered DELIVERY_MAX_ATTEMPTS: no worker would ever
            # claim them, so they must show up as failed for an administrator to retry.
            .where(or_(and_(DeliveryJob.status == RUNNING, DeliveryJob.locked_until <= moment),
                       DeliveryJob.status == PENDING),
                   DeliveryJob.attempts >= policy.max_attempts)
            .values(status=FAILED, locked_until=None, updated_at=moment,
                    last_error="Verarbeitung beim letzten Versuch abgebrochen")
            .returning(DeliveryJob.id, DeliveryJob.submission_id, DeliveryJob.channel))
        for job_id, submission_id, channel in exhausted.all():
            audit.record(session, "portal", "delivery.failed", submission_id, channel=channel,
                         job=job_id, error="worker lost during the last attempt")
        # A worker that held a job past its lease is taken for dead: the job is due again.
        # Should it still be alive, `attempts` fences its late result off.
        session.execute(
            update(DeliveryJob)
            .where(DeliveryJob.status == RUNNING, DeliveryJob.locked_until <= moment)
            .values(status=PENDING, locked_until=None, next_attempt_at=moment, enqueued_at=None,
                    updated_at=moment, last_error="Verarbeitung abgebrochen (Worker verloren)")
            .execution_options(synchronize_session=False))
        lost = and_(DeliveryJob.status == PENDING,
                    or_(DeliveryJob.enqueued_at.is_(None), DeliveryJob.enqueued_at <= stale))
        rows = session.execute(select(DeliveryJob.id, DeliveryJob.next_attempt_at)
                               .where(lost).order_by(DeliveryJob.next_attempt_at)
                               .limit(policy.sweep_batch).with_for_update(skip_locked=True)).all()
        out = []
        for job_id, due in rows:
            delay = max(0.0, (_aware(due) - moment).total_seconds())
            out.append((job_id, delay))
            session.execute(update(DeliveryJob).where(DeliveryJob.id == job_id)
                            .values(enqueued_at=moment + timedelta(seconds=delay))
                            .execution_options(synchronize_session=False))
        session.commit()
    return out


def _aware(value: datetime) -> datetime:
    from datetime import UTC

    return value if value.tzinfo else value.replace(tzinfo=UTC)


def retry_failed(session: Session, job_id: str, actor: str) -> DeliveryJob:
    """An administrator's retry after a terminal failure: a fresh set of attempts."""
    job = session.get(DeliveryJob, job_id)
    if job is None or job.status != FAILED:
        raise NotFound(job_id)
    job.status, job.attempts, job.next_attempt_at = PENDING, 0, now()
    job.enqueued_at, job.locked_until, job.updated_at = None, None, now()
    audit.record(session, actor, "delivery.retried", job.submission_id, job=job.id,
                 channel=job.channel, last_error=(job.last_error or "")[:500])
    return job


def jobs(session: Session, status: str | None = None, limit: int = 200) -> list[DeliveryJob]:
    query = select(DeliveryJob).order_by(DeliveryJob.updated_at.desc()).limit(limit)
    if status:
        query = query.where(DeliveryJob.status == status)
    return list(session.scalars(query))


def jobs_of_submission(session: Session, submission_id: str) -> list[DeliveryJob]:
    return list(session.scalars(select(DeliveryJob).where(
        DeliveryJob.submission_id == submission_id).order_by(DeliveryJob.created_at)))
