"""`flask saml ...`: SP metadata, IdP metadata refresh and check, development keys."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from portal.adapters.saml.keys import ensure_key_pair
from portal.adapters.saml.metadata import MetadataError, load_idp_metadata, refresh_metadata
from portal.adapters.saml.profile import SamlConfigError, SamlProfile
from portal.adapters.saml.settings import sp_metadata
from portal.web.auth import saml_flow

saml_cli = AppGroup("saml", help="SAML service provider (BundID; --staff: municipality IdP).")
staff_option = click.option("--staff", is_flag=True, help="The staff profile (STAFF_SAML_*).")


def _profile(staff: bool) -> SamlProfile:
    try:
        return saml_flow.profile("staff" if staff else "bundid")
    except SamlConfigError as exc:
        click.echo(f"FEHLER: {exc}", err=True)
        sys.exit(2)


@saml_cli.command("refresh-metadata")
@staff_option
def refresh(staff: bool) -> None:
    """Download the IdP metadata, check it, then replace the file (cron, e.g. daily). On any
    problem the old file stays and the command exits with 1."""
    prof = _profile(staff)
    if not prof.idp_metadata_url:
        click.echo("FEHLER: IDP_METADATA_URL ist nicht gesetzt", err=True)
        sys.exit(2)
    try:
        meta = refresh_metadata(prof.idp_metadata_file, prof.idp_metadata_url,
                                prof.idp_entity_id, prof.idp_metadata_signing_cert_file)
    except (MetadataError, OSError) as exc:
        click.echo(f"FEHLER: Metadaten nicht aktualisiert ({exc}); die bisherige Datei "
                   f"{prof.idp_metadata_file} bleibt.", err=True)
        sys.exit(1)
    click.echo(f"IdP-Metadaten aktualisiert: {meta.entity_id} -> {prof.idp_metadata_file}")
    for warning in meta.warnings():
        click.echo(f"WARNUNG: {warning}", err=True)


@saml_cli.command("check-metadata")
@staff_option
def check(staff: bool) -> None:
    """Exit 1 when the stored IdP metadata is unusable (for monitoring)."""
    prof = _profile(staff)
    try:
        meta = load_idp_metadata(prof.idp_metadata_file, prof.idp_entity_id,
                                 prof.idp_metadata_signing_cert_file)
    except MetadataError as exc:
        click.echo(f"FEHLER: {exc}", err=True)
        sys.exit(1)
    for warning in meta.warnings():
        click.echo(f"WARNUNG: {warning}", err=True)
    problems = meta.problems()
    for problem in problems:
        click.echo(f"FEHLER: {problem}", err=True)
    if problems:
        sys.exit(1)
    click.echo(f"ok {meta.entity_id}")


@saml_cli.command("sp-metadata")
@staff_option
def show_sp_metadata(staff: bool) -> None:
    """Print the signed SP metadata (also served at /saml/metadata)."""
    click.echo(sp_metadata(_profile(staff)).decode())


@saml_cli.command("generate-keys")
def generate_keys() -> None:
    """Create the SP key pair at the configured paths (development; never replaces keys)."""
    if current_app.config.get("ENV_NAME") == "production":
        click.echo("FEHLER: in Produktion kommen die Schlüssel aus der eigenen PKI.", err=True)
        sys.exit(2)
    instance = Path(current_app.instance_path)
    key = instance / str(current_app.config["SAML_SP_KEY_FILE"])
    cert = instance / str(current_app.config["SAML_SP_CERT_FILE"])
    ensure_key_pair(key, cert, "portal-development-sp")
    click.echo(f"SP-Schlüssel: {key}\nSP-Zertifikat: {cert}")
