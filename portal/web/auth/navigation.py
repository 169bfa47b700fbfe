"""Shared steps of every sign-in method: where to go afterwards, and the session switch."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app, redirect, url_for

from portal.services import audit
from portal.services.identity import Identity
from portal.services.users import user_for_identity
from portal.state import portal_state
from portal.web.auth.session import login


def safe_next(value: str | None) -> str:
    """Only same-site paths: never an open redirect to another host."""
    if not value:
        return url_for("citizen.index")
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not value.startswith("/") or value.startswith("//") \
            or "\\" in value:
        return url_for("citizen.index")
    return value


def finish_login(identity: Identity, next_url: str) -> Any:
    state = portal_state(current_app)
    with state.db.session() as session:
        user = user_for_identity(session, identity)
        audit.record(session, identity.subject, "login", user.id, method=identity.method,
                     trust_level=identity.trust_level)
        session.commit()
        user_id = user.id
    login(identity, user_id)
    return redirect(next_url)
