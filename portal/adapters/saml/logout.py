"""Single logout over the HTTP-Redirect binding, SP- and IdP-initiated (python3-saml)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from onelogin.saml2.auth import OneLogin_Saml2_Auth
from onelogin.saml2.settings import OneLogin_Saml2_Settings

from portal.adapters.saml.profile import SamlProfile


@dataclass(frozen=True)
class LogoutStart:
    url: str
    request_id: str


@dataclass(frozen=True)
class SloOutcome:
    kind: str  # "response" (our logout finished) | "request" (the IdP logs the user out)
    ok: bool
    redirect: str | None
    error: str | None


def start_logout(profile: SamlProfile, settings: OneLogin_Saml2_Settings, saml: dict[str, Any],
                 return_to: str) -> LogoutStart | None:
    """The signed LogoutRequest URL, or None when the IdP offers no single logout."""
    if not settings.get_idp_slo_url():
        return None
    auth = OneLogin_Saml2_Auth(profile.request_data(profile.sls_path), old_settings=settings)
    url = auth.logout(return_to=return_to, name_id=saml.get("name_id"),
                      session_index=saml.get("session_index"), nq=saml.get("name_id_nq"),
                      name_id_format=saml.get("name_id_format"), spnq=saml.get("name_id_spnq"))
    return LogoutStart(url, str(auth.get_last_request_id()))


def process_slo(profile: SamlProfile, settings: OneLogin_Saml2_Settings, args: dict[str, str],
                query_string: str, pending_request_id: str | None) -> SloOutcome:
    """Check a LogoutResponse (to our request) or a LogoutRequest (from the IdP). Both must be
    signed (the logout settings require it). The caller clears the local session."""
    kind = "response" if "SAMLResponse" in args else "request" if "SAMLRequest" in args else ""
    if not kind:
        return SloOutcome("", False, None, "no SAML logout message")
    if kind == "response" and not pending_request_id:
        return SloOutcome(kind, False, None, "logout response without a logout in progress")
    auth = OneLogin_Saml2_Auth(profile.request_data(profile.sls_path, get=args,
                                                    query_string=query_string),
                               old_settings=settings)
    try:
        redirect = auth.process_slo(keep_local_session=True, request_id=pending_request_id)
    except Exception as exc:  # unreadable message: python3-saml raises many kinds
        return SloOutcome(kind, False, None, f"{type(exc).__name__}: {exc}")
    errors = auth.get_errors()
    if errors:
        return SloOutcome(kind, False, None,
                          f"{', '.join(errors)}: {auth.get_last_error_reason() or ''}")
    return SloOutcome(kind, True, redirect, None)
