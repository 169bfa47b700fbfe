"""Review a whole declaration and submit it exactly once."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.adapters.db.models import Draft, StatusChange, Submission, Upload, now
from portal.definitions.exclusions import exclusion_errors
from portal.definitions.fees import Fee, compute_fee
from portal.definitions.messages import FieldError, Message
from portal.definitions.model import ServiceDefinition, Step
from portal.definitions.steps import check_step, prune_hidden, visible_steps
from portal.definitions.validators import run_validators
from portal.services import audit, delivery, exclusive
from portal.services.drafts import Env, errors_for_step, service_or_404
from portal.services.errors import ChangedSinceReview, Incomplete, NotFound, TrustLevelTooLow
from portal.services.identity import Identity
from portal.services.prefill import locked_values, verified_fields
from portal.services.references import next_reference

INBOX = delivery.INBOX

STATUSES = ("received", "in_progress", "query", "decided", "rejected", "closed", "failed")


@dataclass(frozen=True)
class StepReview:
    step: Step
    errors: list[FieldError]


@dataclass(frozen=True)
class Review:
    answers: dict[str, Any]
    steps: list[StepReview]
    notices: list[Message]
    fee: Fee

    @property
    def errors(self) -> list[FieldError]:
        return [e for s in self.steps for e in s.errors]

    @property
    def complete(self) -> bool:
        return not self.errors


def review(env: Env, service: ServiceDefinition, answers: Mapping[str, Any],
           identity: Identity | None = None, session: Session | None = None,
           user_id: str | None = None) -> Review:
    """The whole declaration as it would be sent. With the `identity`, findings that depend on
    what the eID vouches for are made; with `session` and `user_id`, the service's
    one-application rule is checked against the applicant's other applications."""
    pruned = prune_hidden(service, answers)
    verified = (verified_fields(locked_values(service, identity, pruned))
                if identity is not None else None)
    findings = run_validators([(v.name, v.args) for v in service.validators], pruned,
                              env.check_context(verified))
    errors = findings.errors + exclusion_errors(service, pruned)
    if session is not None and user_id is not None and service.exclusive is not None:
        errors += exclusive.conflicts(session, service, pruned, user_id, env.today)
    steps = [StepReview(s, check_step(s, pruned) + errors_for_step(s, errors))
             for s in visible_steps(service, pruned)]
    fee = compute_fee(service.fee, pruned, env.catalog.municipality)
    return Review(pruned, steps, findings.notices, fee)


def fingerprint(service: ServiceDefinition, answers: Mapping[str, Any]) -> str:
    """Identifies the declaration exactly as the review page showed it."""
    canonical = json.dumps([service.id, service.version, answers], sort_keys=True,
                           ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def submit(session: Session, env: Env, draft_id: str, user_id: str,
           identity: Identity, channels: Sequence[str] = (INBOX,),
           reviewed: str | None = None) -> Submission:
    """Idempotent: a second call for the same draft returns the first submission.
    `channels` are the delivery channels configured for the service (inbox always).
    `reviewed` is the fingerprint of the review page the citizen confirmed (§ 3a VwVfG: what
    is sent must be what was shown); a draft changed since (another tab) is not sent."""
    draft = session.scalar(select(Draft).where(Draft.id == draft_id, Draft.user_id == user_id)
                           .with_for_update())
    if draft is None:
        raise NotFound(draft_id)
    if draft.submission_id is not None:
        return existing_submission(session, draft.submission_id)
    service = service_or_404(env, draft.service_id)
    if identity.trust_level < service.min_trust_level:
        raise TrustLevelTooLow(service.min_trust_level, identity.trust_level)
    if service.exclusive is not None:
        exclusive.lock(session, service)
    result = review(env, service, draft.answers, identity, session, user_id)
    if not result.complete:
        raise Incomplete(result.errors)
    if reviewed is not None and reviewed != fingerprint(service, result.answers):
        raise ChangedSinceReview(draft_id)
    submitted_at = now()
    submission = Submission(
        reference=next_reference(session, service.reference_prefix, submitted_at.year),
        draft_id=draft.id, user_id=user_id, service_id=service.id,
        service_version=service.version, department=service.department,
        answers=result.answers, fee=result.fee.to_json(),
        notices=[notice_json(n) for n in result.notices],
        channel=draft.channel, auth_method=identity.method, trust_level=identity.trust_level,
        identification=identity.identification(), submitted_at=submitted_at, status="received",
    )
    session.add(submission)
    try:
        session.flush()
    except IntegrityError:
        # A concurrent request for the same draft won the race (unique draft_id).
        session.rollback()
        return _submission_for_draft(session, draft_id)
    submission.history.append(StatusChange(status="received", actor="portal", at=submitted_at))
    draft.submission_id = submission.id
    draft.raw_inputs = {}
    used = _upload_ids(result.answers)
    session.execute(update(Upload).where(Upload.draft_id == draft.id, Upload.id.in_(used))
                    .values(submission_id=submission.id))
    audit.record(session, identity.subject, "submission.created", submission.id,
                 reference=submission.reference, service=service.id)
    # --- Delivery outbox (issue #6): one job per channel in this same transaction, so a
    # stored submission always has its jobs; they are enqueued after the commit. ---
    delivery.create_jobs(session, submission, channels)
    return submission


def notice_json(notice: Message) -> dict[str, Any]:
    out: dict[str, Any] = {"text": notice.text, "params": dict(notice.params)}
    if notice.code:
        out["code"] = notice.code
    return out


def _upload_ids(value: Any) -> set[str]:
    if isinstance(value, dict):
        if "upload_id" in value:
            return {str(value["upload_id"])}
        return {i for v in value.values() for i in _upload_ids(v)}
    if isinstance(value, list):
        return {i for v in value for i in _upload_ids(v)}
    return set()


def existing_submission(session: Session, submission_id: str) -> Submission:
    submission = session.get(Submission, submission_id)
    if submission is None:
        raise NotFound(submission_id)
    return submission


def _submission_for_draft(session: Session, draft_id: str) -> Submission:
    submission = session.scalar(select(Submission).where(Submission.draft_id == draft_id))
    if submission is None:
        raise NotFound(draft_id)
    return submission


def submission_for_user(session: Session, reference: str, user_id: str) -> Submission:
    submission = session.scalar(select(Submission).where(Submission.reference == reference,
                                                         Submission.user_id == user_id))
    if submission is None:
        raise NotFound(reference)
    return submission


def submissions_of_user(session: Session, user_id: str) -> list[Submission]:
    return list(session.scalars(select(Submission).where(Submission.user_id == user_id)
                                .order_by(Submission.submitted_at.desc())))


def attachments(session: Session, submission: Submission) -> list[Upload]:
    return list(session.scalars(select(Upload).where(Upload.submission_id == submission.id)
                                .order_by(Upload.created_at)))
