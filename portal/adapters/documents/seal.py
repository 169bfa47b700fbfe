"""PAdES seal with pyHanko, key from a PKCS#12 file or a PKCS#11 token (HSM).

A `Sealer` holds the key for the life of the process: PKCS#12 keys are decrypted once,
PKCS#11 keeps one logged-in session. With a time-stamp authority configured the seal is
PAdES B-T, otherwise B-B.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from portal.config import project_root

FIELD_NAME = "Siegel"


class SealConfigError(Exception):
    """The seal is not configured, or its key cannot be loaded."""


@dataclass(frozen=True)
class SealSettings:
    pkcs12_file: Path | None = None
    pkcs12_password: str | None = None
    pkcs11_module: str | None = None
    pkcs11_token: str | None = None
    pkcs11_key_label: str | None = None
    pkcs11_cert_label: str | None = None
    pkcs11_pin: str | None = None
    tsa_url: str | None = None
    tsa_timeout: int = 10
    trust_roots: Path | None = None

    @classmethod
    def from_config(cls, config: Mapping[str, Any], root: Path | None = None) -> SealSettings:
        """Read the SEAL_* keys; secrets come from the key itself (e.g. from the environment
        as PORTAL_SEAL_PKCS12_PASSWORD) or, preferably, from a file (`…_FILE`)."""
        base = root or project_root()
        return cls(
            pkcs12_file=resolve_path(config.get("SEAL_PKCS12_FILE"), base),
            pkcs12_password=_secret(config, "SEAL_PKCS12_PASSWORD", base),
            pkcs11_module=config.get("SEAL_PKCS11_MODULE") or None,
            pkcs11_token=config.get("SEAL_PKCS11_TOKEN_LABEL") or None,
            pkcs11_key_label=config.get("SEAL_PKCS11_KEY_LABEL") or None,
            pkcs11_cert_label=config.get("SEAL_PKCS11_CERT_LABEL") or None,
            pkcs11_pin=_secret(config, "SEAL_PKCS11_PIN", base),
            tsa_url=config.get("SEAL_TSA_URL") or None,
            tsa_timeout=int(config.get("SEAL_TSA_TIMEOUT") or 10),
            trust_roots=resolve_path(config.get("SEAL_TRUST_ROOTS"), base),
        )


def resolve_path(value: Any, base: Path) -> Path | None:
    if not value:
        return None
    path = Path(str(value))
    return path if path.is_absolute() else base / path


def _secret(config: Mapping[str, Any], key: str, base: Path) -> str | None:
    if config.get(key):
        return str(config[key])
    file = resolve_path(config.get(f"{key}_FILE"), base)
    if file is None:
        return None
    try:
        # A trailing newline from `echo secret > file` is not part of the secret.
        return file.read_text(encoding="utf-8").rstrip("\r\n")
    except OSError as exc:
        raise SealConfigError(f"{key}_FILE cannot be read: {exc}") from None


class InMemoryKeySigner(signers.SimpleSigner):
    """SimpleSigner decodes the private key from DER for every raw signature, twice per
    document (size estimate and real signature); this one keeps the decoded key."""

    def __init__(self, key: Any, cert: asn1_x509.Certificate,
                 others: list[asn1_x509.Certificate]) -> None:
        super().__init__(signing_cert=cert, signing_key=_asn1_key(key),
                         cert_registry=SimpleCertificateStore.from_certs(others))
        self._key = key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        hash_algo = get_pyca_cryptography_hash(digest_algorithm)
        if mechanism == "rsassa_pkcs1v15" and isinstance(self._key, RSAPrivateKey):
            return self._key.sign(data, PKCS1v15(), hash_algo)
        if mechanism == "ecdsa" and isinstance(self._key, EllipticCurvePrivateKey):
            return self._key.sign(data, ECDSA(hash_algo))
        return super().sign_raw(data, digest_algorithm)  # PSS and rarer keys


def load_pkcs12(path: Path, password: str | None) -> InMemoryKeySigner:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SealConfigError(f"the seal's PKCS#12 file cannot be read: {exc}") from None
    try:
        key, cert, others = pkcs12.load_key_and_certificates(
            data, password.encode() if password is not None else None)
    except ValueError:
        raise SealConfigError(f"{path}: wrong password or not a PKCS#12 file") from None
    if key is None or cert is None:
        raise SealConfigError(f"{path} holds no private key with a certificate")
    return InMemoryKeySigner(key, _asn1_cert(cert), [_asn1_cert(c) for c in others])


def _asn1_key(key: Any) -> asn1_keys.PrivateKeyInfo:
    return asn1_keys.PrivateKeyInfo.load(key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))


def _asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def load_pkcs11(settings: SealSettings) -> signers.Signer:
    # Imported here: python-pkcs11 loads only where a token is configured.
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign import pkcs11 as p11

    if not (settings.pkcs11_module and settings.pkcs11_key_label):
        raise SealConfigError("SEAL_PKCS11_MODULE and SEAL_PKCS11_KEY_LABEL are required")
    try:
        session = p11.open_pkcs11_session(
            settings.pkcs11_module, token_criteria=TokenCriteria(label=settings.pkcs11_token),
            user_pin=settings.pkcs11_pin)
    except Exception as exc:  # python-pkcs11 raises many unrelated types
        raise SealConfigError(f"PKCS#11 token cannot be opened: {exc!r}") from None
    signer = p11.PKCS11Signer(session, key_label=settings.pkcs11_key_label,
                              cert_label=settings.pkcs11_cert_label or settings.pkcs11_key_label)
    try:
        signer.signing_cert  # noqa: B018 - fetch key and certificate now: fail at start-up
    except Exception as exc:
        raise SealConfigError(f"seal key or certificate not on the token: {exc!r}") from None
    return signer


class Sealer:
    """Seals PDFs with one loaded key; safe to share between threads of one process."""

    def __init__(self, signer: signers.Signer, timestamper: TimeStamper | None = None) -> None:
        self.signer = signer
        self.timestamper = timestamper
        # PKCS#11 sessions must not be used by two threads at once; sealing takes milliseconds.
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: SealSettings) -> Sealer:
        signer: signers.Signer
        if settings.pkcs11_module:
            signer = load_pkcs11(settings)
        elif settings.pkcs12_file:
            signer = load_pkcs12(settings.pkcs12_file, settings.pkcs12_password)
        else:
            raise SealConfigError(
                "no seal key: set SEAL_PKCS12_FILE or SEAL_PKCS11_MODULE "
                "(for development: flask seal init-dev)")
        timestamper = (HTTPTimeStamper(settings.tsa_url, timeout=settings.tsa_timeout)
                       if settings.tsa_url else None)
        return cls(signer, timestamper)

    @property
    def producer(self) -> str:
        """What pyHanko writes as the XMP producer when it seals; the renderer writes the
        same into the Info dictionary, so that both agree in the sealed file."""
        from pyhanko.pdf_utils.metadata.model import VENDOR
        return str(VENDOR)

    @property
    def level(self) -> str:
        return "PAdES B-T" if self.timestamper else "PAdES B-B"

    def certificate(self) -> asn1_x509.Certificate:
        with self._lock:  # a PKCS#11 signer fetches it from the token on first use
            cert = self.signer.signing_cert
        if cert is None:
            raise SealConfigError("the seal key has no certificate")
        return cert

    def holder(self) -> str:
        """The seal's name as people read it: the certificate's common name."""
        subject = self.certificate().subject
        return str(subject.native.get("common_name") or subject.human_friendly)

    def seal(self, pdf: bytes) -> bytes:
        meta = signers.PdfSignatureMetadata(
            field_name=FIELD_NAME, md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
            # Only the signature-time-stamp: validation data (B-LT) is added at archiving.
            embed_validation_info=False, use_pades_lta=False)
        writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
        pdf_signer = signers.PdfSigner(
            meta, signer=self.signer, timestamper=self.timestamper,
            new_field_spec=fields.SigFieldSpec(FIELD_NAME))
        with self._lock:
            return pdf_signer.sign_pdf(writer).getvalue()
