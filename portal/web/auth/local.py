"""Citizen accounts without eID: register with e-mail and password, confirm the address,
sign in (level 1, or what a counter check granted), see the account and its verification."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext

from portal.adapters.mail.smtp import mail_sender as smtp_mail_sender
from portal.services import accounts
from portal.services.accounts import AccountError, LockoutPolicy
from portal.services.mail import MailError, MailSender
from portal.state import portal_state
from portal.web.auth.base import AuthMethod
from portal.web.auth.navigation import finish_login, safe_next
from portal.web.auth.session import current_identity, login_required

log = logging.getLogger(__name__)
METHOD = accounts.METHOD


def mail_sender(app: Flask) -> MailSender:
    """The configured sender; tests put their own recorder into `app.extensions`."""
    sender: MailSender | None = app.extensions.get("portal_mail")
    if sender is None:
        sender = smtp_mail_sender(app.config)
        app.extensions["portal_mail"] = sender
    return sender


def _messages() -> dict[str, str]:
    return {
        "email_invalid": gettext("Bitte geben Sie eine gültige E-Mail-Adresse ein, zum Beispiel "
                                 "name@example.org."),
        "password_short": gettext("Das Passwort muss mindestens 12 Zeichen lang sein."),
        "password_long": gettext("Das Passwort darf höchstens 256 Zeichen lang sein."),
        "password_mismatch": gettext("Die beiden Passwörter stimmen nicht überein."),
        "name_missing": gettext("Bitte geben Sie Ihren Vornamen und Familiennamen an."),
        "invalid": gettext("E-Mail-Adresse oder Passwort ist falsch."),
        "locked": gettext("Zu viele Fehlversuche. Ihr Konto ist für 15 Minuten gesperrt. "
                          "Bitte versuchen Sie es danach erneut."),
        "unverified": gettext("Bitte bestätigen Sie zuerst Ihre E-Mail-Adresse mit dem Link, den "
                              "wir Ihnen geschickt haben."),
        "mail": gettext("Die E-Mail konnte gerade nicht versendet werden. Bitte versuchen Sie es "
                        "in einigen Minuten erneut."),
    }


class LocalSignIn(AuthMethod):
    id = METHOD
    label = {"de": "Konto mit E-Mail-Adresse", "en": "Account with e-mail address"}
    description = {
        "de": "Ohne Online-Ausweis: Konto mit E-Mail-Adresse und Passwort (Vertrauensniveau "
              "niedrig). Nach einem einmaligen Besuch im Bürgerbüro mit Ausweis reicht es auch "
              "für Anträge mit Vertrauensniveau „substanziell“.",
        "en": "Without online ID: an account with e-mail address and password (trust level "
              "low). After one visit to the citizens' office with your ID document it is also "
              "enough for applications that need level \"substantial\".",
    }

    def is_enabled(self, config: Mapping[str, Any]) -> bool:
        if not config.get("LOCAL_ACCOUNTS_ENABLED", True):
            return False
        # Without a mail server nobody could confirm an address: production needs SMTP.
        return config.get("ENV_NAME") != "production" or bool(config.get("SMTP_HOST"))

    def max_trust_level(self, config: Mapping[str, Any]) -> int:
        return min(int(config.get("STAFF_COUNTER_LEVEL") or 3), accounts.COUNTER_LEVEL_CEILING)

    def start_endpoint(self) -> str:
        return "auth_konto.start"

    def single_logout(self) -> Any:
        return None

    def blueprint(self) -> Blueprint:
        bp = Blueprint("auth_konto", __name__)
        method = self

        @bp.before_request
        def _enabled() -> None:
            if not method.is_enabled(current_app.config):
                abort(404)

        @bp.route("/anmelden/konto", methods=["GET", "POST"])
        def start() -> Any:
            next_url = safe_next(request.values.get("next"))
            level = request.values.get("level", "1")
            email, error = request.form.get("email", ""), None
            if request.method == "POST":
                state = portal_state(current_app)
                with state.db.session() as db:
                    try:
                        account = accounts.authenticate(db, email, request.form.get("password", ""),
                                                        LockoutPolicy())
                    except AccountError as exc:
                        db.commit()  # failure counters and audit entries
                        error = _messages().get(exc.code, _messages()["invalid"])
                    else:
                        db.commit()
                        identity = accounts.identity_for_account(account)
                if error is None:
                    return finish_login(identity, next_url)
            return render_template("auth/local_login.html", next_url=next_url, level=level,
                                   email=email, error=error), 400 if error else 200

        @bp.route("/konto/registrieren", methods=["GET", "POST"])
        def register() -> Any:
            form = {k: request.form.get(k, "").strip() for k in
                    ("given_names", "family_name", "email")}
            errors: dict[str, str] = {}
            if request.method == "POST":
                errors = _register(form)
                if not errors:
                    return render_template("auth/local_message.html",
                                           title=gettext("Bitte prüfen Sie Ihr E-Mail-Postfach"),
                                           text=gettext(
                                               "Wir haben eine Nachricht an %(email)s geschickt. "
                                               "Öffnen Sie den Link darin, um Ihr Konto zu "
                                               "aktivieren. Der Link ist 48 Stunden gültig.",
                                               email=form["email"]))
            return render_template("auth/local_register.html", form=form, errors=errors), (
                400 if errors else 200)

        @bp.route("/konto/bestaetigen/<token>")
        def confirm(token: str) -> Any:
            state = portal_state(current_app)
            with state.db.session() as db:
                try:
                    accounts.verify_email(db, current_app.config["SECRET_KEY"], token)
                except AccountError as exc:
                    expired = exc.code == "token_expired"
                    return render_template(
                        "auth/local_message.html",
                        title=gettext("Link ungültig"),
                        text=gettext("Dieser Bestätigungslink ist abgelaufen. Bitte registrieren "
                                     "Sie sich erneut.") if expired else gettext(
                            "Dieser Bestätigungslink ist ungültig. Bitte prüfen Sie, ob Sie ihn "
                            "vollständig kopiert haben."), error=True), 400
                db.commit()
            return render_template("auth/local_message.html",
                                   title=gettext("E-Mail-Adresse bestätigt"),
                                   text=gettext("Ihr Konto ist aktiv. Sie können sich jetzt "
                                                "anmelden."),
                                   link=(url_for("auth_konto.start"), gettext("Zur Anmeldung")))

        @bp.route("/konto")
        @login_required
        def account() -> Any:
            identity = current_identity()
            assert identity is not None
            if identity.method != METHOD:
                abort(404)
            state = portal_state(current_app)
            with state.db.session() as db:
                record = db.get(accounts.LocalAccount, identity.subject)
                if record is None:
                    abort(404)
                checks = accounts.verifications_of(db, record.id)
                return render_template("auth/local_account.html", account=record,
                                       verifications=checks,
                                       counter_level=method.max_trust_level(current_app.config))

        return bp


def _register(form: dict[str, str]) -> dict[str, str]:
    messages = _messages()
    password = request.form.get("password", "")
    if password != request.form.get("password2", ""):
        return {"password2": messages["password_mismatch"]}
    state = portal_state(current_app)
    with state.db.session() as db:
        try:
            accounts.register(db, mail_sender(current_app), current_app.config["SECRET_KEY"],
                              # The public address, not the one the proxy forwarded to.
                              lambda token: current_app.config["BASE_URL"].rstrip("/")
                              + url_for("auth_konto.confirm", token=token),
                              form["email"], password, form["given_names"], form["family_name"])
        except AccountError as exc:
            field = {"email_invalid": "email", "name_missing": "given_names"}.get(exc.code,
                                                                                  "password")
            return {field: messages.get(exc.code, messages["invalid"])}
        except MailError as exc:
            log.error("verification mail not sent: %s", exc)
            return {"email": messages["mail"]}
        db.commit()
    return {}
