"""`flask` commands: forms check/schema, db upgrade, demo data."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from portal.adapters.db import migrate
from portal.adapters.documents.cli import seal_cli
from portal.definitions.loader import DefinitionError, dump_json_schema, load_catalog

forms_cli = AppGroup("forms", help="Service definitions in forms/.")
db_cli = AppGroup("db", help="Database schema (Alembic).")
demo_cli = AppGroup("demo", help="Demo data for the embedded default.")


@forms_cli.command("check")
def forms_check() -> None:
    """Load and cross-check every service definition; exit 1 on the first problem."""
    try:
        catalog = load_catalog(Path(current_app.config["FORMS_DIR"]),
                               Path(current_app.config["MUNICIPALITY_FILE"]))
    except DefinitionError as exc:
        click.echo(f"FEHLER {exc.file}\n  bei: {exc.path or '(oberste Ebene)'}\n  Grund: {exc.reason}",
                   err=True)
        sys.exit(1)
    for service in catalog.services.values():
        click.echo(f"ok  {service.id} {service.version}  ({len(service.steps)} Schritte)")
    click.echo(f"{len(catalog.services)} Leistungen, {len(catalog.codelists)} Codelisten geprüft.")


@forms_cli.command("schema")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
def forms_schema(target: Path) -> None:
    """Write the JSON Schema of the definition format (for editors)."""
    dump_json_schema(target)
    click.echo(f"JSON Schema geschrieben: {target}")


@db_cli.command("upgrade")
@click.option("--revision", default="head")
def db_upgrade(revision: str) -> None:
    migrate.upgrade(current_app.config["DATABASE_URL"], revision)
    click.echo("Datenbank ist auf dem neuesten Stand.")


@demo_cli.command("load")
def demo_load() -> None:
    """Demo citizen with a submitted application and a draft (idempotent)."""
    from portal.demo import load_demo

    click.echo(load_demo(current_app))


def register_cli(app: Flask) -> None:
    from portal.adapters.jobs.cli import delivery_cli
    from portal.adapters.xoev.cli import xoev_cli
    from portal.cli_ops import config_cli, health_cli, retention_cli, stats_cli
    from portal.web.auth.saml_cli import saml_cli
    from portal.web.staff.cli import staff_cli

    for group in (forms_cli, db_cli, demo_cli, seal_cli, saml_cli, staff_cli, delivery_cli,
                  xoev_cli, config_cli, health_cli, retention_cli, stats_cli):
        app.cli.add_command(group)
