"""`flask delivery …`: check the channels, run or sweep jobs by hand, see and retry terminal
failures, and manage the API clients of specialist systems."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup

from portal.adapters.jobs.wiring import runtime_of
from portal.services import api_clients, delivery

delivery_cli = AppGroup("delivery", help="Zustellung an Fachverfahren und Postfächer.")
clients_cli = AppGroup("api-client", help="Zugänge der Fachverfahren zur API.")
delivery_cli.add_command(clients_cli)


@delivery_cli.command("check")
def check() -> None:
    """Show the channels each service delivers to (the configuration was checked at start)."""
    runtime = runtime_of(current_app)
    state = current_app.extensions["portal"]
    for service_id in sorted(state.catalog.services):
        names = runtime.channels_for(service_id)
        described = [f"{n} ({runtime.channels.by_name[n].type})" for n in names]
        click.echo(f"{service_id}: {', '.join(described)}")
    click.echo(f"Ausführung: {runtime.runner}")


@delivery_cli.command("run")
def run() -> None:
    """Run every due job in this process (without a worker, e.g. from cron)."""
    from portal.adapters.jobs.tasks import run_due

    outcomes = run_due(runtime_of(current_app))
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
    click.echo(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "Nichts fällig.")


@delivery_cli.command("sweep")
def sweep() -> None:
    """Send jobs again that a broker or a worker lost."""
    from portal.adapters.jobs.tasks import sweep_lost

    click.echo(f"{sweep_lost(runtime_of(current_app))} Auftrag/Aufträge erneut eingereiht.")


@delivery_cli.command("failed")
def failed() -> None:
    """List jobs that failed for good."""
    with runtime_of(current_app).db.session() as session:
        rows = delivery.jobs(session, "failed")
        for job in rows:
            click.echo(f"{job.id}  {job.channel:<16} {job.submission_id}  {job.attempts} Versuche"
                       f"  {job.last_error or ''}"[:300])
        if not rows:
            click.echo("Keine endgültig gescheiterten Zustellungen.")


@delivery_cli.command("retry")
@click.argument("job_id")
def retry(job_id: str) -> None:
    """Give a failed job a fresh set of attempts and send it."""
    from portal.adapters.jobs.tasks import enqueue_jobs
    from portal.services.errors import NotFound

    with runtime_of(current_app).db.session() as session:
        try:
            job = delivery.retry_failed(session, job_id, "cli")
        except NotFound:
            click.echo(f"Kein gescheiterter Auftrag {job_id}.", err=True)
            sys.exit(1)
        kind = job.kind
        session.commit()
    enqueue_jobs(current_app, [job_id], kind)
    click.echo(f"Auftrag {job_id} wird erneut zugestellt.")


@clients_cli.command("create")
@click.argument("name")
@click.option("--department", required=True, help="Abteilung (id aus der Kommunaldatei).")
def client_create(name: str, department: str) -> None:
    """Create a client; its token is shown once."""
    state = current_app.extensions["portal"]
    known = [d.id for d in state.catalog.municipality.departments]
    with runtime_of(current_app).db.session() as session:
        try:
            client, token = api_clients.create_client(session, name, department, known)
        except api_clients.ClientError as exc:
            click.echo(f"Fehler: {exc.code} (Abteilungen: {', '.join(known)})", err=True)
            sys.exit(1)
        session.commit()
        click.echo(f"Client {client.name} ({client.department}) angelegt.")
    click.echo(f"Token (nur jetzt sichtbar): {token}")


@clients_cli.command("list")
def client_list() -> None:
    with runtime_of(current_app).db.session() as session:
        for client in api_clients.clients(session):
            state = "aktiv" if client.active else "gesperrt"
            click.echo(f"{client.name:<30} {client.department:<20} {client.token_hint}…  {state}")


@clients_cli.command("revoke")
@click.argument("name")
def client_revoke(name: str) -> None:
    with runtime_of(current_app).db.session() as session:
        try:
            api_clients.revoke(session, name)
        except api_clients.ClientError:
            click.echo(f"Kein Client {name}.", err=True)
            sys.exit(1)
        session.commit()
    click.echo(f"Client {name} gesperrt.")
