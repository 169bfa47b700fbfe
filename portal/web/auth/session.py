"""The signed-in citizen in the Flask session."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import redirect, request, session, url_for

from portal.services.identity import Identity

F = TypeVar("F", bound=Callable[..., Any])


def login(identity: Identity, user_id: str) -> None:
    lang = session.get("lang")
    session.clear()  # a new session at sign-in: no fixation of a pre-login session id
    session["identity"] = identity.to_dict()
    session["user_id"] = user_id
    if lang:
        session["lang"] = lang
    session.permanent = True


def act_for(identity: Identity, user_id: str, clerk_id: str, draft_id: str) -> None:
    """A counter clerk enters one application for the citizen in front of them: the citizen
    keys are set beside the clerk's own session (which stays), until `end_acting`. Only that
    draft and what it becomes are reachable (see portal.web.citizen)."""
    session["identity"] = identity.to_dict()
    session["user_id"] = user_id
    session["acting_clerk"] = clerk_id
    session["acting_draft"] = draft_id


def end_acting() -> None:
    for key in ("identity", "user_id", "acting_clerk", "acting_draft"):
        session.pop(key, None)


def acting_draft() -> str | None:
    value = session.get("acting_draft")
    return value if isinstance(value, str) else None


def acting_clerk() -> str | None:
    value = session.get("acting_clerk")
    return value if isinstance(value, str) else None


def logout() -> None:
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def current_identity() -> Identity | None:
    data = session.get("identity")
    return Identity.from_dict(data) if isinstance(data, dict) else None


def current_user_id() -> str | None:
    value = session.get("user_id")
    return value if isinstance(value, str) else None


def login_required(view: F) -> F:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_identity() is None:
            return redirect(url_for("auth.login", next=request.full_path))
        return view(*args, **kwargs)

    return cast(F, wrapped)
