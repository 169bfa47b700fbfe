"""IdP metadata: read from the configured file, checked, refreshed from the configured URL.

IdPs rotate their signing keys and announce it in their metadata. `flask saml
refresh-metadata` (run by cron) fetches the new copy, checks it and only then replaces the
file; running workers notice the new file by its modification time. A copy that is past its
`validUntil` or whose certificates have expired is reported loudly (log, CLI exit code)
instead of letting logins fail without a hint.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from onelogin.saml2.constants import OneLogin_Saml2_Constants as C
from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser
from onelogin.saml2.utils import OneLogin_Saml2_Utils
from onelogin.saml2.xml_utils import OneLogin_Saml2_XML

from portal.adapters.saml.keys import certificate_not_after

log = logging.getLogger(__name__)
MAX_METADATA_BYTES = 5 * 1024 * 1024
WARN_BEFORE = timedelta(days=30)


class MetadataError(Exception):
    pass


@dataclass(frozen=True)
class IdpMetadata:
    entity_id: str
    idp: dict[str, Any]
    valid_until: datetime | None
    cert_expiry: list[datetime] = field(default_factory=list)

    def problems(self, at: datetime | None = None) -> list[str]:
        """Reasons this copy may no longer work; empty when it is fine."""
        moment = at or datetime.now(UTC)
        found = []
        if self.valid_until is not None and self.valid_until <= moment:
            found.append(f"metadata expired at {self.valid_until.isoformat()} (validUntil)")
        if self.cert_expiry and all(e <= moment for e in self.cert_expiry):
            found.append("every signing certificate of the IdP has expired")
        return found

    def warnings(self, at: datetime | None = None) -> list[str]:
        moment = at or datetime.now(UTC)
        found = []
        if self.valid_until is not None and moment < self.valid_until <= moment + WARN_BEFORE:
            found.append(f"metadata expires at {self.valid_until.isoformat()}")
        found += [f"an IdP signing certificate expires at {e.isoformat()}"
                  for e in self.cert_expiry if moment < e <= moment + WARN_BEFORE]
        return found


def parse_idp_metadata(xml: bytes, entity_id: str | None = None,
                       signing_cert: str | None = None) -> IdpMetadata:
    try:
        root = OneLogin_Saml2_XML.to_etree(xml)
    except Exception as exc:
        raise MetadataError(f"not well-formed XML: {exc}") from exc
    if signing_cert is not None and not OneLogin_Saml2_Utils.validate_metadata_sign(
            xml, signing_cert, validatecert=False):
        raise MetadataError("the metadata signature is missing or does not verify")
    try:
        parsed = OneLogin_Saml2_IdPMetadataParser.parse(
            xml, required_sso_binding=C.BINDING_HTTP_POST,
            required_slo_binding=C.BINDING_HTTP_REDIRECT, entity_id=entity_id)
    except Exception as exc:
        raise MetadataError(f"cannot be read as IdP metadata: {exc}") from exc
    idp = parsed.get("idp") or {}
    if not idp.get("entityId"):
        raise MetadataError(f"no IdP with entity id {entity_id or '(any)'}")
    if not (idp.get("singleSignOnService") or {}).get("url"):
        raise MetadataError("no SingleSignOnService with the HTTP-POST binding")
    certs = [idp["x509cert"]] if idp.get("x509cert") else list(
        (idp.get("x509certMulti") or {}).get("signing") or [])
    if not certs:
        raise MetadataError("no signing certificate")
    try:
        expiry = [certificate_not_after(c) for c in certs]
    except ValueError as exc:
        raise MetadataError(f"unreadable certificate: {exc}") from exc
    valid_until = None
    if root.get("validUntil"):
        try:
            valid_until = datetime.fromtimestamp(
                OneLogin_Saml2_Utils.parse_SAML_to_time(root.get("validUntil")), UTC)
        except Exception as exc:  # python3-saml raises a bare Exception here
            raise MetadataError(f"unreadable validUntil: {exc}") from exc
    return IdpMetadata(idp["entityId"], idp, valid_until, expiry)


_cache: dict[Path, tuple[tuple[float, int], IdpMetadata]] = {}
_lock = threading.Lock()


def load_idp_metadata(path: Path, entity_id: str | None = None,
                      signing_cert_file: Path | None = None) -> IdpMetadata:
    """The parsed file, re-read whenever it changed on disk (cron replaced it)."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise MetadataError(f"IdP metadata file {path} cannot be read: {exc}") from exc
    stamp = (stat.st_mtime, stat.st_size)
    with _lock:
        cached = _cache.get(path)
        if cached and cached[0] == stamp:
            return cached[1]
    signing_cert = signing_cert_file.read_text() if signing_cert_file else None
    meta = parse_idp_metadata(path.read_bytes(), entity_id, signing_cert)
    for problem in meta.problems():
        log.error("SAML IdP metadata %s: %s; run `flask saml refresh-metadata`", path, problem)
    with _lock:
        _cache[path] = (stamp, meta)
    return meta


def fetch_url(url: str, timeout: float = 20.0) -> bytes:
    if not url.startswith(("https://", "http://")):
        raise MetadataError("the metadata URL must be http(s)")
    request = urllib.request.Request(url, headers={"Accept": "application/samlmetadata+xml"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data: bytes = response.read(MAX_METADATA_BYTES + 1)
    except OSError as exc:
        raise MetadataError(f"download failed: {exc}") from exc
    if len(data) > MAX_METADATA_BYTES:
        raise MetadataError("metadata larger than 5 MB")
    return data


def refresh_metadata(path: Path, url: str, entity_id: str | None = None,
                     signing_cert_file: Path | None = None,
                     fetch: Callable[[str], bytes] = fetch_url) -> IdpMetadata:
    """Download, check, and only then replace the file atomically; on any problem the old
    copy stays and the error says why."""
    data = fetch(url)
    signing_cert = signing_cert_file.read_text() if signing_cert_file else None
    meta = parse_idp_metadata(data, entity_id, signing_cert)
    problems = meta.problems()
    if problems:
        raise MetadataError("the downloaded metadata is not usable: " + "; ".join(problems))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".idp-metadata-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return meta
