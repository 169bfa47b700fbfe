"""`flask seal init-dev` and `flask seal verify FILE` through Flask's CLI runner."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from portal.adapters.documents.render import PdfRenderer
from portal.adapters.documents.seal import Sealer, SealSettings
from tests.adapters.documents.support import tamper, write

HTML = ("<html lang='de'><head><meta charset='utf-8'><title>CLI</title><style>html "
        "{ font-family: 'Noto Sans'; }</style></head><body><p>Prüfung</p></body></html>")


def test_init_dev_then_verify_good_and_changed_files(app: Flask, runner: Any,
                                                     tmp_path: Path) -> None:
    seal_dir = tmp_path / "seal"
    app.config.update(SEAL_DEV_DIR=str(seal_dir), SEAL_PKCS12_FILE=str(seal_dir / "seal.p12"),
                      SEAL_PKCS12_PASSWORD_FILE=str(seal_dir / "seal-password.txt"),
                      SEAL_TRUST_ROOTS=str(seal_dir / "dev-ca.pem"))
    created = runner.invoke(args=["seal", "init-dev"])
    assert created.exit_code == 0, created.output
    assert "seal.p12" in created.output
    assert (seal_dir / "seal-password.txt").stat().st_mode & 0o077 == 0  # secret: owner only
    p12 = (seal_dir / "seal.p12").read_bytes()
    again = runner.invoke(args=["seal", "init-dev"])
    assert "besteht bereits" in again.output
    assert (seal_dir / "seal.p12").read_bytes() == p12  # kept without --force

    sealer = Sealer.from_settings(SealSettings.from_config(app.config))
    sealed = write(tmp_path / "ok.pdf", sealer.seal(PdfRenderer().render(HTML)))
    good = runner.invoke(args=["seal", "verify", str(sealed)])
    assert good.exit_code == 0, good.output
    assert "Stadt Goslar – Elektronisches Siegel (Entwicklung)" in good.output
    assert "Vertrauenswürdig: ja" in good.output and "gültig" in good.output

    changed = write(tmp_path / "changed.pdf", tamper(sealed.read_bytes()))
    bad = runner.invoke(args=["seal", "verify", str(changed)])
    assert bad.exit_code == 1
    assert "UNGÜLTIG" in bad.output and "verändert" in bad.output

    app.config["SEAL_TRUST_ROOTS"] = None
    untrusted = runner.invoke(args=["seal", "verify", str(sealed)])
    assert untrusted.exit_code == 1 and "keine Wurzelzertifikate" in untrusted.output


def test_clerk_seal_report_shows_holder_and_problems(app: Flask, tmp_path: Path) -> None:
    from flask import render_template_string

    from portal.adapters.documents.pki import make_dev_pki
    from portal.adapters.documents.verify import load_trust_roots, verify_pdf

    pki = make_dev_pki(tmp_path / "seal", "Stadt Goslar")
    sealer = Sealer.from_settings(SealSettings.from_config(
        {"SEAL_PKCS12_FILE": str(pki.pkcs12_file),
         "SEAL_PKCS12_PASSWORD_FILE": str(pki.password_file)}))
    sealed = sealer.seal(PdfRenderer().render(HTML))
    page = '{% import "documents/seal_report.html" as sr %}{{ sr.seal_report(report) }}'
    with app.test_request_context("/"):
        good = render_template_string(page, report=verify_pdf(sealed, load_trust_roots(
            pki.ca_file)))
        bad = render_template_string(page, report=verify_pdf(tamper(sealed), []))
    assert "Siegel gültig" in good and "Stadt Goslar – Elektronisches Siegel" in good
    assert "kern-alert--success" in good and "PAdES B-B" in good
    assert "Siegel nicht gültig" in bad and "verändert" in bad and "kern-alert--danger" in bad
