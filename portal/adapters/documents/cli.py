"""`flask seal …`: a development seal for the embedded default, and checking a sealed PDF."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from portal.config import project_root

# The document modules pull in WeasyPrint and pyHanko (about half a second): they are imported
# inside the commands, so registering the group costs every `flask` call and worker nothing.

seal_cli = AppGroup("seal", help="Elektronisches Siegel der Dokumente.")


@seal_cli.command("init-dev")
@click.option("--force", is_flag=True, help="Vorhandene Entwicklungs-Schlüssel ersetzen.")
def init_dev(force: bool) -> None:
    """Create a development CA and seal certificate (PKCS#12) in SEAL_DEV_DIR."""
    from portal.adapters.documents.pki import make_dev_pki
    from portal.adapters.documents.seal import resolve_path

    config = current_app.config
    if config["ENV_NAME"] == "production":
        click.echo("Ein Entwicklungs-Siegel ist in Produktion nicht erlaubt.", err=True)
        sys.exit(1)
    directory = resolve_path(config["SEAL_DEV_DIR"], project_root())
    assert directory is not None
    if (directory / "seal.p12").exists() and not force:
        click.echo(f"Entwicklungs-Siegel besteht bereits in {directory} (--force ersetzt es).")
        return
    pki = make_dev_pki(directory, current_app.extensions["portal"].catalog.municipality.name)
    click.echo(f"Entwicklungs-CA:      {pki.ca_file}")
    click.echo(f"Siegel (PKCS#12):     {pki.pkcs12_file}")
    click.echo(f"Passwort-Datei:       {pki.password_file}")
    click.echo("Für andere Umgebungen: PORTAL_SEAL_PKCS12_FILE, PORTAL_SEAL_PKCS12_PASSWORD_FILE "
               "und PORTAL_SEAL_TRUST_ROOTS auf diese Dateien setzen.")


@seal_cli.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--trust-roots", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="PEM-Datei mit vertrauenswürdigen Wurzelzertifikaten (sonst SEAL_TRUST_ROOTS).")
def verify(file: Path, trust_roots: Path | None) -> None:
    """Check a sealed PDF: intact, trusted, whole document, and who sealed it (exit 1 if not)."""
    from portal.adapters.documents.compose import local_time
    from portal.adapters.documents.seal import resolve_path
    from portal.adapters.documents.verify import load_trust_roots, verify_pdf

    # Only the trust roots: checking needs no seal key (and no password file) on this machine.
    roots_file = trust_roots or resolve_path(current_app.config.get("SEAL_TRUST_ROOTS"),
                                             project_root())
    report = verify_pdf(file.read_bytes(), load_trust_roots(roots_file))
    zone = current_app.config.get("TIMEZONE", "Europe/Berlin")
    yes_no = {True: "ja", False: "NEIN"}
    lines = [("Datei", str(file)), ("Gesiegelt", yes_no[report.sealed])]
    if report.sealed:
        lines += [
            ("Unverändert", yes_no[report.intact]),
            ("Ganzes Dokument", yes_no[report.whole_file]),
            ("Vertrauenswürdig", yes_no[report.trusted]
             + ("" if roots_file else " (keine Wurzelzertifikate konfiguriert)")),
            ("Gesiegelt von", report.holder
             + (f" ({report.organisation})" if report.organisation else "")),
            ("Aussteller", report.issuer),
            ("Niveau", report.level),
        ]
        if report.signed_at:
            lines.append(("Siegelzeit", f"{local_time(report.signed_at, zone)} "
                                        "(Angabe des Siegelnden)"))
        if report.timestamp:
            lines.append(("Zeitstempel", local_time(report.timestamp, zone)))
    for label, value in lines:
        click.echo(f"{label + ':':<18}{value}")
    for problem in report.problems:
        click.echo(f"FEHLER: {problem}", err=True)
    click.echo(f"{'Ergebnis:':<18}" + ("gültig" if report.ok else "UNGÜLTIG"))
    sys.exit(0 if report.ok else 1)
