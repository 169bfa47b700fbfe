"""Citizen sign-in with BundID (SAML 2.0): start, assertion consumer, SP metadata, single
logout. The checks live in `portal.adapters.saml`; this module parses and renders."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask import (
    Blueprint,
    current_app,
    redirect,
    request,
    session,
    url_for,
)

from portal.adapters.saml.attributes import person_from_attributes
from portal.adapters.saml.authn import BundIdDisplay
from portal.adapters.saml.logout import SloOutcome, start_logout
from portal.adapters.saml.metadata import MetadataError
from portal.adapters.saml.response import SamlFailure
from portal.adapters.saml.settings import saml_settings
from portal.presentation.i18n import lang
from portal.services import audit
from portal.services.identity import Identity
from portal.state import portal_state
from portal.web.auth import saml_flow
from portal.web.auth.base import AuthMethod
from portal.web.auth.navigation import finish_login, safe_next
from portal.web.auth.session import current_identity, logout

METHOD = "bundid"
SERVICE_PATH = re.compile(r"^/leistungen/([a-z0-9-]+)")
# What an eID (level 4) vouches for; lower levels come from less reliable sources.
EID_VERIFIED = ("name", "birth_date", "birth_place", "address", "nationality")


class SamlSignIn(AuthMethod):
    id = METHOD
    label = {"de": "BundID", "en": "BundID"}
    description = {
        "de": "Mit der Online-Ausweisfunktion (eID), einem ELSTER-Zertifikat oder Benutzername "
              "und Passwort über das Nutzerkonto des Bundes.",
        "en": "With the online ID function (eID), an ELSTER certificate or user name and "
              "password through the federal user account.",
    }

    def is_enabled(self, config: Mapping[str, Any]) -> bool:
        return bool(config.get("SAML_ENABLED"))

    def max_trust_level(self, config: Mapping[str, Any]) -> int:
        return 4

    def start_endpoint(self) -> str:
        return "auth_bundid.start"

    def single_logout(self) -> Any:
        """Called by /abmelden for a BundID session: log out at the IdP too, if it can."""
        info = session.get("saml_logout")
        if not isinstance(info, dict):
            return None
        prof = saml_flow.profile(METHOD)
        try:
            started = start_logout(prof, saml_settings(prof, for_logout=True), info,
                                   return_to=url_for("citizen.index", signed_out=1))
        except (MetadataError, OSError, ValueError):
            return None
        if started is None:
            return None
        _audit_logout(current_identity(), "sp")
        logout()
        session["saml_logout_request"] = started.request_id
        return redirect(started.url)

    def blueprint(self) -> Blueprint:
        bp = Blueprint("auth_bundid", __name__)
        method = self

        @bp.record_once
        def _check(state: Any) -> None:
            # A production configuration with BundID switched on but incomplete must not start.
            if method.is_enabled(state.app.config):
                saml_flow.profile(METHOD, state.app)

        @bp.before_request
        def _enabled() -> Any:
            if not method.is_enabled(current_app.config):
                return saml_flow.unavailable()
            return None

        @bp.route("/anmelden/bundid")
        def start() -> Any:
            level = _level(request.args.get("level"))
            next_url = safe_next(request.args.get("next"))
            return saml_flow.start(saml_flow.profile(METHOD), level=level, next_url=next_url,
                                   display=_display(next_url),
                                   force_authn=request.args.get("neu") == "1")

        @bp.route("/saml/acs", methods=["POST"])
        def acs() -> Any:
            if saml_flow.needs_resend():
                return saml_flow.resend_page(url_for("auth_bundid.acs"))
            prof = saml_flow.profile(METHOD)
            try:
                assertion, pending = saml_flow.consume(prof)
                person = person_from_attributes(assertion.attributes, assertion.authn_contexts,
                                                assertion.name_id)
            except SamlFailure as failure:
                return saml_flow.failure_page(prof, failure, retry_url=url_for("auth.login"))
            except ValueError as exc:
                return saml_flow.failure_page(prof, SamlFailure("invalid", "attributes", str(exc)),
                                              retry_url=url_for("auth.login"))
            needed = int(pending.get("level") or 1)
            next_url = safe_next(pending.get("next"))
            if person.trust_level < needed:
                too_low = SamlFailure("level", "level_too_low",
                                      f"asserted {person.trust_level}, needed {needed}",
                                      in_response_to=assertion.in_response_to,
                                      response_id=assertion.response_id)
                retry = url_for("auth_bundid.start", level=needed, next=next_url, neu=1)
                return saml_flow.failure_page(prof, too_low, retry_url=retry, needed=needed,
                                              actual=person.trust_level)
            identity = Identity(
                method=METHOD, subject=person.subject, trust_level=person.trust_level,
                family_name=person.family_name, given_names=person.given_names,
                birth_name=person.birth_name, birth_date=person.birth_date,
                birth_place=person.birth_place, address=person.address, email=person.email,
                nationality=person.nationality, bpk2=person.bpk2,
                verified=EID_VERIFIED if person.trust_level >= 4 else ())
            response = finish_login(identity, next_url)
            session["saml_logout"] = saml_flow.logout_info(assertion)
            return response

        @bp.route("/saml/metadata")
        def metadata() -> Any:
            return saml_flow.metadata_response(METHOD)

        @bp.route("/saml/sls")
        def sls() -> Any:
            prof = saml_flow.profile(METHOD)
            outcome = saml_flow.incoming_logout(prof)
            if not isinstance(outcome, SloOutcome):
                return outcome
            if outcome.kind == "request" and outcome.ok:
                _audit_logout(current_identity(), "idp")
                logout()
                return redirect(outcome.redirect or url_for("citizen.index", signed_out=1))
            if outcome.kind == "response" and outcome.ok:
                session.pop("saml_logout_request", None)
                return redirect(url_for("citizen.index", signed_out=1))
            # Whatever failed, this browser is signed out locally (it asked to be, or the
            # message was bad): only the page differs.
            logout()
            saml_flow.record_failure(prof, SamlFailure("invalid", "logout", outcome.error or ""))
            return saml_flow.render_logout_problem()

        saml_flow.exempt_from_csrf(bp, acs)
        return bp


def _level(raw: str | None) -> int:
    try:
        return min(max(int(raw or "1"), 1), 4)
    except ValueError:
        return 1


def _display(next_url: str) -> BundIdDisplay:
    """What BundID shows on its login page: the municipality and the online service."""
    state = portal_state(current_app)
    service_id = None
    match = SERVICE_PATH.match(next_url)
    if match and state.catalog.service(match.group(1)):
        definition = state.catalog.services[match.group(1)]
        service_id = definition.leika_id or definition.id
    return BundIdDisplay(
        organization=state.catalog.municipality.name,
        online_service_id=service_id or current_app.config.get("SAML_ONLINE_SERVICE_ID"),
        lang=lang(), back_url=current_app.config.get("BASE_URL", "").rstrip("/") + next_url)


def _audit_logout(identity: Identity | None, initiated_by: str) -> None:
    if identity is None:
        return
    with portal_state(current_app).db.session() as db:
        audit.record(db, identity.subject, "logout", None, method=METHOD,
                     initiated_by=initiated_by)
        db.commit()
