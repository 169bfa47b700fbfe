"""Choose a sign-in method; sign out."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from portal.state import portal_state
from portal.web.auth.navigation import safe_next
from portal.web.auth.session import current_identity, logout

bp = Blueprint("auth", __name__)


@bp.route("/anmelden")
def login() -> Any:
    state = portal_state(current_app)
    next_url = safe_next(request.args.get("next"))
    try:
        level = min(max(int(request.args.get("level", "1")), 1), 4)
    except ValueError:
        level = 1
    methods = [(m, m.max_trust_level(current_app.config) >= level)
               for m in state.auth.enabled(current_app.config)]
    return render_template("auth/login.html", methods=methods, next_url=next_url, level=level)


@bp.route("/abmelden", methods=["POST"])
def logout_view() -> Any:
    identity = current_identity()
    method = portal_state(current_app).auth.get(identity.method) if identity else None
    single_logout = getattr(method, "single_logout", None)
    response = single_logout() if single_logout is not None else None
    if response is not None:
        return response
    logout()
    return redirect(url_for("citizen.index", signed_out=1))
