"""One SAML connection (SP side + the IdP it trusts), read from configuration.

Citizens use the keys `SAML_*` (BundID); staff use `STAFF_SAML_*` (the municipality's IdP).
A staff key that is not set falls back to the citizen one, so both share the SP key pair.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit


class SamlConfigError(Exception):
    pass


@dataclass(frozen=True)
class SamlProfile:
    name: str
    base_url: str
    sp_entity_id: str
    acs_path: str
    sls_path: str
    key_file: Path
    cert_file: Path
    new_cert_file: Path | None
    idp_metadata_file: Path
    idp_metadata_url: str | None
    idp_entity_id: str | None
    idp_metadata_signing_cert_file: Path | None
    require_encrypted_assertions: bool
    want_response_signed: bool
    clock_skew: int
    request_max_age: int
    nameid_format: str
    # BundID only: `RequestedAuthnContext` with STORK levels and the akdb extension.
    request_trust_level: bool
    bundid_extension: bool
    organization_name: str
    contact_email: str

    @property
    def acs_url(self) -> str:
        return self.base_url + self.acs_path

    @property
    def sls_url(self) -> str:
        return self.base_url + self.sls_path

    def request_data(self, path: str, get: Mapping[str, Any] | None = None,
                     post: Mapping[str, Any] | None = None,
                     query_string: str | None = None) -> dict[str, Any]:
        """python3-saml's view of the request, built from the configured public URL: behind a
        TLS-terminating proxy the request itself says http and the wrong host."""
        parts = urlsplit(self.base_url)
        data: dict[str, Any] = {
            "https": "on" if parts.scheme == "https" else "off",
            "http_host": parts.netloc,
            "script_name": (parts.path.rstrip("/") + path),
            "get_data": dict(get or {}),
            "post_data": dict(post or {}),
        }
        if query_string is not None:
            # Verify redirect-binding signatures over the bytes the IdP signed (PHP IdPs
            # percent-encode differently from Python).
            data["query_string"] = query_string
            data["validate_signature_from_qs"] = True
        return data


def _get(config: Mapping[str, Any], prefix: str, key: str, fallback_prefix: str | None) -> Any:
    value = config.get(prefix + key)
    if value in (None, "") and fallback_prefix:
        value = config.get(fallback_prefix + key)
    return value


def _bool(value: Any) -> bool:
    # Keys without a typed default arrive from the environment as strings.
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def _path(value: Any, root: Path) -> Path | None:
    if value in (None, ""):
        return None
    path = Path(str(value))
    return path if path.is_absolute() else root / path


def profile_from_config(config: Mapping[str, Any], prefix: str, name: str, *, acs_path: str,
                        sls_path: str, metadata_path: str, instance_path: Path,
                        bundid: bool) -> SamlProfile:
    fallback = None if prefix == "SAML_" else "SAML_"

    def get(key: str, default: Any = None) -> Any:
        value = _get(config, prefix, key, fallback)
        return default if value in (None, "") else value

    base_url = str(get("BASE_URL") or config.get("BASE_URL") or "").rstrip("/")
    if not base_url.startswith(("https://", "http://")):
        raise SamlConfigError(f"{prefix}BASE_URL or BASE_URL must be an absolute URL")
    key_file = _path(get("SP_KEY_FILE"), instance_path)
    cert_file = _path(get("SP_CERT_FILE"), instance_path)
    metadata_file = _path(get("IDP_METADATA_FILE"), instance_path)
    if key_file is None or cert_file is None:
        raise SamlConfigError(f"{prefix}SP_KEY_FILE and {prefix}SP_CERT_FILE must be set")
    if metadata_file is None:
        raise SamlConfigError(f"{prefix}IDP_METADATA_FILE must be set")
    return SamlProfile(
        name=name, base_url=base_url,
        sp_entity_id=str(get("SP_ENTITY_ID") or base_url + metadata_path),
        acs_path=acs_path, sls_path=sls_path,
        key_file=key_file, cert_file=cert_file, new_cert_file=_path(get("SP_NEW_CERT_FILE"),
                                                                    instance_path),
        idp_metadata_file=metadata_file, idp_metadata_url=get("IDP_METADATA_URL"),
        idp_entity_id=get("IDP_ENTITY_ID"),
        idp_metadata_signing_cert_file=_path(get("IDP_METADATA_SIGNING_CERT_FILE"),
                                             instance_path),
        require_encrypted_assertions=_bool(get("REQUIRE_ENCRYPTED_ASSERTIONS", True)),
        want_response_signed=_bool(get("WANT_RESPONSE_SIGNED", False)),
        clock_skew=int(get("CLOCK_SKEW_SECONDS", 90)),
        request_max_age=int(get("REQUEST_MAX_AGE_SECONDS", 900)),
        nameid_format=str(get("NAMEID_FORMAT",
                              "urn:oasis:names:tc:SAML:2.0:nameid-format:transient")),
        request_trust_level=bundid, bundid_extension=bundid,
        organization_name=str(config.get("SAML_ORGANIZATION_NAME") or "Online-Dienste"),
        contact_email=str(config.get("SAML_CONTACT_EMAIL") or "webmaster@example.org"),
    )
