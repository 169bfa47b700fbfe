"""The replay store: every accepted Response and Assertion id, kept until it expires.

python3-saml keeps no such record. The ids live in a database table whose primary key makes
the second insert of an id fail, so two workers cannot both accept the same response.
Ids are stored hashed: fixed length, and nothing from the IdP is kept in clear.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.adapters.db.accounts import SeenSamlId
from portal.adapters.db.models import now


class ReplayDetected(Exception):
    pass


def _key(profile: str, value: str) -> str:
    return f"{profile}:" + hashlib.sha256(value.encode("utf-8")).hexdigest()


def remember(session: Session, profile: str, ids: Iterable[str], expires_at: datetime) -> None:
    """Record the ids in their own transaction (committed here), or raise `ReplayDetected`
    when any of them was seen before and has not expired."""
    moment = now()
    session.execute(delete(SeenSamlId).where(SeenSamlId.expires_at < moment))
    session.commit()
    keys = [_key(profile, i) for i in ids]
    for key in keys:
        session.add(SeenSamlId(id=key, expires_at=expires_at))
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise ReplayDetected("a Response or Assertion id was used before") from exc
