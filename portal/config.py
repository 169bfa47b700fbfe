"""Configuration from environment variables with the prefix `PORTAL_`.

`PORTAL_ENV` picks the base class: `development` (the embedded default: SQLite in the
instance folder, jobs in-process, development sign-in, demo data), `production` or `testing`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

PREFIX = "PORTAL_"


class ConfigError(Exception):
    pass


class BaseConfig:
    ENV_NAME = "production"
    SECRET_KEY: str | None = None
    DATABASE_URL: str | None = None
    FORMS_DIR = "forms"
    XOEV_SCHEMAS_DIR = "xoev_schemas"
    TEMPLATES_DIR = "templates"
    STATIC_DIR = "static"
    VENDOR_DIR = "node_modules/@kern-ux/native/dist"
    MUNICIPALITY_FILE = "municipalities/goslar.yaml"
    DEV_SIGNIN = False
    DEMO_DATA = False
    MAX_CONTENT_LENGTH = 32 * 1024 * 1024
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 30 * 60
    WTF_CSRF_TIME_LIMIT: int | None = None
    BABEL_DEFAULT_LOCALE = "de"
    LANGUAGES = ("de", "en")
    BASE_URL = "http://127.0.0.1:5000"
    # --- Citizen sign-in with BundID (SAML 2.0); paths are relative to the instance folder ---
    SAML_ENABLED = False
    SAML_BASE_URL: str | None = None  # public URL of the portal; BASE_URL when unset
    SAML_SP_ENTITY_ID: str | None = None  # default: <base>/saml/metadata
    SAML_SP_KEY_FILE: str | None = None
    SAML_SP_CERT_FILE: str | None = None
    SAML_SP_NEW_CERT_FILE: str | None = None  # published ahead of a key rollover
    SAML_IDP_METADATA_FILE: str | None = None
    SAML_IDP_METADATA_URL: str | None = None  # source for `flask saml refresh-metadata`
    SAML_IDP_ENTITY_ID: str | None = None
    SAML_IDP_METADATA_SIGNING_CERT_FILE: str | None = None  # then the metadata must be signed
    SAML_REQUIRE_ENCRYPTED_ASSERTIONS = True
    SAML_WANT_RESPONSE_SIGNED = False  # BundID signs the assertion (always required)
    SAML_CLOCK_SKEW_SECONDS = 90
    SAML_REQUEST_MAX_AGE_SECONDS = 900
    SAML_NAMEID_FORMAT = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"
    SAML_ONLINE_SERVICE_ID: str | None = None  # shown by BundID when no service is known
    SAML_ORGANIZATION_NAME: str | None = None
    SAML_CONTACT_EMAIL: str | None = None
    # --- Staff: the same SAML code against the municipality's IdP; unset keys fall back to
    # the SAML_* ones (e.g. the SP key pair) ---
    STAFF_SAML_ENABLED = False
    STAFF_SAML_SP_ENTITY_ID: str | None = None  # default: <base>/mitarbeiter/saml/metadata
    STAFF_SAML_IDP_METADATA_FILE: str | None = None
    STAFF_SAML_IDP_METADATA_URL: str | None = None
    STAFF_SAML_IDP_ENTITY_ID: str | None = None
    STAFF_SAML_IDP_METADATA_SIGNING_CERT_FILE: str | None = None
    STAFF_SAML_REQUIRE_ENCRYPTED_ASSERTIONS: bool | None = None
    STAFF_SAML_EMAIL_ATTRIBUTE = "urn:oid:0.9.2342.19200300.100.1.3"
    # --- Staff accounts: password + TOTP, lock-out, counter verification ---
    STAFF_MAX_FAILED_LOGINS = 5
    STAFF_SESSION_MAX_SECONDS = 10 * 3600  # absolute, besides the idle timeout
    STAFF_LOCKOUT_MINUTES = 15
    STAFF_SECOND_FACTOR_SECONDS = 300  # time between password and code
    STAFF_COUNTER_LEVEL = 3  # level a counter check grants; capped at 3 (4 needs the eID)
    TIMEZONE = "Europe/Berlin"

    # Seal of the documents (portal.adapters.documents): PKCS#12 file or PKCS#11 token;
    # secrets directly (e.g. PORTAL_SEAL_PKCS12_PASSWORD) or, better, from a *_FILE.
    SEAL_PKCS12_FILE: str | None = None
    SEAL_PKCS12_PASSWORD: str | None = None
    SEAL_PKCS12_PASSWORD_FILE: str | None = None
    SEAL_PKCS11_MODULE: str | None = None
    SEAL_PKCS11_TOKEN_LABEL: str | None = None
    SEAL_PKCS11_KEY_LABEL: str | None = None
    SEAL_PKCS11_CERT_LABEL: str | None = None
    SEAL_PKCS11_PIN: str | None = None
    SEAL_PKCS11_PIN_FILE: str | None = None
    SEAL_TSA_URL: str | None = None
    SEAL_TSA_TIMEOUT = 10
    SEAL_TRUST_ROOTS: str | None = None
    SEAL_DEV_DIR = "instance/seal"

    # --- Delivery to back offices (portal.adapters.delivery, portal.adapters.jobs) ---
    # Channels per service: a mapping {"*" | service id: [channel, …]} or its JSON text, or
    # a YAML/JSON file (format: portal/adapters/delivery/registry.py). Inbox is always on.
    DELIVERY_CHANNELS: Any = None
    DELIVERY_CHANNELS_FILE: str | None = None
    DELIVERY_RUNNER = "celery"  # celery | inprocess (thread in the web process) | manual
    DELIVERY_MAX_ATTEMPTS = 8
    DELIVERY_BACKOFF_SECONDS = 30  # doubled per attempt …
    DELIVERY_BACKOFF_MAX_SECONDS = 3600  # … up to this
    DELIVERY_LEASE_SECONDS = 300  # a worker silent this long is taken for dead
    DELIVERY_REQUEUE_SECONDS = 120  # a due job not picked up this long was lost by the broker
    DELIVERY_SWEEP_SECONDS = 60
    CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"
    CELERY_QUEUE_PREFIX = "portal"  # queues <prefix>.delivery, .notify, .sweep
    CELERY_VISIBILITY_TIMEOUT = 7200  # longer than the longest back-off (ETA tasks wait unacked)
    # SMTP for e-mail channels and notifications to citizens (no host: logged only).
    LOCAL_ACCOUNTS_ENABLED = True  # citizen accounts with e-mail + password (trust level 1)
    SMTP_HOST: str | None = None
    SMTP_PORT = 25
    SMTP_SENDER = "online-dienste@localhost.localdomain"
    SMTP_STARTTLS = True
    SMTP_USERNAME: str | None = None
    SMTP_PASSWORD: str | None = None
    SMTP_PASSWORD_FILE: str | None = None
    SMTP_TIMEOUT = 30
    API_PAGE_SIZE = 50
    API_MAX_PAGE_SIZE = 200

    # --- Operation (issue #12): logs, metrics, health, reverse proxy, retention ---
    LOG_FORMAT = "json"
    LOG_LEVEL = "INFO"
    METRICS_TOKEN: str | None = None
    METRICS_TOKEN_FILE: str | None = None
    METRICS_WORKER_PORT: int | None = None
    READY_CACHE_SECONDS = 5
    PROXY_FIX_X_FOR = 0
    PROXY_FIX_X_PROTO = 0
    PROXY_FIX_X_HOST = 0
    PROXY_FIX_X_PORT = 0
    PROXY_FIX_X_PREFIX = 0
    RETENTION_INTERVAL_SECONDS = 3600
    DEV_MAIL_DIR: str | None = None


class DevelopmentConfig(BaseConfig):
    ENV_NAME = "development"
    DEV_SIGNIN = True
    DEMO_DATA = True
    LOG_FORMAT = "text"
    DEV_MAIL_DIR = "instance/mail"
    SESSION_COOKIE_SECURE = False
    SECRET_KEY = "development-only-not-secret"
    # Generated into the instance folder on first use (never in production).
    SAML_SP_KEY_FILE = "saml/sp-development.key"
    SAML_SP_CERT_FILE = "saml/sp-development.crt"

    # Written by `flask seal init-dev`.
    SEAL_PKCS12_FILE = "instance/seal/seal.p12"
    SEAL_PKCS12_PASSWORD_FILE = "instance/seal/seal-password.txt"
    SEAL_TRUST_ROOTS = "instance/seal/dev-ca.pem"
    # The embedded default has no broker: jobs run in a thread of the web process.
    DELIVERY_RUNNER = "inprocess"
    DELIVERY_BACKOFF_SECONDS = 10
    DELIVERY_SWEEP_SECONDS = 30

class TestingConfig(BaseConfig):
    ENV_NAME = "testing"
    TESTING = True
    DEV_SIGNIN = True
    SESSION_COOKIE_SECURE = False
    SECRET_KEY = "testing-only-not-secret"
    # Tests run jobs themselves (or start a real worker); nothing runs behind their back.
    DELIVERY_RUNNER = "manual"


class ProductionConfig(BaseConfig):
    ENV_NAME = "production"
    SAML_REQUIRE_ENCRYPTED_ASSERTIONS = True


CONFIGS: dict[str, type[BaseConfig]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def _coerce(current: Any, raw: str) -> Any:
    if isinstance(current, bool):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if isinstance(current, int):
        return int(raw)
    return raw


def build_config(environ: Mapping[str, str], overrides: Mapping[str, Any] | None,
                 root: Path) -> dict[str, Any]:
    env_name = (overrides or {}).get("ENV_NAME") or environ.get(f"{PREFIX}ENV", "production")
    if env_name not in CONFIGS:
        raise ConfigError(f"PORTAL_ENV must be one of {', '.join(CONFIGS)}, not '{env_name}'")
    base = CONFIGS[env_name]
    config = {k: getattr(base, k) for k in dir(base) if k.isupper()}
    for key, raw in environ.items():
        if key.startswith(PREFIX) and key != f"{PREFIX}ENV":
            name = key[len(PREFIX):]
            config[name] = _coerce(config.get(name), raw)
    config.update(overrides or {})
    for key in ("FORMS_DIR", "XOEV_SCHEMAS_DIR", "TEMPLATES_DIR", "STATIC_DIR", "VENDOR_DIR",
                "MUNICIPALITY_FILE"):
        path = Path(config[key])
        config[key] = str(path if path.is_absolute() else root / path)
    _check(config)
    return config


def _check(config: dict[str, Any]) -> None:
    if config["ENV_NAME"] == "production":
        if config.get("DEV_SIGNIN"):
            raise ConfigError("The development sign-in cannot be enabled in production.")
        if not config.get("SECRET_KEY") or len(str(config["SECRET_KEY"])) < 32:
            raise ConfigError("PORTAL_SECRET_KEY must be set to at least 32 random characters.")
        if not config.get("DATABASE_URL"):
            raise ConfigError("PORTAL_DATABASE_URL must be set in production.")


def project_root(environ: Mapping[str, str] = os.environ) -> Path:
    """Where forms/, templates/ … live: PORTAL_ROOT, else the working directory."""
    return Path(environ.get(f"{PREFIX}ROOT") or Path.cwd()).resolve()


# --- What each setting means. `flask config docs` writes the table in docs/deployment.md from
# this; a test fails when a setting has no description here or the guide is stale. ---
REQUIRED_IN_PRODUCTION: dict[str, str] = {
    "SECRET_KEY": "yes (checked at start)",
    "DATABASE_URL": "yes (checked at start)",
    "BASE_URL": "yes",
    "SEAL_PKCS12_FILE": "this or SEAL_PKCS11_MODULE",
    "SEAL_PKCS11_MODULE": "this or SEAL_PKCS12_FILE",
    "CELERY_BROKER_URL": "with DELIVERY_RUNNER=celery",
    "METRICS_TOKEN": "to scrape /metrics",
}
# Environment variables that are no attribute of the classes above.
EXTRA_VARIABLES: dict[str, tuple[str, str]] = {
    "PORTAL_ENV": ("production", "`development` (embedded default), `testing` or `production`"),
    "PORTAL_ROOT": ("working directory", "Where `forms/`, `templates/`, `xoev_schemas/` … are "
                    "found; relative paths below start here"),
    "PROMETHEUS_MULTIPROC_DIR": ("unset", "A directory of its own for each gunicorn and each "
                                 "Celery worker service (prometheus_client's multiprocess "
                                 "mode), emptied at start"),
}
DESCRIPTIONS: dict[str, dict[str, str]] = {
    "General": {
        "TESTING": "Flask's test mode (the `testing` environment only)",
        "SECRET_KEY": "Signs sessions and tokens; at least 32 random characters, the same on "
                      "every web process",
        "DATABASE_URL": "SQLAlchemy URL; PostgreSQL in production "
                        "(`postgresql://portal@db/portal`); unset: SQLite in `instance/`",
        "BASE_URL": "The portal's public URL (links in e-mails, SAML); https in production",
        "TIMEZONE": "The authority's time zone for deadlines and documents",
        "FORMS_DIR": "Service definitions (YAML)",
        "XOEV_SCHEMAS_DIR": "XÖV schema files with their MANIFEST",
        "TEMPLATES_DIR": "Jinja templates",
        "STATIC_DIR": "Static files (CSS, JS)",
        "VENDOR_DIR": "The KERN UX design system installed by npm",
        "MUNICIPALITY_FILE": "The municipality's data (name, AGS, departments, tariffs)",
        "DEV_SIGNIN": "Development sign-in with test personas; refused in production",
        "DEMO_DATA": "Demo data for the embedded default",
        "DEV_MAIL_DIR": "Without SMTP_HOST, mail is written here as .eml files instead of "
                        "being sent (development)",
        "MAX_CONTENT_LENGTH": "Largest request body in bytes (uploads)",
        "BABEL_DEFAULT_LOCALE": "Source language of the texts (fixed)",
        "LANGUAGES": "Languages offered (fixed in code)",
        "LOCAL_ACCOUNTS_ENABLED": "Citizen accounts with e-mail and password (trust level 1)",
        "API_PAGE_SIZE": "Default page size of the REST API",
        "API_MAX_PAGE_SIZE": "Largest page size a client may ask the REST API for",
    },
    "Sessions and forms": {
        "SESSION_COOKIE_SECURE": "Session cookie only over https",
        "SESSION_COOKIE_HTTPONLY": "Session cookie hidden from scripts",
        "SESSION_COOKIE_SAMESITE": "SameSite attribute of the session cookie",
        "PERMANENT_SESSION_LIFETIME": "Idle timeout of a session in seconds",
        "WTF_CSRF_TIME_LIMIT": "Age limit of CSRF tokens in seconds (unset: the session's)",
    },
    "Citizen sign-in (BundID, SAML 2.0)": {
        "SAML_ENABLED": "Offer the BundID sign-in",
        "SAML_BASE_URL": "Public URL for SAML endpoints; BASE_URL when unset",
        "SAML_SP_ENTITY_ID": "The portal's entity id; default `<base>/saml/metadata`",
        "SAML_SP_KEY_FILE": "SP private key (path relative to `instance/`)",
        "SAML_SP_CERT_FILE": "SP certificate (path relative to `instance/`)",
        "SAML_SP_NEW_CERT_FILE": "Next SP certificate, published ahead of a key rollover",
        "SAML_IDP_METADATA_FILE": "The IdP's metadata as stored by `flask saml refresh-metadata`",
        "SAML_IDP_METADATA_URL": "Where `flask saml refresh-metadata` fetches the metadata",
        "SAML_IDP_ENTITY_ID": "The IdP's entity id (when the metadata holds several)",
        "SAML_IDP_METADATA_SIGNING_CERT_FILE": "When set, the metadata must be signed by it",
        "SAML_REQUIRE_ENCRYPTED_ASSERTIONS": "Refuse unencrypted assertions",
        "SAML_WANT_RESPONSE_SIGNED": "Also require a signed Response (BundID signs the "
                                     "assertion)",
        "SAML_CLOCK_SKEW_SECONDS": "Tolerated clock difference to the IdP",
        "SAML_REQUEST_MAX_AGE_SECONDS": "How long a started sign-in stays valid",
        "SAML_NAMEID_FORMAT": "NameID format asked for",
        "SAML_ONLINE_SERVICE_ID": "Shown by BundID when no service is known",
        "SAML_ORGANIZATION_NAME": "Organisation in the SP metadata",
        "SAML_CONTACT_EMAIL": "Technical contact in the SP metadata",
    },
    "Staff": {
        "STAFF_SAML_ENABLED": "Staff sign in via the municipality's own SAML IdP",
        "STAFF_SAML_SP_ENTITY_ID": "Default `<base>/mitarbeiter/saml/metadata`",
        "STAFF_SAML_IDP_METADATA_FILE": "Metadata of the staff IdP",
        "STAFF_SAML_IDP_METADATA_URL": "Source of the staff IdP's metadata",
        "STAFF_SAML_IDP_ENTITY_ID": "The staff IdP's entity id",
        "STAFF_SAML_IDP_METADATA_SIGNING_CERT_FILE": "When set, the metadata must be signed",
        "STAFF_SAML_REQUIRE_ENCRYPTED_ASSERTIONS": "Unset: as SAML_REQUIRE_ENCRYPTED_ASSERTIONS",
        "STAFF_SAML_EMAIL_ATTRIBUTE": "Attribute that carries the employee's e-mail address",
        "STAFF_MAX_FAILED_LOGINS": "Failed sign-ins before the account is locked",
        "STAFF_LOCKOUT_MINUTES": "Length of a lock-out",
        "STAFF_SESSION_MAX_SECONDS": "Absolute limit of a staff session (besides the idle "
                                     "timeout)",
        "STAFF_SECOND_FACTOR_SECONDS": "Time allowed between password and TOTP code",
        "STAFF_COUNTER_LEVEL": "Trust level a counter check grants (at most 3)",
    },
    "Seal of the documents": {
        "SEAL_PKCS12_FILE": "The municipality's seal key and certificate as PKCS#12",
        "SEAL_PKCS12_PASSWORD": "Its password (better: SEAL_PKCS12_PASSWORD_FILE)",
        "SEAL_PKCS12_PASSWORD_FILE": "File holding the PKCS#12 password",
        "SEAL_PKCS11_MODULE": "PKCS#11 library of the HSM/token (instead of PKCS#12)",
        "SEAL_PKCS11_TOKEN_LABEL": "Token label",
        "SEAL_PKCS11_KEY_LABEL": "Key label on the token",
        "SEAL_PKCS11_CERT_LABEL": "Certificate label (default: the key label)",
        "SEAL_PKCS11_PIN": "Token PIN (better: SEAL_PKCS11_PIN_FILE)",
        "SEAL_PKCS11_PIN_FILE": "File holding the PIN",
        "SEAL_TSA_URL": "RFC 3161 time-stamp service (PAdES B-T)",
        "SEAL_TSA_TIMEOUT": "Time-stamp request timeout in seconds",
        "SEAL_TRUST_ROOTS": "CA certificates that `flask seal verify` trusts (PEM)",
        "SEAL_DEV_DIR": "Where `flask seal init-dev` writes the development seal",
    },
    "Delivery to back offices and jobs": {
        "DELIVERY_CHANNELS": "Channels per service as JSON (see README)",
        "DELIVERY_CHANNELS_FILE": "Channels per service as a YAML/JSON file",
        "DELIVERY_RUNNER": "`celery` (production), `inprocess` (thread in the web process) or "
                           "`manual`",
        "DELIVERY_MAX_ATTEMPTS": "Attempts before a job fails for good",
        "DELIVERY_BACKOFF_SECONDS": "First retry delay, doubled per attempt",
        "DELIVERY_BACKOFF_MAX_SECONDS": "Longest retry delay",
        "DELIVERY_LEASE_SECONDS": "A worker silent this long is taken for dead",
        "DELIVERY_REQUEUE_SECONDS": "A due job not picked up this long is sent again",
        "DELIVERY_SWEEP_SECONDS": "Interval of the sweep (Celery beat / in-process runner)",
        "CELERY_BROKER_URL": "Redis URL of the Celery broker",
        "CELERY_QUEUE_PREFIX": "Queues `<prefix>.delivery`, `.notify`, `.sweep`",
        "CELERY_VISIBILITY_TIMEOUT": "Redis visibility timeout; longer than the longest "
                                     "back-off",
        "SMTP_HOST": "Mail server; unset: mail is not sent (development)",
        "SMTP_PORT": "Mail server port",
        "SMTP_SENDER": "Sender address of all mail",
        "SMTP_STARTTLS": "Use STARTTLS",
        "SMTP_USERNAME": "SMTP user",
        "SMTP_PASSWORD": "SMTP password (better: SMTP_PASSWORD_FILE)",
        "SMTP_PASSWORD_FILE": "File holding the SMTP password",
        "SMTP_TIMEOUT": "SMTP timeout in seconds",
    },
    "Operation": {
        "LOG_FORMAT": "`json` (one object per line) or `text`",
        "LOG_LEVEL": "Level of the root logger",
        "METRICS_TOKEN": "Bearer token for /metrics and the detailed /readyz; unset: "
                         "/metrics is off",
        "METRICS_TOKEN_FILE": "File holding the metrics token",
        "METRICS_WORKER_PORT": "Port on which each Celery worker serves its metrics "
                               "(machines without a web process)",
        "READY_CACHE_SECONDS": "How long /readyz reuses its last result",
        "PROXY_FIX_X_FOR": "Number of proxies in front whose X-Forwarded-For is trusted",
        "PROXY_FIX_X_PROTO": "… whose X-Forwarded-Proto is trusted",
        "PROXY_FIX_X_HOST": "… whose X-Forwarded-Host is trusted",
        "PROXY_FIX_X_PORT": "… whose X-Forwarded-Port is trusted",
        "PROXY_FIX_X_PREFIX": "… whose X-Forwarded-Prefix is trusted",
        "RETENTION_INTERVAL_SECONDS": "How often the retention job runs (Celery beat / "
                                      "in-process runner)",
    },
}
