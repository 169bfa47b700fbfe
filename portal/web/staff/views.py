"""Staff sign-in (password, then a TOTP code), sign-out and the start page."""

from __future__ import annotations

from typing import Any

from flask import current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext

from portal.definitions.messages import N_
from portal.services import staff as staff_service
from portal.services.accounts import AccountError
from portal.services.staff import StaffPolicy
from portal.state import portal_state
from portal.web.auth.navigation import safe_next
from portal.web.staff import bp
from portal.web.staff.session import (
    current_staff,
    pending_second_factor,
    set_pending_second_factor,
    staff_login,
    staff_logout,
    staff_required,
)

ROLE_NAMES = {"counter": N_("Bürgerbüro (Schalter)"), "back_office": N_("Sachbearbeitung"),
              "admin": N_("Administration")}


def policy() -> StaffPolicy:
    config = current_app.config
    return StaffPolicy(int(config.get("STAFF_MAX_FAILED_LOGINS") or 5),
                       int(config.get("STAFF_LOCKOUT_MINUTES") or 15))


def _error(code: str) -> str:
    if code == "locked":
        return gettext("Zu viele Fehlversuche: Das Konto ist für %(minutes)s Minuten gesperrt. "
                       "Die Administration kann es vorher entsperren.",
                       minutes=policy().lock_minutes)
    if code == "inactive":
        return gettext("Dieses Konto ist deaktiviert. Bitte wenden Sie sich an die "
                       "Administration.")
    return gettext("E-Mail-Adresse oder Passwort ist falsch.")


def _next() -> str:
    value = request.values.get("next")
    return safe_next(value) if value and value.startswith("/mitarbeiter") else url_for(
        "staff.index")


@bp.route("/anmelden", methods=["GET", "POST"])
def login() -> Any:
    email, error = request.form.get("email", ""), None
    if request.method == "POST":
        with portal_state(current_app).db.session() as db:
            try:
                account = staff_service.check_password_step(
                    db, email, request.form.get("password", ""), policy())
            except AccountError as exc:
                error = _error(exc.code)
            else:
                set_pending_second_factor(account.id)
                session["staff_next"] = _next()
            db.commit()
        if error is None:
            return redirect(url_for("staff.second_factor"))
    return render_template("staff/login.html", email=email, error=error, next_url=_next(),
                           saml=bool(current_app.config.get("STAFF_SAML_ENABLED")),
                           signed_out=request.args.get("abgemeldet")), 400 if error else 200


@bp.route("/anmelden/code", methods=["GET", "POST"])
def second_factor() -> Any:
    staff_id = pending_second_factor()
    if staff_id is None:
        return redirect(url_for("staff.login"))
    error = None
    if request.method == "POST":
        with portal_state(current_app).db.session() as db:
            try:
                account = staff_service.check_totp_step(db, staff_id,
                                                        request.form.get("code", ""), policy())
            except AccountError as exc:
                error = _error(exc.code) if exc.code != "invalid" else gettext(
                    "Der Code ist falsch oder abgelaufen. Geben Sie den aktuellen Code aus "
                    "Ihrer Authenticator-App ein.")
                locked = exc.code == "locked"
            else:
                who = staff_service.principal(account)
            db.commit()
        if error is None:
            target = session.get("staff_next") or url_for("staff.index")
            staff_login(who)
            return redirect(safe_next(str(target)))
        if locked:
            staff_logout()
            return render_template("staff/login.html", email="", error=error,
                                   next_url=url_for("staff.index"), saml=False,
                                   signed_out=None), 403
    return render_template("staff/code.html", error=error), 400 if error else 200


@bp.route("/abmelden", methods=["POST"])
def logout() -> Any:
    who = current_staff()
    if who is not None and who.method == "saml":
        from portal.web.staff.saml import single_logout

        response = single_logout(who)
        if response is not None:
            return response
    staff_logout()
    return redirect(url_for("staff.login", abgemeldet=1))


@bp.route("")
@staff_required()
def index() -> Any:
    who = current_staff()
    assert who is not None
    departments = portal_state(current_app).catalog.municipality.departments
    names = {d.id: d.name for d in departments}
    return render_template("staff/index.html", who=who, role_names=ROLE_NAMES,
                           department_names=names)
