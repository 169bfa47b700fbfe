"""Idle timeout: the session cookie expires after PERMANENT_SESSION_LIFETIME without a
request (Flask checks the signed timestamp server-side). A script warns before that, lets
the person stay signed in, and shows where they ended up when time ran out."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, render_template, session

from portal.web.auth.session import logout

bp = Blueprint("session_idle", __name__)
WARN_BEFORE_SECONDS = 5 * 60


def idle_settings() -> dict[str, int] | None:
    """For the template: only signed-in people (citizen or staff) get the warning."""
    if not (session.get("identity") or session.get("staff")):
        return None
    lifetime = int(current_app.permanent_session_lifetime.total_seconds())
    warn = min(WARN_BEFORE_SECONDS, lifetime // 2)
    return {"timeout": lifetime, "warn": warn, "minutes": max(1, round(warn / 60))}


@bp.app_context_processor
def _idle_context() -> dict[str, Any]:
    return {"idle_settings": idle_settings()}


@bp.route("/sitzung/verlaengern", methods=["POST"])
def extend() -> Any:
    # Any request refreshes the cookie; this one exists so the script can ask for it.
    session.modified = True
    signed_in = bool(session.get("identity") or session.get("staff"))
    return Response(status=204 if signed_in else 401, mimetype="text/plain")


@bp.route("/sitzung/abgelaufen")
def expired() -> Any:
    staff = bool(session.get("staff"))
    logout()
    return render_template("auth/session_expired.html", staff=staff)
