"""`flask xoev validate FILE`: check a message file and say what is wrong in plain words."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from portal.adapters.xoev.filecheck import FileReport, check_file
from portal.adapters.xoev.schemas import load_schemas
from portal.definitions.loader import DefinitionError, load_codelists

xoev_cli = AppGroup("xoev", help="XÖV-Nachrichten (Antragsnachrichten, xdomea).")


@xoev_cli.command("validate")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def validate(file: Path) -> None:
    """Prüft eine Nachricht (XML) oder ein xdomea-Paket (ZIP) gegen die Schemata und
    Codelisten. Exit-Code 1, wenn etwas nicht stimmt."""
    try:
        codelists = load_codelists(Path(current_app.config["FORMS_DIR"]) / "codelists")
    except DefinitionError as exc:
        click.echo(f"FEHLER Codelisten: {exc}", err=True)
        sys.exit(2)
    schemas = load_schemas(Path(current_app.config["XOEV_SCHEMAS_DIR"]))
    report = check_file(file.read_bytes(), schemas, codelists)
    _print(report, file.name)
    sys.exit(0 if report.valid else 1)


def _print(report: FileReport, name: str, indent: str = "") -> None:
    if not report.problems:
        click.echo(f"{indent}GÜLTIG   {name}: {report.kind}")
    else:
        count = len(report.problems)
        click.echo(f"{indent}UNGÜLTIG {name}: {report.kind} – {count} "
                   f"{'Problem' if count == 1 else 'Probleme'}")
        for number, problem in enumerate(report.problems, 1):
            line = f"Zeile {problem.line}, " if problem.line else ""
            click.echo(f"{indent}  {number}. {line}{problem.xpath}")
            click.echo(f"{indent}     {problem.reason}")
    for part in report.parts:
        _print(part, name, indent + "  ")
