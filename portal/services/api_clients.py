"""Specialist systems (Fachverfahren) as API clients: one per department, with a bearer token.

Receivers pull at their own pace: a submission stays in a client's list of new submissions
until that client acknowledges it, however long that takes. Only submissions whose XÖV
message and sealed PDF exist are listed (the inbox job has delivered), so a client never
fetches half a case.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Exists, and_, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.adapters.db.delivery import DELIVERED, ApiClient, DeliveryJob, Receipt
from portal.adapters.db.models import Submission, now
from portal.services import audit
from portal.services.delivery import INBOX
from portal.services.errors import NotFound
from portal.services.inbox import Actor

TOKEN_PREFIX = "ozg_"


class ClientError(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_client(session: Session, name: str, department: str,
                  known_departments: Iterable[str], actor: str = "cli") -> tuple[ApiClient, str]:
    """Returns the client and its token; the token is shown once and stored only hashed."""
    name = name.strip()
    if not name or len(name) > 120:
        raise ClientError("name_invalid")
    if department not in set(known_departments):
        raise ClientError("department_unknown")
    if session.scalar(select(ApiClient).where(ApiClient.name == name)) is not None:
        raise ClientError("name_taken")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    client = ApiClient(name=name, department=department, token_hash=token_hash(token),
                       token_hint=token[:10], active=True)
    session.add(client)
    session.flush()
    audit.record(session, actor, "api_client.created", client.id, name=name,
                 department=department)
    return client, token


def revoke(session: Session, name: str, actor: str = "cli") -> ApiClient:
    client = session.scalar(select(ApiClient).where(ApiClient.name == name))
    if client is None:
        raise ClientError("client_unknown")
    client.active = False
    audit.record(session, actor, "api_client.revoked", client.id)
    return client


def authenticate(session: Session, token: str) -> ApiClient | None:
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    client = session.scalar(select(ApiClient).where(ApiClient.token_hash == token_hash(token)))
    # The lookup is by hash; compare again in constant time for good measure.
    if client is None or not client.active or not hmac.compare_digest(client.token_hash,
                                                                      token_hash(token)):
        return None
    client.last_used_at = now()
    return client


def actor_for(client: ApiClient) -> Actor:
    return Actor(id=client.id, name=client.name, departments=(client.department,), kind="api")


@dataclass(frozen=True)
class Listed:
    submission: Submission
    received_at: datetime | None


def _ready() -> Exists:
    return exists().where(DeliveryJob.submission_id == Submission.id,
                          DeliveryJob.channel == INBOX, DeliveryJob.status == DELIVERED)


def list_submissions(session: Session, client: ApiClient, only_new: bool, limit: int,
                     after: tuple[datetime, str] | None = None) -> list[Listed]:
    """Oldest first, keyset-paged by (submitted_at, id) so nothing is skipped while new
    submissions arrive between pages."""
    query = (select(Submission, Receipt.received_at)
             .outerjoin(Receipt, and_(Receipt.submission_id == Submission.id,
                                      Receipt.client_id == client.id))
             .where(Submission.department == client.department, _ready()))
    if only_new:
        query = query.where(Receipt.id.is_(None))
    if after is not None:
        at, last_id = after
        query = query.where((Submission.submitted_at > at)
                            | and_(Submission.submitted_at == at, Submission.id > last_id))
    rows = session.execute(query.order_by(Submission.submitted_at, Submission.id)
                           .limit(limit)).all()
    return [Listed(s, received) for s, received in rows]


def submission_for(session: Session, client: ApiClient, submission_id: str) -> Submission:
    """NotFound for another department's submission, an unknown id, or one not ready yet."""
    if len(submission_id) > 36:
        raise NotFound(submission_id)
    submission = session.scalar(select(Submission).where(
        Submission.id == submission_id, Submission.department == client.department, _ready()))
    if submission is None:
        raise NotFound(submission_id)
    return submission


def acknowledge(session: Session, client: ApiClient, submission_id: str,
                external_id: str | None) -> tuple[Receipt, bool]:
    """Idempotent: the first receipt stays; returns (receipt, created now)."""
    submission = submission_for(session, client, submission_id)
    existing = receipt_of(session, client, submission.id)
    if existing is not None:
        return existing, False
    receipt = Receipt(submission_id=submission.id, client_id=client.id,
                      external_id=(external_id or None))
    try:
        with session.begin_nested():
            session.add(receipt)
    except IntegrityError:
        # The same acknowledgement arrived twice at once; the first one counts.
        concurrent = receipt_of(session, client, submission.id)
        assert concurrent is not None
        return concurrent, False
    audit.record(session, f"api:{client.id}", "api.acknowledged", submission.id,
                 external_id=external_id)
    return receipt, True


def receipt_of(session: Session, client: ApiClient, submission_id: str) -> Receipt | None:
    return session.scalar(select(Receipt).where(Receipt.submission_id == submission_id,
                                                Receipt.client_id == client.id))


def record_fetch(session: Session, client: ApiClient, submission_id: str, what: str) -> None:
    audit.record(session, f"api:{client.id}", f"api.fetched.{what}", submission_id)


def clients(session: Session) -> list[ApiClient]:
    return list(session.scalars(select(ApiClient).order_by(ApiClient.name)))
