"""Enter an application at the counter on a citizen's behalf: the clerk records the ID
document, then fills the same forms as online, acting for the citizen until the end."""

from __future__ import annotations

from typing import Any

from flask import current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext

from portal.services import counter
from portal.state import portal_state
from portal.web.auth.session import act_for, end_acting
from portal.web.staff import bp
from portal.web.staff.counter import _birth_date
from portal.web.staff.session import current_staff, staff_required

FIELDS = ("service_id", "document_type", "given_names", "family_name", "birth_date",
          "street", "house_number", "postcode", "town", "account_email")


def _errors(form: dict[str, str]) -> dict[str, str]:
    catalog = portal_state(current_app).catalog
    errors: dict[str, str] = {}
    if form["service_id"] not in catalog.services:
        errors["service_id"] = gettext("Bitte wählen Sie die Leistung.")
    if form["document_type"] not in counter.DOCUMENT_TYPES:
        errors["document_type"] = gettext("Bitte wählen Sie das vorgelegte Dokument.")
    if not form["given_names"]:
        errors["given_names"] = gettext("Bitte übernehmen Sie die Vornamen aus dem Dokument.")
    if not form["family_name"]:
        errors["family_name"] = gettext("Bitte übernehmen Sie den Familiennamen aus dem Dokument.")
    if _birth_date(form["birth_date"]) is None:
        errors["birth_date"] = gettext("Bitte geben Sie das Geburtsdatum aus dem Dokument im "
                                       "Format TT.MM.JJJJ ein.")
    if any(len(v) > 120 for v in form.values()):
        errors["family_name"] = gettext("Die Angaben sind zu lang.")
    if request.form.get("checked") != "yes":
        errors["checked"] = gettext("Bitte bestätigen Sie, dass Sie das Dokument geprüft haben.")
    return errors


def _counter_error(code: str) -> dict[str, str]:
    if code == "account_unknown":
        return {"account_email": gettext("Zu dieser E-Mail-Adresse gibt es kein Konto.")}
    if code == "account_mismatch":
        return {"account_email": gettext(
            "Name und Geburtsdatum im Konto stimmen nicht mit dem Dokument überein. Lassen Sie "
            "das Konto zuerst am Schalter bestätigen, oder nehmen Sie den Antrag ohne Konto auf.")}
    return {"service_id": gettext("Bitte wählen Sie die Leistung.")}


@bp.route("/schalter/antrag", methods=["GET", "POST"])
@staff_required("counter")
def counter_application() -> Any:
    state = portal_state(current_app)
    services = sorted(state.catalog.services.values(), key=lambda s: s.title["de"])
    form = {k: request.form.get(k, "").strip() for k in FIELDS}
    errors: dict[str, str] = {}
    if request.method == "POST":
        errors = _errors(form)
        if not errors:
            who = current_staff()
            assert who is not None
            address = {k: form[k] for k in ("street", "house_number", "postcode", "town")}
            person = counter.Person(
                family_name=form["family_name"], given_names=form["given_names"],
                birth_date=str(_birth_date(form["birth_date"])),
                document_type=form["document_type"],
                address=address if all(address.values()) else None,
                account_email=form["account_email"] or None)
            with state.db.session() as db:
                try:
                    draft, identity = counter.start_application(db, state.env(), who.id, person,
                                                                form["service_id"])
                except counter.CounterError as exc:
                    db.rollback()
                    errors.update(_counter_error(exc.code))
                else:
                    db.commit()
                    act_for(identity, draft.user_id, who.id, draft.id)
                    first = state.catalog.services[draft.service_id].steps[0].id
                    return redirect(url_for("citizen.step", draft_id=draft.id, step_id=first))
    return render_template("staff/counter_application.html", services=services, form=form,
                           errors=errors, documents=counter.DOCUMENT_TYPES), (
        422 if errors else 200)


@bp.route("/schalter/antrag/beenden", methods=["POST"])
@staff_required("counter")
def counter_application_end() -> Any:
    end_acting()
    session.modified = True
    return redirect(url_for("staff.counter_application", beendet=1))
