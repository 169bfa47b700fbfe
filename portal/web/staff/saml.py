"""Staff sign-in through the municipality's own IdP: the same SAML code as BundID, with the
`STAFF_SAML_*` profile (no STORK level, no BundID extension). The IdP's e-mail attribute
must name an active staff account; roles and departments still come from the portal."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, redirect, request, session, url_for

from portal.adapters.db.models import now
from portal.adapters.saml.logout import SloOutcome, start_logout
from portal.adapters.saml.metadata import MetadataError
from portal.adapters.saml.response import SamlFailure
from portal.adapters.saml.settings import saml_settings
from portal.services import audit
from portal.services import staff as staff_service
from portal.services.staff import StaffPrincipal
from portal.state import portal_state
from portal.web.auth import saml_flow
from portal.web.auth.navigation import safe_next
from portal.web.staff.session import staff_login, staff_logout

PROFILE = "staff"


def _enabled() -> bool:
    return bool(current_app.config.get("STAFF_SAML_ENABLED"))


def single_logout(who: StaffPrincipal) -> Any:
    info = session.get("saml_logout")
    if not isinstance(info, dict) or not _enabled():
        return None
    prof = saml_flow.profile(PROFILE)
    try:
        started = start_logout(prof, saml_settings(prof, for_logout=True), info,
                               return_to=url_for("staff.login", abgemeldet=1))
    except (MetadataError, OSError, ValueError):
        return None
    if started is None:
        return None
    staff_logout()
    session["saml_logout_request"] = started.request_id
    return redirect(started.url)


def blueprint() -> Blueprint:
    bp = Blueprint("staff_saml", __name__, url_prefix="/mitarbeiter")

    @bp.record_once
    def _check(state: Any) -> None:
        if state.app.config.get("STAFF_SAML_ENABLED"):
            saml_flow.profile(PROFILE, state.app)

    @bp.before_request
    def _only_when_enabled() -> Any:
        return None if _enabled() else saml_flow.unavailable()

    @bp.route("/anmelden/saml")
    def start() -> Any:
        next_url = request.args.get("next") or url_for("staff.index")
        return saml_flow.start(saml_flow.profile(PROFILE), level=None,
                               next_url=safe_next(next_url), display=None)

    @bp.route("/saml/acs", methods=["POST"])
    def acs() -> Any:
        if saml_flow.needs_resend():
            return saml_flow.resend_page(url_for("staff_saml.acs"))
        prof = saml_flow.profile(PROFILE)
        retry = url_for("staff.login")
        try:
            assertion, pending = saml_flow.consume(prof)
        except SamlFailure as failure:
            return saml_flow.failure_page(prof, failure, retry_url=retry)
        attribute = str(current_app.config.get("STAFF_SAML_EMAIL_ATTRIBUTE"))
        emails = [v for v in assertion.attributes.get(attribute) or [] if isinstance(v, str)]
        state = portal_state(current_app)
        with state.db.session() as db:
            account = staff_service.staff_by_email(db, emails[0]) if emails else None
            if (account is None or not account.active
                    or staff_service.is_locked(account, now())):
                unknown = SamlFailure("invalid", "unknown_staff",
                                      "no active staff account for the asserted e-mail",
                                      response_id=assertion.response_id)
                return saml_flow.failure_page(prof, unknown, retry_url=retry)
            account.last_login_at = now()
            who = staff_service.principal(account, "saml")
            audit.record(db, f"staff:{account.id}", "staff.login", account.id, method="saml")
            db.commit()
        staff_login(who)
        session["saml_logout"] = saml_flow.logout_info(assertion)
        return redirect(safe_next(pending.get("next")))

    @bp.route("/saml/metadata")
    def metadata() -> Any:
        return saml_flow.metadata_response(PROFILE)

    @bp.route("/saml/sls")
    def sls() -> Any:
        prof = saml_flow.profile(PROFILE)
        outcome = saml_flow.incoming_logout(prof)
        if not isinstance(outcome, SloOutcome):
            return outcome
        staff_logout()
        if outcome.ok:
            return redirect(outcome.redirect or url_for("staff.login", abgemeldet=1))
        saml_flow.record_failure(prof, SamlFailure("invalid", "logout", outcome.error or ""))
        return saml_flow.render_logout_problem()

    saml_flow.exempt_from_csrf(bp, acs)
    return bp
