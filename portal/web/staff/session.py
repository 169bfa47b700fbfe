"""The signed-in employee in the Flask session, kept apart from any citizen identity."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import abort, current_app, g, redirect, request, session, url_for

from portal.adapters.db.accounts import StaffAccount
from portal.adapters.db.models import now
from portal.services.staff import StaffPrincipal, is_locked, principal
from portal.state import portal_state

F = TypeVar("F", bound=Callable[..., Any])
KEY = "staff"


def _fresh_session() -> None:
    # A new session at every sign-in or sign-out: nothing from before (no fixation, no
    # citizen identity on a clerk's computer), only the language choice survives.
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def staff_login(who: StaffPrincipal) -> None:
    _fresh_session()
    session[KEY] = who.to_dict()
    session["staff_login_at"] = int(time.time())
    session.permanent = True


def staff_logout() -> None:
    _fresh_session()


def set_pending_second_factor(staff_id: str) -> None:
    _fresh_session()
    session["staff_pending"] = {"id": staff_id, "at": int(time.time())}


def pending_second_factor() -> str | None:
    data = session.get("staff_pending")
    if not isinstance(data, dict):
        return None
    limit = int(current_app.config.get("STAFF_SECOND_FACTOR_SECONDS") or 300)
    if time.time() - float(data.get("at", 0)) > limit:
        session.pop("staff_pending", None)
        return None
    return str(data.get("id"))


def current_staff() -> StaffPrincipal | None:
    """The employee of this request. Within a request it comes from `staff_required`'s fresh
    look at the database when that ran; otherwise from the session."""
    if "staff_principal" in g:
        found: StaffPrincipal | None = g.staff_principal
        return found
    data = session.get(KEY)
    return StaffPrincipal.from_dict(data) if isinstance(data, dict) and data.get("id") else None


def staff_required(*roles: str) -> Callable[[F], F]:
    """Only for signed-in staff with one of `roles` (any role when none is given; the
    administrator role passes every check). Roles, departments and the account's state are
    read from the database on each request, so a change applies at once."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            who = current_staff()
            if who is None:
                return redirect(url_for("staff.login", next=request.full_path))
            # An absolute limit besides the idle timeout: a session cookie that keeps being
            # used (or was copied) does not stay valid for longer than a working day.
            login_at = session.get("staff_login_at")
            limit = int(current_app.config.get("STAFF_SESSION_MAX_SECONDS") or 36000)
            if not isinstance(login_at, int) or time.time() - login_at > limit:
                staff_logout()
                return redirect(url_for("staff.login", next=request.full_path))
            with portal_state(current_app).db.session() as db:
                account = db.get(StaffAccount, who.id)
                if account is None or not account.active or is_locked(account, now()):
                    staff_logout()
                    return redirect(url_for("staff.login"))
                fresh = principal(account, who.method)
            g.staff_principal = fresh
            if roles and "admin" not in fresh.roles and not set(roles) & set(fresh.roles):
                abort(403)
            return view(*args, **kwargs)

        return cast(F, wrapped)

    return decorator
