"""Test data and real outside tools for the document tests (and bench/): answers that fill
every field of a definition, stored submissions, poppler, an NSS trust store, a SoftHSM token
and an OpenSSL time-stamp authority on a free loopback port."""

from __future__ import annotations

import hashlib
import http.server
import os
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from portal.adapters.db.models import Draft, Submission, Upload
from portal.adapters.documents.pki import DevPki, Issued, issue
from portal.definitions.fees import compute_fee
from portal.definitions.fields import SUBFIELDS
from portal.definitions.loader import Catalog
from portal.definitions.model import Condition, FieldDef, FieldType, ServiceDefinition
from portal.services.users import user_for_identity
from portal.web.auth.dev import identity_for
from tests.factories import ABROAD, PDF, PNG

UMLAUTS = "Grüße aus Goslar: „Bello“ ‚Öl‘ für 132,00 € – Straße"
ADDRESS = {"street": "Bäckerstraße", "house_number": "12a", "addition": "Hinterhaus, 2. OG",
           "postcode": "38640", "town": "Goslar"}
NAME = {"family_name": "Müller-Lüdenscheidt", "given_names": "Jürgen Ömer",
        "birth_name": "Weiß"}
SUBMITTED_AT = datetime(2026, 11, 20, 13, 45, 12, tzinfo=UTC)
MODULE = "/usr/lib/softhsm/libsofthsm2.so"  # Debian softhsm2 (multiarch link)


@dataclass
class Filled:
    answers: dict[str, Any]
    files: dict[str, tuple[str, bytes, str]]  # field path -> (filename, content, MIME type)
    wanted: dict[str, set[Any]] = field(default_factory=dict)  # values conditions look for


def _wanted(service: ServiceDefinition) -> dict[str, set[Any]]:
    out: dict[str, set[Any]] = {}

    def visit(cond: Condition | None) -> None:
        if cond is None:
            return
        for sub in (cond.all or []) + (cond.any or []):
            visit(sub)
        if cond.field:
            values = [cond.equals] if cond.equals is not None else list(cond.in_ or [])
            out.setdefault(cond.field, set()).update(v for v in values if isinstance(v, str))

    for f in service.all_fields():
        for child in [f, *(f.fields or [])]:
            visit(child.visible_if)
    return out


def value_for(f: FieldDef, catalog: Catalog, path: str, filled: Filled, today: date,
              long_text: str | None) -> Any:
    """A valid, display-worthy answer for any field type; files are recorded for upload."""
    t = f.type
    if t in SUBFIELDS:
        return {FieldType.ADDRESS: ADDRESS, FieldType.ADDRESS_ABROAD: ABROAD,
                FieldType.PERSON_NAME: NAME}[t]
    if t == FieldType.FILE:
        name, content, mime = (f"Nachweis {path}.pdf", PDF, "application/pdf") \
            if len(filled.files) % 2 == 0 else (f"Foto {path}.png", PNG, "image/png")
        filled.files[path] = (name, content, mime)
        return {"upload_id": path, "filename": name, "content_type": mime, "size": len(content)}
    if t in (FieldType.CHOICE, FieldType.MULTI_CHOICE):
        codes = [o.code for o in f.options] if f.options else catalog.codelists[str(f.codelist)].codes()
        # Prefer a code another field's condition waits for, so conditional fields show too.
        codes = sorted(codes, key=lambda c: c not in filled.wanted.get(f.id, ()))
        return codes[:2] if t == FieldType.MULTI_CHOICE else codes[0]
    return {
        FieldType.TEXT: UMLAUTS[:f.limit],
        FieldType.TEXTAREA: long_text or f"{UMLAUTS}\nZweite Zeile: ß ẞ ä ö ü",
        FieldType.NUMBER: int(f.min) if f.min is not None else 1,
        FieldType.MONEY: "1234.50",
        FieldType.DATE: (date(1988, 5, 15) if "birth" in f.id
                         else today - timedelta(days=3)).isoformat(),
        FieldType.YES_NO: True,
        FieldType.EMAIL: "erika@example.org",
        FieldType.PHONE: "05321 704-0",
        FieldType.IBAN: "DE02120300000000202051",
        FieldType.POSTCODE: "38640",
        FieldType.VEHICLE_REGISTRATION: "GS-AB 123",
        FieldType.MICROCHIP: "276098100123456",
    }[t]


def fill(service: ServiceDefinition, catalog: Catalog, *, items: int = 2,
         long_text: str | None = None, today: date = date(2026, 11, 20)) -> Filled:
    """Every field of every step, groups with `items` entries (within the group's limits)."""
    filled = Filled({}, {}, _wanted(service))
    for f in service.all_fields():
        if f.type == FieldType.GROUP:
            assert f.fields is not None and f.repeat is not None
            count = max(f.repeat.min, min(items, f.repeat.max))
            filled.answers[f.id] = [
                {c.id: value_for(c, catalog, f"{f.id}.{i}.{c.id}", filled, today, long_text)
                 for c in f.fields} for i in range(count)]
        else:
            filled.answers[f.id] = value_for(f, catalog, f.id, filled, today, long_text)
    return filled


def store_submission(session: Session, catalog: Catalog, service: ServiceDefinition,
                     filled: Filled, reference: str, *, channel: str = "online", level: int = 4,
                     persona: str = "erika", auth_method: str = "dev") -> Submission:
    """A submission as `submit` leaves it, with its uploads (real rows, no validation)."""
    user = user_for_identity(session, identity_for(persona, level))
    draft = Draft(user_id=user.id, service_id=service.id, service_version=service.version,
                  answers=filled.answers, channel=channel)
    session.add(draft)
    session.flush()
    submission = Submission(
        reference=reference, draft_id=draft.id, user_id=user.id, service_id=service.id,
        service_version=service.version, department=service.department,
        answers=_with_upload_ids(filled.answers, {}),
        fee=compute_fee(service.fee, filled.answers, catalog.municipality).to_json(),
        channel=channel, auth_method=auth_method, trust_level=level,
        submitted_at=SUBMITTED_AT)
    session.add(submission)
    session.flush()
    ids: dict[str, str] = {}
    for path, (name, content, mime) in filled.files.items():
        upload = Upload(user_id=user.id, draft_id=draft.id, submission_id=submission.id,
                        field_path=path, filename=name, content_type=mime, size=len(content),
                        sha256=hashlib.sha256(content).hexdigest(), content=content)
        session.add(upload)
        session.flush()
        ids[path] = upload.id
    submission.answers = _with_upload_ids(filled.answers, ids)
    draft.submission_id = submission.id
    session.flush()
    return submission


def _with_upload_ids(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, dict):
        if "upload_id" in value:
            return {**value, "upload_id": ids.get(value["upload_id"], value["upload_id"])}
        return {k: _with_upload_ids(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_upload_ids(v, ids) for v in value]
    return value


def xoev_xml(reference: str) -> bytes:
    """Stands in for the XÖV message (another issue builds it); byte-exactness is the point."""
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<antrag xmlns="urn:example:portal:test"'
            f' aktenzeichen="{reference}">\n  <name>Jürgen Ömer Müller-Lüdenscheidt</name>\n'
            f"  <strasse>Bäckerstraße 12a</strasse>\n</antrag>\n").encode()


def run(*args: str | Path, check: bool = True, env: dict[str, str] | None = None) -> str:
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True,
                            check=False, env=env, timeout=60)
    if check and result.returncode != 0:
        raise AssertionError(f"{args[0]} failed ({result.returncode}): {result.stderr}")
    return result.stdout + result.stderr


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def nss_db(directory: Path, ca_pem: Path) -> str:
    """An NSS database that trusts exactly the test CA, as `pdfsig -nssdir` wants it."""
    directory.mkdir(parents=True, exist_ok=True)
    run("certutil", "-N", "-d", f"sql:{directory}", "--empty-password")
    run("certutil", "-A", "-d", f"sql:{directory}", "-n", "test-ca", "-t", "CT,C,C", "-i", ca_pem)
    return f"sql:{directory}"


def pdfsig(pdf: Path, nssdir: str) -> str:
    return run("pdfsig", "-nssdir", nssdir, pdf, check=False)


def tamper(data: bytes) -> bytes:
    """Change one byte inside the signed range without breaking the file's structure: a byte
    in the middle of the first stream's data (the PDF still parses, only the content differs)."""
    start = data.index(b"stream\n") + len(b"stream\n")
    end = data.index(b"endstream", start)
    changed = bytearray(data)
    changed[(start + end) // 2] ^= 0x01
    return bytes(changed)


@contextmanager
def softhsm_token(directory: Path, pki: DevPki, label: str = "portal-seal",
                  pin: str = "1234") -> Iterator[dict[str, str]]:
    """A SoftHSM2 token in its own directory holding the seal key and certificate."""
    import pkcs11
    from cryptography.hazmat.primitives import serialization
    from pkcs11.util.rsa import decode_rsa_private_key

    tokens = directory / "tokens"
    tokens.mkdir(parents=True)
    conf = directory / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\n"
                    "log.level = ERROR\n")
    old = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    try:
        run("softhsm2-util", "--init-token", "--free", "--label", label, "--so-pin", "987654",
            "--pin", pin)
        lib = pkcs11.lib(MODULE)
        token = lib.get_token(token_label=label)
        with token.open(rw=True, user_pin=pin) as session:
            key_der = pki.seal.key.private_bytes(serialization.Encoding.DER,
                                                 serialization.PrivateFormat.TraditionalOpenSSL,
                                                 serialization.NoEncryption())
            session.create_object({**decode_rsa_private_key(key_der),
                                   pkcs11.Attribute.LABEL: "seal",
                                   pkcs11.Attribute.ID: b"\x01", pkcs11.Attribute.TOKEN: True,
                                   pkcs11.Attribute.PRIVATE: True, pkcs11.Attribute.SIGN: True,
                                   pkcs11.Attribute.SENSITIVE: True})
            session.create_object(_cert_attrs(pki.seal, pkcs11))
        yield {"SEAL_PKCS11_MODULE": MODULE, "SEAL_PKCS11_TOKEN_LABEL": label,
               "SEAL_PKCS11_KEY_LABEL": "seal", "SEAL_PKCS11_PIN": pin}
    finally:
        if old is None:
            os.environ.pop("SOFTHSM2_CONF", None)
        else:
            os.environ["SOFTHSM2_CONF"] = old


def _cert_attrs(seal: Issued, pkcs11: Any) -> dict[Any, Any]:
    from cryptography.hazmat.primitives import serialization

    return {
        pkcs11.Attribute.CLASS: pkcs11.ObjectClass.CERTIFICATE,
        pkcs11.Attribute.CERTIFICATE_TYPE: pkcs11.CertificateType.X_509,
        pkcs11.Attribute.TOKEN: True, pkcs11.Attribute.LABEL: "seal",
        pkcs11.Attribute.ID: b"\x01",
        pkcs11.Attribute.SUBJECT: seal.cert.subject.public_bytes(),
        pkcs11.Attribute.ISSUER: seal.cert.issuer.public_bytes(),
        pkcs11.Attribute.SERIAL_NUMBER: seal.cert.serial_number.to_bytes(20, "big").lstrip(b"\0"),
        pkcs11.Attribute.VALUE: seal.cert.public_bytes(serialization.Encoding.DER),
    }


class LocalTsa:
    """An RFC 3161 time-stamp authority: OpenSSL's `ts -reply` behind a loopback HTTP server
    on a port the OS picks (so parallel test workers never collide)."""

    def __init__(self, directory: Path, pki: DevPki) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        tsa: Issued = issue(pki.ca, "Test-Zeitstempeldienst", "Stadt Goslar", timestamping=True)
        (directory / "tsa.pem").write_bytes(tsa.cert_pem())
        (directory / "tsa.key").write_bytes(tsa.key_pem())
        (directory / "serial").write_text("01\n")
        (directory / "ts.cnf").write_text(TSA_CONFIG.format(dir=directory, ca=pki.ca_file))
        self.directory, self.requests = directory, 0
        self._lock = threading.Lock()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/tsa"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LocalTsa:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def reply(self, query: bytes) -> bytes:
        with self._lock:
            self.requests += 1
            (self.directory / "query.tsq").write_bytes(query)
            run("openssl", "ts", "-reply", "-config", self.directory / "ts.cnf",
                "-queryfile", self.directory / "query.tsq", "-out", self.directory / "reply.tsr")
            return (self.directory / "reply.tsr").read_bytes()

    def _handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        tsa = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # the name http.server calls
                body = tsa.reply(self.rfile.read(int(self.headers["Content-Length"])))
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: Any) -> None:
                pass

        return Handler


TSA_CONFIG = """\
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = {dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.pem
certs = {ca}
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""
