"""The SP's key pair: configured PEM files; the embedded default generates its own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


def generate_key_pair(common_name: str, days: int = 3650) -> tuple[bytes, bytes]:
    """A self-signed RSA-3072 certificate: SAML uses certificates only as key containers,
    trust comes from exchanging metadata, so no CA is needed."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64])])
    start = datetime.now(UTC) - timedelta(minutes=5)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(start + timedelta(days=days))
            .sign(key, hashes.SHA256()))
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return key_pem, cert.public_bytes(serialization.Encoding.PEM)


def ensure_key_pair(key_file: Path, cert_file: Path, common_name: str) -> None:
    """Create the files once (development only); an existing pair is never replaced."""
    if key_file.exists() and cert_file.exists():
        return
    key_pem, cert_pem = generate_key_pair(common_name)
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key_file.write_bytes(key_pem)
    key_file.chmod(0o600)
    cert_file.write_bytes(cert_pem)


def certificate_not_after(pem: str | bytes) -> datetime:
    data = pem.encode() if isinstance(pem, str) else pem
    if b"BEGIN CERTIFICATE" not in data:
        data = b"-----BEGIN CERTIFICATE-----\n" + data.strip() + b"\n-----END CERTIFICATE-----\n"
    return x509.load_pem_x509_certificate(data).not_valid_after_utc
