"""Citizen accounts as they appear from sign-in methods."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.adapters.db.models import User, now
from portal.services.identity import Identity


def user_for_identity(session: Session, identity: Identity, login: bool = True) -> User:
    user = session.scalar(select(User).where(User.auth_method == identity.method,
                                             User.subject == identity.subject))
    if user is None:
        user = User(auth_method=identity.method, subject=identity.subject)
        session.add(user)
    user.display_name = identity.display_name
    user.email = identity.email
    if login:
        user.last_login_at = now()
    session.flush()
    return user
