"""`flask config docs`, `flask retention run`, `flask stats export`: operation commands."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from portal.state import portal_state

config_cli = AppGroup("config", help="Einstellungen (Umgebungsvariablen).")
retention_cli = AppGroup("retention", help="Löschfristen (Art. 5 Abs. 1 lit. e DSGVO).")
stats_cli = AppGroup("stats", help="Anonyme Statistik der Anträge.")
health_cli = AppGroup("health", help="Betriebsbereitschaft.")


@health_cli.command("check")
def health_check() -> None:
    """Run the readiness checks of /readyz here, with their details; exit 1 if one fails."""
    from portal.web.ops import EXTENSION

    report = current_app.extensions[EXTENSION]["readiness"].report()
    for name, result in report.checks.items():
        click.echo(f"{'ok    ' if result.ok else 'FEHLER'} {name}: {result.detail}")
    if not report.ok:
        sys.exit(1)


@config_cli.command("docs")
@click.option("--file", "guide", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Leitfaden (Standard: docs/deployment.md unter PORTAL_ROOT).")
@click.option("--check", is_flag=True, help="Nur prüfen: Exit 1, wenn der Abschnitt veraltet ist.")
def config_docs(guide: Path | None, check: bool) -> None:
    """Write the table of settings into the deployment guide (generated from portal/config.py)."""
    from portal.config import project_root
    from portal.config_docs import render, undocumented, update

    missing = undocumented()
    if missing:
        click.echo(f"Ohne Beschreibung in portal/config.py (DESCRIPTIONS): {', '.join(missing)}",
                   err=True)
        sys.exit(1)
    path = guide or project_root() / "docs" / "deployment.md"
    if check:
        text = path.read_text(encoding="utf-8")
        if render(text) != text:
            click.echo(f"{path}: die Tabelle der Einstellungen ist veraltet; "
                       "`flask config docs` schreibt sie neu.", err=True)
            sys.exit(1)
        click.echo(f"{path}: aktuell.")
        return
    click.echo(f"{path}: {'aktualisiert' if update(path) else 'war schon aktuell'}.")


@retention_cli.command("run")
@click.option("--dry-run", is_flag=True, help="Nur zählen, was fällig ist; nichts löschen.")
def retention_run(dry_run: bool) -> None:
    """Delete (or with --dry-run count) what the services' retention periods say is due."""
    from portal.adapters.jobs.maintenance import run_retention

    report = run_retention(current_app, dry_run=dry_run)
    verb = "fällig" if dry_run else "gelöscht"
    click.echo(f"{verb}: {report.submissions} abgeschlossene Fälle, {report.drafts} Entwürfe, "
               f"{report.uploads} nicht verwendete Uploads; {report.held_back} zurückgestellt "
               "(Zustellung läuft noch).")


@stats_cli.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Datei (Standard: Standardausgabe).")
def stats_export(fmt: str, output: Path | None) -> None:
    """Counts per service, channel and month, and processing times (open data)."""
    from portal.services import statistics

    state = portal_state(current_app)
    with state.db.session() as session:
        rows = statistics.report(session, state.timezone)
    text = (statistics.to_csv(rows) if fmt == "csv"
            else statistics.to_json(rows, state.catalog.municipality.name))
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"{len(rows)} Zeilen geschrieben: {output}", err=True)
