"""`flask staff ...`: create, list and unlock staff accounts."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup

from portal.services import staff as staff_service
from portal.services.accounts import AccountError
from portal.state import portal_state

staff_cli = AppGroup("staff", help="Staff accounts (password + TOTP).")


@staff_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", "display_name", required=True, help="Name shown to colleagues.")
@click.option("--role", "roles", multiple=True, required=True,
              type=click.Choice(staff_service.ROLES))
@click.option("--department", "departments", multiple=True,
              help="Department id from the municipality file (repeatable).")
@click.option("--sso-only", is_flag=True, help="No password: sign-in only via the staff IdP.")
def create(email: str, display_name: str, roles: tuple[str, ...],
           departments: tuple[str, ...], sso_only: bool) -> None:
    """Create an account and print the TOTP provisioning URI (shown only once)."""
    password = None if sso_only else click.prompt("Passwort", hide_input=True,
                                                  confirmation_prompt=True)
    state = portal_state(current_app)
    known = [d.id for d in state.catalog.municipality.departments]
    with state.db.session() as db:
        try:
            account, uri = staff_service.create_staff(db, email, display_name, roles, departments,
                                                      password, known)
        except AccountError as exc:
            hints = {"department_unknown": f"bekannte Abteilungen: {', '.join(known)}",
                     "department_missing": "Sachbearbeitung braucht mindestens eine Abteilung",
                     "email_taken": "diese E-Mail-Adresse hat schon ein Konto",
                     "password_short": "das Passwort braucht mindestens 12 Zeichen"}
            click.echo(f"FEHLER: {exc.code} ({hints.get(exc.code, '')})", err=True)
            sys.exit(1)
        db.commit()
    click.echo(f"Konto angelegt: {account.email} ({', '.join(roles)})")
    click.echo("TOTP-Einrichtung (in die Authenticator-App übernehmen, nur jetzt sichtbar):")
    click.echo(uri)


@staff_cli.command("list")
def list_staff() -> None:
    with portal_state(current_app).db.session() as db:
        for account in staff_service.all_staff(db):
            roles = ",".join(r.role for r in account.roles)
            depts = ",".join(d.department for d in account.departments)
            state = "aktiv" if account.active else "deaktiviert"
            click.echo(f"{account.email}\t{roles}\t{depts}\t{state}")


@staff_cli.command("unlock")
@click.option("--email", required=True)
def unlock(email: str) -> None:
    """Lift a lock-out after too many failed sign-ins."""
    with portal_state(current_app).db.session() as db:
        try:
            staff_service.unlock(db, email, "cli")
        except AccountError:
            click.echo("FEHLER: kein Konto mit dieser E-Mail-Adresse", err=True)
            sys.exit(1)
        db.commit()
    click.echo(f"Entsperrt: {email}")
