"""The application factory."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, send_from_directory
from flask_wtf.csrf import CSRFProtect

from portal.adapters.db.session import Database
from portal.adapters.xoev.din91379 import Din91379
from portal.adapters.xoev.mappers import check_definitions
from portal.config import ConfigError, build_config, project_root
from portal.definitions.loader import Catalog, DefinitionError, load_catalog
from portal.presentation.i18n import init_i18n
from portal.state import PortalState
from portal.web.auth.registry import default_registry

csrf = CSRFProtect()
TRANSLATIONS = Path(__file__).parent / "translations"


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    root = project_root()
    config = build_config(os.environ, overrides, root)
    app = Flask(__name__, template_folder=config["TEMPLATES_DIR"],
                static_folder=config["STATIC_DIR"], static_url_path="/static",
                instance_path=str(root / "instance"))
    app.config.update(config)
    if not app.config.get("DATABASE_URL"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["DATABASE_URL"] = f"sqlite:///{Path(app.instance_path) / 'portal.sqlite3'}"

    catalog = load_catalog(Path(config["FORMS_DIR"]), Path(config["MUNICIPALITY_FILE"]))
    problems = check_definitions(catalog.services.values())
    if problems:
        raise DefinitionError(config["FORMS_DIR"], "xoev_message", "; ".join(problems))
    if config["ENV_NAME"] == "production":
        check_for_production(catalog)
    state = PortalState(
        db=Database(app.config["DATABASE_URL"]),
        catalog=catalog,
        din=Din91379(Path(config["XOEV_SCHEMAS_DIR"])),
        din_names=Din91379(Path(config["XOEV_SCHEMAS_DIR"]), "datatypeA"),
        auth=default_registry(),
        timezone=str(config.get("TIMEZONE") or "Europe/Berlin"),
    )
    app.extensions["portal"] = state

    # Operation (issue #12): request ids, JSON logs, /healthz, /readyz, /metrics, proxy headers.
    from portal.web.ops import init_ops

    init_ops(app, state)
    csrf.init_app(app)
    init_i18n(app, str(TRANSLATIONS))
    _register_blueprints(app, state)

    vendor = config["VENDOR_DIR"]

    @app.context_processor
    def _globals() -> dict[str, Any]:
        from portal.presentation.summary import display
        from portal.web.auth.session import current_identity

        municipality = state.catalog.municipality
        return {
            "municipality_name": municipality.name,
            "municipality_address": municipality.address,
            "current_identity": current_identity(),
            "view_display": lambda f, v: display(f, v, state.catalog.codelists),
        }

    @app.route("/vendor/kern/<path:filename>")
    def kern(filename: str) -> Any:
        return send_from_directory(vendor, filename, max_age=86400)

    from portal.cli import register_cli
    from portal.web.errors import register_error_handlers

    register_error_handlers(app)
    register_cli(app)
    return app


def check_for_production(catalog: Catalog) -> None:
    """Placeholders (e.g. the SEPA creditor identifier) and missing privacy notices may serve
    development, never real citizens: production start-up refuses them."""
    problems = catalog.municipality.production_problems()
    problems += [f"{s.id}: the service has no privacy notice (privacy:)"
                 for s in catalog.services.values() if s.privacy is None]
    if problems:
        raise ConfigError("The municipality file or service definitions are not ready for "
                          "production: " + "; ".join(problems))


def _register_blueprints(app: Flask, state: PortalState) -> None:
    from portal.web.auth.idle import bp as idle_bp
    from portal.web.auth.views import bp as auth_bp
    from portal.web.citizen import bp as citizen_bp
    from portal.web.staff import bp as staff_bp
    from portal.web.staff.saml import blueprint as staff_saml_blueprint

    app.register_blueprint(citizen_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(idle_bp)
    app.register_blueprint(staff_bp)
    app.register_blueprint(staff_saml_blueprint())
    for method in state.auth.all():
        app.register_blueprint(method.blueprint())

    # Delivery to back offices (issue #6): DELIVERY_CHANNELS is checked here, so a bad one
    # stops the start; then the clerks' inbox and the API for specialist systems.
    from portal.adapters.jobs.wiring import init_delivery
    from portal.web.api import bp as api_bp
    from portal.web.inbox import bp as inbox_bp

    init_delivery(app, state)
    csrf.exempt(api_bp)  # token-authenticated, no cookies: CSRF does not apply
    app.register_blueprint(api_bp)
    app.register_blueprint(inbox_bp)
