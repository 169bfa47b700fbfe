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

class DevelopmentConfig(BaseConfig):
    ENV_NAME = "development"
    DEV_SIGNIN = True
    DEMO_DATA = True
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
