"""Counter verification: a clerk finds a citizen's account, checks the ID document in
person and raises the account to the configured level (never 4)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import abort, current_app, render_template, request
from flask_babel import gettext

from portal.adapters.db.accounts import LocalAccount, StaffAccount
from portal.services import accounts, audit
from portal.services.accounts import AccountError
from portal.state import portal_state
from portal.web.staff import bp
from portal.web.staff.session import current_staff, staff_required


def counter_level() -> int:
    configured = int(current_app.config.get("STAFF_COUNTER_LEVEL") or 3)
    return min(configured, accounts.COUNTER_LEVEL_CEILING)


def _birth_date(raw: str) -> str | None:
    text = raw.strip()
    for fmt in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            value = datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        return value.isoformat() if date(1900, 1, 1) <= value <= date.today() else None
    return None


@bp.route("/schalter")
@staff_required("counter")
def counter_search() -> Any:
    email = request.args.get("email", "").strip()
    account = None
    checks: list[Any] = []
    if email:
        who = current_staff()
        assert who is not None
        with portal_state(current_app).db.session() as db:
            account = accounts.account_by_email(db, email)
            if account is not None:
                checks = accounts.verifications_of(db, account.id)
            # Looking a citizen up is itself an access to personal data.
            audit.record(db, f"staff:{who.id}", "counter.account_lookup",
                         account.id if account else None, found=account is not None)
            db.commit()
    return render_template("staff/counter.html", email=email, account=account, checks=checks,
                           searched=bool(email), form={}, errors={}, level=counter_level(),
                           documents=accounts.DOCUMENT_TYPES)


@bp.route("/schalter/<account_id>", methods=["POST"])
@staff_required("counter")
def counter_verify(account_id: str) -> Any:
    who = current_staff()
    assert who is not None
    form = {k: request.form.get(k, "").strip() for k in
            ("document_type", "given_names", "family_name", "birth_date", "note")}
    errors: dict[str, str] = {}
    if form["document_type"] not in accounts.DOCUMENT_TYPES:
        errors["document_type"] = gettext("Bitte wählen Sie das vorgelegte Dokument.")
    if not form["given_names"]:
        errors["given_names"] = gettext("Bitte übernehmen Sie die Vornamen aus dem Dokument.")
    if not form["family_name"]:
        errors["family_name"] = gettext("Bitte übernehmen Sie den Familiennamen aus dem Dokument.")
    birth_date = _birth_date(form["birth_date"])
    if birth_date is None:
        errors["birth_date"] = gettext("Bitte geben Sie das Geburtsdatum aus dem Dokument im "
                                       "Format TT.MM.JJJJ ein.")
    if request.form.get("checked") != "yes":
        errors["checked"] = gettext("Bitte bestätigen Sie, dass Sie das Dokument im Original "
                                    "geprüft haben.")
    state = portal_state(current_app)
    with state.db.session() as db:
        account = db.get(LocalAccount, account_id)
        clerk = db.get(StaffAccount, who.id)
        if account is None or clerk is None:
            abort(404)
        if not errors:
            try:
                record = accounts.counter_verify(
                    db, account.id, clerk, form["document_type"], counter_level(),
                    counter_level(), given_names=form["given_names"],
                    family_name=form["family_name"], birth_date=birth_date, note=form["note"])
            except AccountError as exc:
                errors["document_type"] = {
                    "unverified": gettext("Die E-Mail-Adresse dieses Kontos ist noch nicht "
                                          "bestätigt. Bitten Sie die Person, zuerst den Link in "
                                          "der E-Mail zu öffnen."),
                    "level_lower": gettext("Das Konto hat bereits ein höheres Vertrauensniveau."),
                }.get(exc.code, gettext("Die Prüfung konnte nicht gespeichert werden."))
            else:
                db.commit()
                return render_template("staff/counter_done.html", account=account,
                                       record=record)
        checks = accounts.verifications_of(db, account.id)
        return render_template("staff/counter.html", email=account.email, account=account,
                               checks=checks, searched=True, form=form, errors=errors,
                               level=counter_level(), documents=accounts.DOCUMENT_TYPES), 400
