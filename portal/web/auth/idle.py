"""Idle timeout: the session cookie expires after PERMANENT_SESSION_LIFETIME without a
request (Flask checks the signed timestamp server-side). A script warns before that, lets
the person stay signed in, and shows where they ended up when time ran out."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template, session

from portal.web.auth.session import logout

bp = Blueprint("session_idle", __name__)
WARN_BEFORE_SECONDS = 5 * 60


def idle_settings() -> dict[str, int] | None:
    """For the template: only signed-in people (citizen or staff) get the warning."""
    if not (session.get("identity") or session.get("staff")):
        return None
    lifetime = int(current_app.permanent_session_lifetime.total_seconds())
    return {"timeout": lifetime, "warn": min(WARN_BEFORE_SECONDS, lifetime // 2)}


@bp.app_context_processor
def _idle_context() -> dict[str, Any]:
    return {"idle_settings": idle_settings()}


@bp.route("/sitzung/verlaengern", methods=["POST"])
def extend() -> Any:
    # Any request refreshes the cookie; this one exists so the script can ask for it.
    session.modified = True
    return ("", 204) if (session.get("identity") or session.get("staff")) else ("", 401)


@bp.route("/sitzung/abgelaufen")
def expired() -> Any:
    staff = bool(session.get("staff"))
    logout()
    return render_template("auth/session_expired.html", staff=staff)
