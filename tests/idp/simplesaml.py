"""A real SAML IdP for the tests: Debian's SimpleSAMLphp under `php -S`, configured like
BundID (attributes as `urn:oid:` names, STORK-QAA levels as AuthnContextClassRef, signed and
encrypted assertions, signed AuthnRequests required). Each test session (xdist worker) writes
its own config into a tmp dir and starts its own server on a free port."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from portal.adapters.saml import attributes as A
from portal.adapters.saml.keys import generate_key_pair

WWW = Path("/usr/share/simplesamlphp/www")
IDP_ENTITY_ID = "https://idp.test/idp"
POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
URI_FORMAT = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri"
TRANSIENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"
CANCEL_MARKER = "urn:test:cancel"

ERIKA = {
    A.BPK2: "bPK2-erika-0001", A.GIVEN_NAME: "Erika", A.SURNAME: "Mustermann",
    A.BIRTH_NAME: "Gabler", A.BIRTH_DATE: "1964-08-12", A.PLACE_OF_BIRTH: "Berlin",
    A.NATIONALITY: "D", A.POSTAL_ADDRESS: "Bäckerstraße 12", A.POSTAL_CODE: "38640",
    A.LOCALITY: "Goslar", A.COUNTRY: "D", A.MAIL: "erika.mustermann@example.org",
    A.QAA_LEVEL: "STORK-QAA-Level-4", A.PROVED_BY: "eID",
}
MAX = {
    A.BPK2: "bPK2-max-0002", A.GIVEN_NAME: "Max Peter", A.SURNAME: "Meier",
    A.BIRTH_DATE: "1990-03-27", A.POSTAL_ADDRESS: "Hoher Weg 5", A.POSTAL_CODE: "38640",
    A.LOCALITY: "Goslar", A.MAIL: "max.meier@example.org", A.QAA_LEVEL: "STORK-QAA-Level-3",
    A.PROVED_BY: "Elster",
}
USERS = {
    "erika": ("eid-erika", ERIKA),  # level 4, like an eID login
    "max": ("elster-max", MAX),  # level 3, like an ELSTER certificate
    "abbruch": ("abbruch", {**ERIKA, A.BPK2: "bPK2-cancel", CANCEL_MARKER: "1"}),
    "clerk": ("clerk-pass", {A.MAIL: "sachbearbeitung@goslar.example", A.GIVEN_NAME: "Sabine",
                             A.SURNAME: "Sachbearbeiterin",
                             A.QAA_LEVEL: "STORK-QAA-Level-3"}),
}

# Runs in the IdP after the password check: the level becomes the AuthnContextClassRef (as in
# BundID), and the "abbruch" user ends like a citizen pressing "Abbrechen" at BundID.
AUTHPROC = rf"""
$level = isset($attributes['{A.QAA_LEVEL}']) ? $attributes['{A.QAA_LEVEL}'][0] : 'STORK-QAA-Level-1';
$state['saml:AuthnContextClassRef'] = $level;
if (isset($attributes['{CANCEL_MARKER}'])) {{
    // Through the IdP's error handler, so the SP gets a SAML error response.
    \SimpleSAML\Auth\State::throwException($state, new \SimpleSAML\Module\saml\Error(
        \SAML2\Constants::STATUS_RESPONDER, \SAML2\Constants::STATUS_AUTHN_FAILED,
        'Anmeldung durch Nutzer abgebrochen'));
}}
unset($attributes['{CANCEL_MARKER}']);
"""


@dataclass
class SpEntry:
    entity_id: str
    acs_url: str
    sls_url: str
    cert_pem: str
    encrypt: bool = True


@dataclass
class IdpServer:
    root: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    sps: list[SpEntry] = field(default_factory=list)
    key_pem: bytes = b""
    cert_pem: bytes = b""

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def metadata_url(self) -> str:
        return f"{self.base_url}/saml2/idp/metadata.php"

    def metadata(self) -> bytes:
        response = requests.get(self.metadata_url, timeout=10)
        response.raise_for_status()
        return response.content

    def start(self) -> None:
        self.key_pem, self.cert_pem = generate_key_pair("idp.test")
        for _attempt in range(5):
            self.port = _free_port()
            self._write_config()
            log = (self.root / "php.log").open("ab")
            env = {**os.environ, "SIMPLESAMLPHP_CONFIG_DIR": str(self.root / "config")}
            self.process = subprocess.Popen(
                ["php", "-d", f"session.save_path={self.root / 'sessions'}",
                 "-d", "display_errors=0", "-S", f"127.0.0.1:{self.port}", "-t", str(WWW)],
                env=env, stdout=log, stderr=log, cwd=self.root)
            if self._wait_ready():
                return
            self.stop()
        raise RuntimeError(f"SimpleSAMLphp did not start; see {self.root / 'php.log'}")

    def _wait_ready(self) -> bool:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                return False
            try:
                if requests.get(self.metadata_url, timeout=2).status_code == 200:
                    return True
            except requests.RequestException:
                pass
            time.sleep(0.1)
        return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process = None

    def add_sp(self, sp: SpEntry) -> None:
        self.sps = [s for s in self.sps if s.entity_id != sp.entity_id] + [sp]
        if self.port:
            self._write_sp_metadata()

    def _write_config(self) -> None:
        for sub in ("config", "metadata", "cert", "log", "data", "tmp", "sessions"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        (self.root / "cert" / "idp.key").write_bytes(self.key_pem)
        (self.root / "cert" / "idp.crt").write_bytes(self.cert_pem)
        config = {
            "baseurlpath": f"{self.base_url}/",
            "certdir": f"{self.root / 'cert'}/",
            "loggingdir": f"{self.root / 'log'}/",
            "datadir": f"{self.root / 'data'}/",
            "tempdir": str(self.root / "tmp"),
            "metadatadir": f"{self.root / 'metadata'}/",
            "metadata.sources": [{"type": "flatfile",
                                  "directory": f"{self.root / 'metadata'}/"}],
            "technicalcontact_name": "Test", "technicalcontact_email": "test@example.org",
            "timezone": "Europe/Berlin", "secretsalt": os.urandom(16).hex(),
            "auth.adminpassword": os.urandom(16).hex(), "admin.protectindexpage": False,
            "admin.protectmetadata": False, "enable.saml20-idp": True,
            "logging.handler": "file", "logging.logfile": "simplesamlphp.log",
            "session.cookie.secure": False, "session.phpsession.cookiename": "TESTIDPSESSION",
            "store.type": "phpsession", "language.default": "de",
            "module.enable": {"exampleauth": True, "core": True, "saml": True},
        }
        (self.root / "config" / "config.php").write_text(
            "<?php\n$config = " + _php(config) + ";\n$config['logging.level'] = "
            "SimpleSAML\\Logger::WARNING;\n")
        users = {f"{name}:{password}": {k: [v] for k, v in attrs.items()}
                 for name, (password, attrs) in USERS.items()}
        # exampleauth:UserPass wants the class name at index 0 and the users as string keys
        # of the same PHP array.
        source = "['exampleauth:UserPass', " + ", ".join(
            f"{_php(k)} => {_php(v)}" for k, v in users.items()) + "]"
        (self.root / "config" / "authsources.php").write_text(
            f"<?php\n$config = ['bundid-test' => {source}];\n")
        idp = {
            "host": "__DEFAULT__", "privatekey": "idp.key", "certificate": "idp.crt",
            "auth": "bundid-test",
            "signature.algorithm": "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
            "saml20.sign.response": True, "saml20.sign.assertion": True,
            "assertion.encryption": True, "attributes.NameFormat": URI_FORMAT,
            "NameIDFormat": TRANSIENT, "validate.authnrequest": True,
            "redirect.sign": True, "redirect.validate": True, "sign.logout": True,
            "SingleSignOnServiceBinding": [POST, REDIRECT],
            "SingleLogoutServiceBinding": [REDIRECT],
        }
        (self.root / "metadata" / "saml20-idp-hosted.php").write_text(
            "<?php\n$metadata[" + _php(IDP_ENTITY_ID) + "] = " + _php(idp)[:-1]
            + ", 'authproc' => [10 => ['class' => 'core:PHP', 'code' => "
            + _php(AUTHPROC) + "]]];\n")
        self._write_sp_metadata()

    def _write_sp_metadata(self) -> None:
        parts = ["<?php\n"]
        for sp in self.sps:
            entry = {
                "AssertionConsumerService": [{"Binding": POST, "Location": sp.acs_url}],
                "SingleLogoutService": [{"Binding": REDIRECT, "Location": sp.sls_url}],
                "keys": [{"encryption": True, "signing": True, "type": "X509Certificate",
                          "X509Certificate": _b64_cert(sp.cert_pem)}],
                "assertion.encryption": sp.encrypt, "validate.authnrequest": True,
                "NameIDFormat": TRANSIENT, "attributes.NameFormat": URI_FORMAT,
            }
            parts.append(f"$metadata[{_php(sp.entity_id)}] = {_php(entry)};\n")
        (self.root / "metadata" / "saml20-sp-remote.php").write_text("".join(parts))


def _b64_cert(pem: str) -> str:
    return "".join(line for line in pem.strip().splitlines() if "CERTIFICATE" not in line)


def _php(value: object) -> str:
    """A PHP literal for plain data (strings via JSON escapes PHP reads the same way)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if isinstance(value, list):
        return "[" + ", ".join(_php(v) for v in value) + "]"
    if isinstance(value, dict):
        return "[" + ", ".join(f"{_php(k)} => {_php(v)}" for k, v in value.items()) + "]"
    raise TypeError(json.dumps(str(value)))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def php_available() -> bool:
    return shutil.which("php") is not None and (WWW / "saml2" / "idp" / "SSOService.php").exists()
