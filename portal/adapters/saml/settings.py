"""python3-saml settings for a profile, and the SP's signed metadata."""

from __future__ import annotations

from typing import Any

from onelogin.saml2.constants import OneLogin_Saml2_Constants as C
from onelogin.saml2.settings import OneLogin_Saml2_Settings

from portal.adapters.saml.metadata import IdpMetadata, load_idp_metadata
from portal.adapters.saml.profile import SamlProfile


def _security(profile: SamlProfile, *, messages_signed: bool) -> dict[str, Any]:
    return {
        "authnRequestsSigned": True,
        "logoutRequestSigned": True,
        "logoutResponseSigned": True,
        "signMetadata": True,
        "wantMessagesSigned": messages_signed,
        "wantAssertionsSigned": True,
        "wantAssertionsEncrypted": profile.require_encrypted_assertions,
        "wantNameId": True,
        "wantNameIdEncrypted": False,
        "wantAttributeStatement": True,
        "allowRepeatAttributeName": False,
        # The level is checked by the portal (minimum comparison), not by exact match.
        "requestedAuthnContext": False,
        "failOnAuthnContextMismatch": False,
        "signatureAlgorithm": C.RSA_SHA256,
        "digestAlgorithm": C.SHA256,
        # SHA-1 signatures and digests are refused, whatever the IdP sends.
        "rejectDeprecatedAlgorithm": True,
        "allowSingleLabelDomains": False,
    }


def _sp(profile: SamlProfile) -> dict[str, Any]:
    sp: dict[str, Any] = {
        "entityId": profile.sp_entity_id,
        "assertionConsumerService": {"url": profile.acs_url, "binding": C.BINDING_HTTP_POST},
        "singleLogoutService": {"url": profile.sls_url, "binding": C.BINDING_HTTP_REDIRECT},
        "NameIDFormat": profile.nameid_format,
        "x509cert": profile.cert_file.read_text(),
        "privateKey": profile.key_file.read_text(),
    }
    if profile.new_cert_file is not None:
        # Key rollover: the next certificate is published before it is used.
        sp["x509certNew"] = profile.new_cert_file.read_text()
    return sp


def idp_metadata(profile: SamlProfile) -> IdpMetadata:
    return load_idp_metadata(profile.idp_metadata_file, profile.idp_entity_id,
                             profile.idp_metadata_signing_cert_file)


def saml_settings(profile: SamlProfile, *, for_logout: bool = False) -> OneLogin_Saml2_Settings:
    """Strict settings. Logout messages must always be signed; responses to logins only when
    configured (BundID signs the assertion, which is always required)."""
    meta = idp_metadata(profile)
    data = {
        "strict": True,
        "debug": False,
        "sp": _sp(profile),
        "idp": meta.idp,
        "security": _security(profile, messages_signed=for_logout or profile.want_response_signed),
        "organization": {"de": {"name": profile.organization_name,
                                "displayname": profile.organization_name,
                                "url": profile.base_url}},
        "contactPerson": {"technical": {"givenName": profile.organization_name,
                                        "emailAddress": profile.contact_email}},
    }
    return OneLogin_Saml2_Settings(data)


def sp_metadata(profile: SamlProfile) -> bytes:
    """Signed SP metadata. The encryption key is always published (the IdP may encrypt even
    where the SP does not insist on it)."""
    security = _security(profile, messages_signed=profile.want_response_signed)
    security["wantAssertionsEncrypted"] = True
    settings = OneLogin_Saml2_Settings({
        "strict": True, "sp": _sp(profile), "security": security,
        "organization": {"de": {"name": profile.organization_name,
                                "displayname": profile.organization_name,
                                "url": profile.base_url}},
        "contactPerson": {"technical": {"givenName": profile.organization_name,
                                        "emailAddress": profile.contact_email}},
    }, sp_validation_only=True)
    metadata = settings.get_sp_metadata()
    errors = settings.validate_metadata(metadata)
    if errors:
        raise ValueError(f"SP metadata invalid: {errors}")
    return metadata if isinstance(metadata, bytes) else metadata.encode()
