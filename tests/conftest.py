"""Shared fixtures: a fresh PostgreSQL database per test session (real server, never mocked),
the app/client/runner fixtures, and an HTML check on every page the client fetches."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from portal import create_app
from portal.adapters.db import migrate
from portal.adapters.db.schema import metadata as all_tables
from portal.adapters.documents.pki import DevPki, make_dev_pki
from portal.state import portal_state
from tests.adapters.documents.support import nss_db
from tests.html_checks import check_page

ROOT = Path(__file__).resolve().parent.parent
ADMIN_URL = os.environ.get("PORTAL_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
FIXED_TODAY = date(2026, 11, 20)


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("PORTAL_ROOT", str(ROOT))


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    """A database of its own for this test session (and xdist worker), with all migrations."""
    name = f"portal_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    migrate.upgrade(url)
    yield url
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


class CheckedClient(FlaskClient):
    """Every HTML page must have a title, labelled inputs and unique ids."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        response = super().open(*args, **kwargs)
        if response.mimetype == "text/html" and response.status_code != 302:
            check_page(response.get_data(as_text=True))
        return response


def make_app(database_url: str, **overrides: Any) -> Flask:
    config = {"ENV_NAME": "testing", "DATABASE_URL": database_url, "WTF_CSRF_ENABLED": False}
    config.update(overrides)
    app = create_app(config)
    app.test_client_class = CheckedClient
    portal_state(app).fixed_today = FIXED_TODAY
    return app


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    app = make_app(database_url)
    yield app
    state = portal_state(app)
    with state.db.engine.begin() as conn:
        tables = ", ".join(f'"{t.name}"' for t in reversed(all_tables.sorted_tables))
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    state.db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> DevPki:
    """A development seal (CA + PKCS#12) for this test session (and xdist worker)."""
    return make_dev_pki(tmp_path_factory.mktemp("seal"), "Stadt Goslar")


@pytest.fixture(scope="session")
def nssdir(pki: DevPki, tmp_path_factory: pytest.TempPathFactory) -> str:
    """An NSS trust store with the session's CA, for pdfsig."""
    return nss_db(tmp_path_factory.mktemp("nss"), pki.ca_file)


@pytest.fixture
def seal_config(pki: DevPki) -> dict[str, str]:
    return {"SEAL_PKCS12_FILE": str(pki.pkcs12_file),
            "SEAL_PKCS12_PASSWORD_FILE": str(pki.password_file),
            "SEAL_TRUST_ROOTS": str(pki.ca_file)}


@pytest.fixture
def sealing_app(app: Flask, seal_config: dict[str, str]) -> Flask:
    """The test app with the session's seal: the tools read the SEAL_* keys on first use, so
    setting them on the app suffices."""
    app.config.update(seal_config)
    return app


def sign_in(client: FlaskClient, persona: str = "erika", level: int = 4) -> None:
    response = client.post("/anmelden/entwicklung",
                           data={"persona": persona, "level": str(level), "next": "/"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
