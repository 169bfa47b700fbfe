"""Checking a SAML Response at the assertion consumer.

python3-saml (strict) checks schema, signatures (and refuses SHA-1), wrapping, audience,
issuer, destination, conditions and subject confirmation. On top of that this module checks
the validity window with the portal's own, smaller clock skew, the exact Destination and
Recipient, and reads the IdP's status for a clear message. Two checks python3-saml leaves to
the SP are done by the caller with the data returned here: InResponseTo against the request
this browser started (`check_solicited`), and replays (`replay.ReplayStore`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from onelogin.saml2.constants import OneLogin_Saml2_Constants as C
from onelogin.saml2.response import OneLogin_Saml2_Response
from onelogin.saml2.settings import OneLogin_Saml2_Settings
from onelogin.saml2.utils import OneLogin_Saml2_Utils, OneLogin_Saml2_ValidationError
from onelogin.saml2.xml_utils import OneLogin_Saml2_XML

from portal.adapters.saml.profile import SamlProfile

MAX_RESPONSE_CHARS = 256 * 1024
E = OneLogin_Saml2_ValidationError
# python3-saml's error codes, grouped into the reasons the audit trail records.
REASONS = {
    E.INVALID_SIGNATURE: "signature_invalid",
    E.NO_SIGNATURE_FOUND: "signature_missing",
    E.NO_SIGNED_ASSERTION: "signature_missing",
    E.NO_SIGNED_MESSAGE: "signature_missing",
    E.DEPRECATED_SIGNATURE_METHOD: "deprecated_algorithm",
    E.DEPRECATED_DIGEST_METHOD: "deprecated_algorithm",
    E.WRONG_NUMBER_OF_ASSERTIONS: "signature_wrapping",
    E.WRONG_SIGNED_ELEMENT: "signature_wrapping",
    E.INVALID_SIGNED_ELEMENT: "signature_wrapping",
    E.UNEXPECTED_SIGNED_ELEMENTS: "signature_wrapping",
    E.DUPLICATED_ID_IN_SIGNED_ELEMENTS: "signature_wrapping",
    E.DUPLICATED_REFERENCE_IN_SIGNED_ELEMENTS: "signature_wrapping",
    E.WRONG_NUMBER_OF_SIGNATURES_IN_RESPONSE: "signature_wrapping",
    E.WRONG_NUMBER_OF_SIGNATURES_IN_ASSERTION: "signature_wrapping",
    E.ID_NOT_FOUND_IN_SIGNED_ELEMENT: "signature_wrapping",
    E.WRONG_AUDIENCE: "audience",
    E.WRONG_DESTINATION: "destination",
    E.EMPTY_DESTINATION: "destination",
    E.WRONG_ISSUER: "issuer",
    E.ASSERTION_EXPIRED: "expired",
    E.ASSERTION_TOO_EARLY: "not_yet_valid",
    E.SESSION_EXPIRED: "expired",
    E.WRONG_SUBJECTCONFIRMATION: "subject_confirmation",
    E.NO_ENCRYPTED_ASSERTION: "not_encrypted",
    E.WRONG_INRESPONSETO: "in_response_to",
    E.WRONG_NUMBER_OF_SIGNATURES: "signature_wrapping",
    E.RESPONSE_EXPIRED: "expired",
    E.INVALID_XML_FORMAT: "malformed",
}
CANCEL_STATUSES = {"urn:oasis:names:tc:SAML:2.0:status:AuthnFailed",
                   "urn:oasis:names:tc:SAML:2.0:status:RequestDenied",
                   C.STATUS_NO_PASSIVE}
LEVEL_STATUSES = {"urn:oasis:names:tc:SAML:2.0:status:NoAuthnContext"}


class SamlFailure(Exception):
    """`kind` decides the page (cancelled, level, invalid, replay, unsolicited,
    in_response_to, idp_error); `reason` is the finer cause for the audit trail."""

    def __init__(self, kind: str, reason: str, detail: str = "", *,
                 in_response_to: str | None = None, response_id: str | None = None) -> None:
        super().__init__(f"{kind}/{reason}: {detail}")
        self.kind, self.reason, self.detail = kind, reason, detail[:500]
        self.in_response_to, self.response_id = in_response_to, response_id


@dataclass(frozen=True)
class ValidAssertion:
    response_id: str
    assertion_id: str
    in_response_to: str | None
    scd_in_response_to: str | None
    name_id: str | None
    name_id_format: str | None
    name_id_nq: str | None
    name_id_spnq: str | None
    session_index: str | None
    attributes: dict[str, list[Any]]
    authn_contexts: list[str]
    expires_at: datetime

    def ids(self) -> list[str]:
        return [f"response:{self.response_id}", f"assertion:{self.assertion_id}"]


def _time(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return float(OneLogin_Saml2_Utils.parse_SAML_to_time(value))
    except Exception as exc:  # python3-saml raises a bare Exception for bad timestamps
        raise SamlFailure("invalid", "timestamp", str(exc)) from exc


def _status(document: Any) -> tuple[str | None, str | None, str | None]:
    nodes = OneLogin_Saml2_XML.query(document, "/samlp:Response/samlp:Status/samlp:StatusCode")
    if not nodes:
        return None, None, None
    sub = OneLogin_Saml2_XML.query(nodes[0], "./samlp:StatusCode")
    message = OneLogin_Saml2_XML.query(document,
                                       "/samlp:Response/samlp:Status/samlp:StatusMessage")
    return (nodes[0].get("Value"), sub[0].get("Value") if sub else None,
            OneLogin_Saml2_XML.element_text(message[0]) if message else None)


def parse(settings: OneLogin_Saml2_Settings, saml_response: str) -> OneLogin_Saml2_Response:
    if not saml_response or len(saml_response) > MAX_RESPONSE_CHARS:
        raise SamlFailure("invalid", "malformed", "empty or oversized SAMLResponse")
    try:
        return OneLogin_Saml2_Response(settings, saml_response)
    except Exception as exc:  # bad base64, bad XML, undecryptable assertion, ...
        raise SamlFailure("invalid", "malformed", f"{type(exc).__name__}: {exc}") from exc


def validate(profile: SamlProfile, settings: OneLogin_Saml2_Settings, saml_response: str,
             now: float | None = None) -> ValidAssertion:
    response = parse(settings, saml_response)
    document = response.document
    irt, response_id = document.get("InResponseTo"), document.get("ID")
    code, sub_code, message = _status(document)
    if code is not None and code != C.STATUS_SUCCESS:
        kind = ("level" if sub_code in LEVEL_STATUSES else
                "cancelled" if sub_code in CANCEL_STATUSES else "idp_error")
        raise SamlFailure(kind, "status", f"{code} {sub_code or ''} {message or ''}".strip(),
                          in_response_to=irt, response_id=response_id)
    request_data = profile.request_data(profile.acs_path, post={"SAMLResponse": saml_response})
    try:
        response.is_valid(request_data, request_id=None, raise_exceptions=True)
    except OneLogin_Saml2_ValidationError as exc:
        raise SamlFailure("invalid", REASONS.get(exc.code, "invalid"), str(exc),
                          in_response_to=irt, response_id=response_id) from exc
    except Exception as exc:
        raise SamlFailure("invalid", "invalid", f"{type(exc).__name__}: {exc}",
                          in_response_to=irt, response_id=response_id) from exc
    try:
        return _own_checks(profile, response, now if now is not None else time.time())
    except SamlFailure as failure:
        failure.in_response_to, failure.response_id = irt, response_id
        raise


def _own_checks(profile: SamlProfile, response: OneLogin_Saml2_Response,
                now: float) -> ValidAssertion:
    skew = profile.clock_skew
    document = response.document
    destination = document.get("Destination")
    if destination is not None and destination != profile.acs_url:
        raise SamlFailure("invalid", "destination", f"Destination {destination}")
    # `_query_assertion` selects the assertion the signature covers (python3-saml's own
    # anti-wrapping selector), so everything below is read from signed content only.
    assertions = response._query_assertion("")
    if len(assertions) != 1 or not assertions[0].get("ID"):
        raise SamlFailure("invalid", "signature_wrapping", "no single signed assertion")
    assertion = assertions[0]
    issued = _time(assertion.get("IssueInstant"))
    if issued is None or issued > now + skew or issued < now - profile.request_max_age - skew:
        raise SamlFailure("invalid", "expired", "IssueInstant outside the accepted window")
    conditions = response._query_assertion("/saml:Conditions")
    not_before = _time(conditions[0].get("NotBefore")) if conditions else None
    not_after = _time(conditions[0].get("NotOnOrAfter")) if conditions else None
    if not_before is not None and not_before > now + skew:
        raise SamlFailure("invalid", "not_yet_valid", "Conditions NotBefore in the future")
    if not_after is not None and not_after <= now - skew:
        raise SamlFailure("invalid", "expired", "Conditions NotOnOrAfter has passed")
    confirmations = response._query_assertion(
        "/saml:Subject/saml:SubjectConfirmation[@Method='urn:oasis:names:tc:SAML:2.0:cm:bearer']"
        "/saml:SubjectConfirmationData")
    if len(confirmations) != 1:
        raise SamlFailure("invalid", "subject_confirmation", "not exactly one bearer confirmation")
    scd = confirmations[0]
    if scd.get("Recipient") != profile.acs_url:
        raise SamlFailure("invalid", "recipient", f"Recipient {scd.get('Recipient')}")
    scd_after = _time(scd.get("NotOnOrAfter"))
    if scd_after is None or scd_after <= now - skew:
        raise SamlFailure("invalid", "expired", "SubjectConfirmationData NotOnOrAfter")
    try:
        name_id = response.get_nameid_data()
        attributes = response.get_attributes()
    except Exception as exc:
        raise SamlFailure("invalid", "attributes", str(exc)) from exc
    # Remember the ids until every time in the assertion has passed (plus skew): after that
    # the validity checks above refuse the response anyway.
    expiry = max(t for t in (not_after, scd_after, issued + profile.request_max_age) if t)
    return ValidAssertion(
        response_id=str(document.get("ID")), assertion_id=str(assertion.get("ID")),
        in_response_to=document.get("InResponseTo"), scd_in_response_to=scd.get("InResponseTo"),
        name_id=name_id.get("Value"), name_id_format=name_id.get("Format"),
        name_id_nq=name_id.get("NameQualifier"), name_id_spnq=name_id.get("SPNameQualifier"),
        session_index=response.get_session_index(), attributes=attributes,
        authn_contexts=[c for c in response.get_authn_contexts() if c],
        expires_at=datetime.fromtimestamp(expiry + skew, UTC))


def check_solicited(assertion: ValidAssertion, pending: set[str]) -> str:
    """InResponseTo must name a request this browser session started; both the Response and
    the (signed) SubjectConfirmationData must agree. Returns the matched request id."""
    # Only the signed SubjectConfirmationData counts (Web SSO profile: a solicited assertion
    # carries the request id there); an unsigned Response's attribute could be forged.
    if not assertion.scd_in_response_to:
        raise SamlFailure("unsolicited", "unsolicited", "assertion without signed InResponseTo")
    irt = assertion.scd_in_response_to
    if assertion.in_response_to and assertion.in_response_to != irt:
        raise SamlFailure("in_response_to", "in_response_to",
                          "Response and SubjectConfirmationData disagree")
    if irt not in pending:
        raise SamlFailure("in_response_to", "in_response_to",
                          "InResponseTo names no request of this session")
    return str(irt)
