"""The browser side of a SAML login, shared by the citizen (BundID) and the staff profile:
start (auto-posted signed AuthnRequest), consume (ACS checks), failure pages with an audit
entry, and the pending-request bookkeeping in the Flask session."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, render_template, request, session
from flask_babel import gettext

from portal.adapters.saml import replay
from portal.adapters.saml.authn import BundIdDisplay, build_request
from portal.adapters.saml.keys import ensure_key_pair
from portal.adapters.saml.logout import SloOutcome, process_slo
from portal.adapters.saml.metadata import MetadataError
from portal.adapters.saml.profile import SamlConfigError, SamlProfile, profile_from_config
from portal.adapters.saml.response import SamlFailure, ValidAssertion, check_solicited, validate
from portal.adapters.saml.settings import saml_settings, sp_metadata
from portal.definitions.messages import N_
from portal.services import audit
from portal.state import portal_state

log = logging.getLogger(__name__)
MAX_PENDING = 3
PATHS = {
    "bundid": {"acs_path": "/saml/acs", "sls_path": "/saml/sls",
               "metadata_path": "/saml/metadata", "prefix": "SAML_"},
    "staff": {"acs_path": "/mitarbeiter/saml/acs", "sls_path": "/mitarbeiter/saml/sls",
              "metadata_path": "/mitarbeiter/saml/metadata", "prefix": "STAFF_SAML_"},
}


def profile(name: str, app: Flask | None = None) -> SamlProfile:
    app = app or current_app
    cache: dict[str, SamlProfile] = app.extensions.setdefault("portal_saml", {})
    if name not in cache:
        paths = PATHS[name]
        cache[name] = profile_from_config(
            app.config, paths["prefix"], name, acs_path=paths["acs_path"],
            sls_path=paths["sls_path"], metadata_path=paths["metadata_path"],
            instance_path=Path(app.instance_path), bundid=name == "bundid")
        if app.config.get("ENV_NAME") == "development":
            # The embedded default makes its own key pair; production brings its own.
            ensure_key_pair(cache[name].key_file, cache[name].cert_file, "portal-development-sp")
    return cache[name]


def _pending(name: str) -> list[dict[str, Any]]:
    all_pending = session.get("saml_pending")
    entries = all_pending.get(name) if isinstance(all_pending, dict) else None
    return [e for e in entries or [] if isinstance(e, dict)]


def _store_pending(name: str, entries: list[dict[str, Any]]) -> None:
    all_pending = dict(session.get("saml_pending") or {})
    all_pending[name] = entries[-MAX_PENDING:]
    session["saml_pending"] = all_pending


def start(prof: SamlProfile, *, level: int | None, next_url: str,
          display: BundIdDisplay | None, force_authn: bool = False) -> Any:
    """Render the page that posts the signed AuthnRequest to the IdP."""
    try:
        settings = saml_settings(prof)
    except (MetadataError, OSError, ValueError) as exc:
        log.error("SAML %s not usable: %s", prof.name, exc)
        return unavailable()
    signed = build_request(settings, level=level, display=display, force_authn=force_authn)
    now = time.time()
    # Several tabs may each start a login; keep the last few, drop the stale ones.
    entries = [e for e in _pending(prof.name) if now - float(e.get("at", 0)) < prof.request_max_age]
    entries.append({"id": signed.id, "level": level, "next": next_url, "at": now})
    _store_pending(prof.name, entries)
    return render_template("auth/saml_post.html", action=signed.destination,
                           fields={"SAMLRequest": signed.saml_request}), 200


def needs_resend() -> bool:
    """The session cookie is SameSite=Lax, so the IdP's cross-site POST arrives without it.
    The ACS then posts the same form to itself once (a same-site request carries the cookie)
    instead of weakening the cookie for the whole portal."""
    return (current_app.config["SESSION_COOKIE_NAME"] not in request.cookies
            and request.form.get("resent") != "1")


def resend_page(action: str) -> Any:
    fields = {k: v for k, v in request.form.items() if k in ("SAMLResponse", "RelayState")}
    fields["resent"] = "1"
    return render_template("auth/saml_post.html", action=action, fields=fields, resend=True), 200


def consume(prof: SamlProfile) -> tuple[ValidAssertion, dict[str, Any]]:
    """All checks of an incoming response; raises `SamlFailure`."""
    try:
        settings = saml_settings(prof)
    except (MetadataError, OSError, ValueError) as exc:
        raise SamlFailure("unavailable", "configuration", str(exc)) from exc
    assertion = validate(prof, settings, request.form.get("SAMLResponse", ""))
    state = portal_state(current_app)
    with state.db.session() as db:
        try:
            replay.remember(db, prof.name, assertion.ids(), assertion.expires_at)
        except replay.ReplayDetected as exc:
            raise SamlFailure("replay", "replay", str(exc), in_response_to=assertion.in_response_to,
                              response_id=assertion.response_id) from exc
    entries = _pending(prof.name)
    now = time.time()
    live = {str(e["id"]): e for e in entries
            if now - float(e.get("at", 0)) < prof.request_max_age + prof.clock_skew}
    try:
        matched = check_solicited(assertion, set(live))
    except SamlFailure as failure:
        failure.response_id = assertion.response_id
        raise
    # One response per request: the matched id is spent.
    _store_pending(prof.name, [e for e in entries if e.get("id") != matched])
    return assertion, live[matched]


def record_failure(prof: SamlProfile, failure: SamlFailure) -> None:
    state = portal_state(current_app)
    with state.db.session() as db:
        audit.record(db, f"{prof.name}:anonymous", "login.refused", None, method=prof.name,
                     kind=failure.kind, reason=failure.reason, detail=failure.detail,
                     response_id=failure.response_id, in_response_to=failure.in_response_to)
        db.commit()
    log.warning("SAML %s login refused: %s/%s %s", prof.name, failure.kind, failure.reason,
                failure.detail)


FAILURE_TEXTS = {
    "cancelled": (N_("Anmeldung abgebrochen"),
                  N_("Die Anmeldung wurde abgebrochen. Es wurden keine Daten übermittelt. Sie können "
                  "es jederzeit erneut versuchen.")),
    "level": (N_("Vertrauensniveau nicht ausreichend"),
              N_("Die Anmeldung hat nicht das nötige Vertrauensniveau erreicht.")),
    "replay": (N_("Anmeldung bereits verwendet"),
               N_("Diese Anmeldeantwort wurde schon einmal verwendet und gilt deshalb nicht mehr. "
               "Bitte melden Sie sich neu an.")),
    "unsolicited": (N_("Anmeldung nicht angefordert"),
                    N_("Diese Anmeldung wurde nicht über dieses Portal gestartet. Bitte starten Sie "
                    "die Anmeldung hier im Portal.")),
    "in_response_to": (N_("Anmeldung passt nicht zu Ihrer Sitzung"),
                       N_("Die Antwort gehört zu keiner Anmeldung, die in diesem Browser gestartet "
                       "wurde, oder die Anmeldung hat zu lange gedauert. Bitte melden Sie sich "
                       "neu an.")),
    "invalid": (N_("Anmeldung konnte nicht geprüft werden"),
                N_("Die Antwort des Anmeldedienstes war nicht gültig und wurde aus Sicherheitsgründen "
                "abgelehnt. Bitte melden Sie sich neu an.")),
    "idp_error": (N_("Anmeldung fehlgeschlagen"),
                  N_("Der Anmeldedienst hat die Anmeldung nicht bestätigt. Bitte versuchen Sie es "
                  "erneut.")),
    "unavailable": (N_("Anmeldung zurzeit nicht möglich"),
                    N_("Der Anmeldedienst ist zurzeit nicht erreichbar. Bitte versuchen Sie es später "
                    "erneut.")),
}


def failure_page(prof: SamlProfile, failure: SamlFailure, *, retry_url: str | None,
                 needed: int | None = None, actual: int | None = None) -> Any:
    record_failure(prof, failure)
    title, text = FAILURE_TEXTS.get(failure.kind, FAILURE_TEXTS["invalid"])
    status = 403 if failure.kind == "level" else 400 if failure.kind != "cancelled" else 200
    return render_template("auth/saml_failure.html", kind=failure.kind, title=gettext(title),
                           text=gettext(text), retry_url=retry_url, needed=needed,
                           actual=actual), status


def unavailable() -> Any:
    title, text = FAILURE_TEXTS["unavailable"]
    return render_template("auth/saml_failure.html", kind="unavailable", title=gettext(title),
                           text=gettext(text), retry_url=None, needed=None, actual=None), 503


def metadata_response(name: str) -> Any:
    """The SP's signed metadata for one profile (citizens' BundID or the staff IdP)."""
    try:
        xml = sp_metadata(profile(name))
    except (SamlConfigError, OSError, ValueError):
        return unavailable()
    return Response(xml, mimetype="application/samlmetadata+xml")


def incoming_logout(prof: SamlProfile) -> SloOutcome | Response:
    """Check a LogoutRequest/LogoutResponse that reached the SLS: the outcome, or the
    "unavailable" page when the IdP's settings cannot be loaded."""
    try:
        settings = saml_settings(prof, for_logout=True)
    except (MetadataError, OSError, ValueError):
        return unavailable()
    pending = session.get("saml_logout_request")
    return process_slo(prof, settings, request.args.to_dict(),
                       request.query_string.decode("latin-1"),
                       pending if isinstance(pending, str) else None)


def logout_info(assertion: ValidAssertion) -> dict[str, Any]:
    """What single logout needs later, kept in the session beside the identity."""
    return {"name_id": assertion.name_id, "name_id_format": assertion.name_id_format,
            "name_id_nq": assertion.name_id_nq, "name_id_spnq": assertion.name_id_spnq,
            "session_index": assertion.session_index}


def exempt_from_csrf(bp: Any, view: Any) -> None:
    """The IdP posts to the ACS without the portal's CSRF token; the SAML checks (signature,
    InResponseTo bound to this session, replay store) protect it instead."""
    bp.record_once(lambda state: state.app.extensions["csrf"].exempt(view))


def render_logout_problem() -> Any:
    return render_template("auth/saml_failure.html", kind="logout",
                           title=gettext("Abmeldung beim Anmeldedienst nicht bestätigt"),
                           text=gettext("Sie sind im Portal abgemeldet. Der Anmeldedienst hat die "
                                        "Abmeldung nicht bestätigt; schließen Sie zur Sicherheit "
                                        "den Browser."),
                           retry_url=None, needed=None, actual=None), 400
