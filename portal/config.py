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

class DevelopmentConfig(BaseConfig):
    ENV_NAME = "development"
    DEV_SIGNIN = True
    DEMO_DATA = True
    SESSION_COOKIE_SECURE = False
    SECRET_KEY = "development-only-not-secret"

    # Written by `flask seal init-dev`.
    SEAL_PKCS12_FILE = "instance/seal/seal.p12"
    SEAL_PKCS12_PASSWORD_FILE = "instance/seal/seal-password.txt"
    SEAL_TRUST_ROOTS = "instance/seal/dev-ca.pem"

class TestingConfig(BaseConfig):
    ENV_NAME = "testing"
    TESTING = True
    DEV_SIGNIN = True
    SESSION_COOKIE_SECURE = False
    SECRET_KEY = "testing-only-not-secret"


class ProductionConfig(BaseConfig):
    ENV_NAME = "production"


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
