"""The seal: PAdES from PKCS#12 and from a SoftHSM token, B-T with a real time-stamp server,
checked by poppler's pdfsig (NSS trust store with the test CA) and by pyHanko."""

from __future__ import annotations

from pathlib import Path

import pytest

from portal.adapters.documents.pki import DevPki, make_dev_pki
from portal.adapters.documents.render import PdfRenderer
from portal.adapters.documents.seal import SealConfigError, Sealer, SealSettings
from portal.adapters.documents.verify import (
    NO_SEAL,
    NOT_INTACT,
    NOT_TRUSTED,
    load_trust_roots,
    verify_pdf,
)
from tests.adapters.documents.support import (
    LocalTsa,
    nss_db,
    pdfsig,
    softhsm_token,
    tamper,
    write,
)

HTML = ("<html lang='de'><head><meta charset='utf-8'><title>Test</title>"
        "<style>html { font-family: 'Noto Sans'; }</style></head>"
        "<body><p>Grüße aus Goslar – 132,00 €</p></body></html>")
HOLDER = "Stadt Goslar – Elektronisches Siegel (Entwicklung)"


@pytest.fixture(scope="module")
def plain_pdf() -> bytes:
    return PdfRenderer().render(HTML)


def assert_valid(pdf: Path, nssdir: str) -> str:
    out = pdfsig(pdf, nssdir)
    assert "Signature Validation: Signature is Valid." in out, out
    assert "Certificate Validation: Certificate is Trusted." in out, out
    assert "Signature Type: ETSI.CAdES.detached" in out, out
    assert "Total document signed" in out, out
    return out


def test_pkcs12_seal_is_valid_and_trusted_for_pdfsig_and_pyhanko(
        sealer: Sealer, pki: DevPki, nssdir: str, plain_pdf: bytes, tmp_path: Path) -> None:
    sealed = sealer.seal(plain_pdf)
    out = assert_valid(write(tmp_path / "sealed.pdf", sealed), nssdir)
    assert f"Signer Certificate Common Name: {HOLDER}" in out
    report = verify_pdf(sealed, load_trust_roots(pki.ca_file))
    assert report.ok, report.problems
    assert (report.holder, report.organisation, report.level) == (HOLDER, "Stadt Goslar",
                                                                  "PAdES B-B")
    assert report.issuer == "Stadt Goslar Entwicklungs-CA"
    assert report.signed_at is not None and report.timestamp is None
    assert sealer.holder() == HOLDER


def test_a_changed_byte_is_reported_by_pdfsig_and_pyhanko(
        sealer: Sealer, pki: DevPki, nssdir: str, plain_pdf: bytes, tmp_path: Path) -> None:
    changed = tamper(sealer.seal(plain_pdf))
    out = pdfsig(write(tmp_path / "changed.pdf", changed), nssdir)
    assert "Signature is Valid." not in out
    assert "Digest Mismatch" in out or "Signature is Invalid" in out, out
    report = verify_pdf(changed, load_trust_roots(pki.ca_file))
    assert not report.ok and not report.intact
    assert NOT_INTACT in report.problems


def test_a_foreign_ca_is_intact_but_not_trusted(
        sealer: Sealer, plain_pdf: bytes, tmp_path: Path) -> None:
    other = make_dev_pki(tmp_path / "other", "Andere Stadt")
    sealed = sealer.seal(plain_pdf)
    out = pdfsig(write(tmp_path / "sealed.pdf", sealed), nss_db(tmp_path / "nss", other.ca_file))
    assert "Signature is Valid." in out and "Certificate is Trusted." not in out, out
    report = verify_pdf(sealed, load_trust_roots(other.ca_file))
    assert report.intact and not report.trusted and not report.ok
    assert report.problems == [NOT_TRUSTED]


def test_unsealed_and_broken_files_are_reported(plain_pdf: bytes) -> None:
    assert verify_pdf(plain_pdf, []).problems == [NO_SEAL]
    broken = verify_pdf(b"not a pdf at all", [])
    assert not broken.sealed and not broken.ok and broken.problems


def test_key_is_loaded_once_not_per_document(pki: DevPki, plain_pdf: bytes,
                                             tmp_path: Path) -> None:
    copy = write(tmp_path / "seal.p12", pki.pkcs12_file.read_bytes())
    sealer = Sealer.from_settings(SealSettings.from_config(
        {"SEAL_PKCS12_FILE": str(copy), "SEAL_PKCS12_PASSWORD_FILE": str(pki.password_file)}))
    copy.unlink()  # from here on only the key in memory can seal
    first, second = sealer.seal(plain_pdf), sealer.seal(plain_pdf)
    for pdf in (first, second):
        assert verify_pdf(pdf, load_trust_roots(pki.ca_file)).ok


def test_password_from_environment_key_or_file_and_wrong_password(
        pki: DevPki, tmp_path: Path) -> None:
    password = pki.password_file.read_text().strip()
    direct = SealSettings.from_config({"SEAL_PKCS12_FILE": str(pki.pkcs12_file),
                                       "SEAL_PKCS12_PASSWORD": password})
    from_file = SealSettings.from_config({"SEAL_PKCS12_FILE": "seal.p12",
                                          "SEAL_PKCS12_PASSWORD_FILE": str(pki.password_file)},
                                         root=pki.directory)
    assert direct.pkcs12_password == from_file.pkcs12_password == password
    assert from_file.pkcs12_file == pki.pkcs12_file  # relative paths: against the root
    wrong = write(tmp_path / "wrong.txt", b"falsch\n")
    with pytest.raises(SealConfigError, match="wrong password"):
        Sealer.from_settings(SealSettings.from_config(
            {"SEAL_PKCS12_FILE": str(pki.pkcs12_file), "SEAL_PKCS12_PASSWORD_FILE": str(wrong)}))
    with pytest.raises(SealConfigError, match="init-dev"):
        Sealer.from_settings(SealSettings.from_config({}))


def test_pkcs11_token_seals_valid_and_trusted(pki: DevPki, nssdir: str, plain_pdf: bytes,
                                              tmp_path: Path) -> None:
    # SoftHSM reads its configuration once per process: one token for this whole test.
    with softhsm_token(tmp_path / "hsm", pki) as config:
        with pytest.raises(SealConfigError, match="cannot be opened"):
            Sealer.from_settings(SealSettings.from_config({**config, "SEAL_PKCS11_PIN": "0000"}))
        sealer = Sealer.from_settings(SealSettings.from_config(config))
        assert sealer.holder() == HOLDER  # certificate read from the token
        first, second = sealer.seal(plain_pdf), sealer.seal(plain_pdf)  # one open session
    for number, pdf in enumerate((first, second)):
        assert_valid(write(tmp_path / f"hsm-{number}.pdf", pdf), nssdir)
        assert verify_pdf(pdf, load_trust_roots(pki.ca_file)).ok


def test_time_stamp_authority_makes_pades_b_t(pki: DevPki, nssdir: str, plain_pdf: bytes,
                                              tmp_path: Path) -> None:
    password = pki.password_file.read_text().strip()
    with LocalTsa(tmp_path / "tsa", pki) as tsa:
        sealer = Sealer.from_settings(SealSettings(
            pkcs12_file=pki.pkcs12_file, pkcs12_password=password, tsa_url=tsa.url))
        sealed = sealer.seal(plain_pdf)
        assert tsa.requests >= 1
    assert sealer.level == "PAdES B-T"
    assert_valid(write(tmp_path / "bt.pdf", sealed), nssdir)
    report = verify_pdf(sealed, load_trust_roots(pki.ca_file))
    assert report.ok, report.problems
    assert report.level == "PAdES B-T" and report.timestamp is not None
    assert report.signed_at is not None
    assert abs((report.timestamp - report.signed_at).total_seconds()) < 60

