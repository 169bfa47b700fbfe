"""A small certificate authority for development and tests: a CA, a seal certificate in a
PKCS#12 file and, on request, a time-stamping certificate.

Production seals come from a trust service provider (qualified seal, § 3a Abs. 3 Nr. 3a
VwVfG); nothing issued here is trusted outside this installation.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

# RSA 3072 is what German trust service providers issue for seals today.
KEY_BITS = 3072


@dataclass(frozen=True)
class Issued:
    key: rsa.RSAPrivateKey
    cert: x509.Certificate

    def cert_pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    def key_pem(self) -> bytes:
        return self.key.private_bytes(serialization.Encoding.PEM,
                                      serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption())


@dataclass(frozen=True)
class DevPki:
    directory: Path
    ca_file: Path
    pkcs12_file: Path
    password_file: Path
    ca: Issued
    seal: Issued


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "DE"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)


def make_ca(organisation: str, days: int = 3650) -> Issued:
    key = _key()
    name = _name(f"{organisation} Entwicklungs-CA", organisation)
    start = datetime.now(UTC) - timedelta(minutes=5)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start).not_valid_after(start + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=False, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
            encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Issued(key, cert)


def issue(ca: Issued, common_name: str, organisation: str, *, timestamping: bool = False,
          days: int = 825, key: rsa.RSAPrivateKey | None = None) -> Issued:
    """A seal certificate (non-repudiation, no EKU: NSS then accepts it for document
    signatures) or, with `timestamping`, a TSA certificate (critical EKU as RFC 3161 asks)."""
    key = key or _key()
    start = datetime.now(UTC) - timedelta(minutes=5)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, organisation)).issuer_name(ca.cert.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(start).not_valid_after(start + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=not timestamping, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
            encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()),
                       critical=False)
    )
    if timestamping:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
    return Issued(key, builder.sign(ca.key, hashes.SHA256()))


def pkcs12_bytes(seal: Issued, ca: Issued, password: bytes, friendly_name: str) -> bytes:
    return pkcs12.serialize_key_and_certificates(
        friendly_name.encode(), seal.key, seal.cert, [ca.cert],
        serialization.BestAvailableEncryption(password))


def make_dev_pki(directory: Path, organisation: str) -> DevPki:
    """Write `dev-ca.pem`, `seal.p12` and `seal-password.txt` (mode 0600) to `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    ca = make_ca(organisation)
    seal = issue(ca, f"{organisation} – Elektronisches Siegel (Entwicklung)", organisation)
    password = secrets.token_urlsafe(24)
    ca_file = directory / "dev-ca.pem"
    pkcs12_file = directory / "seal.p12"
    password_file = directory / "seal-password.txt"
    ca_file.write_bytes(ca.cert_pem())
    _write_private(password_file, password.encode() + b"\n")
    _write_private(pkcs12_file, pkcs12_bytes(seal, ca, password.encode(), "seal"))
    return DevPki(directory, ca_file, pkcs12_file, password_file, ca, seal)


def _write_private(path: Path, data: bytes) -> None:
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_bytes(data)
