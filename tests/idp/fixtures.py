"""Fixtures for SAML tests: one SimpleSAMLphp IdP per test session (xdist worker), the SP
key pair, and an app configured for BundID and the staff IdP against it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from sqlalchemy import text

from portal.adapters.db.models import Base
from portal.adapters.saml.keys import generate_key_pair
from portal.services.mail import OutgoingMail
from portal.state import portal_state
from tests.conftest import make_app
from tests.idp.simplesaml import IDP_ENTITY_ID, IdpServer, SpEntry, php_available

SP_BASE = "http://portal.test"
BUNDID_SP = f"{SP_BASE}/saml/metadata"
STAFF_SP = f"{SP_BASE}/mitarbeiter/saml/metadata"


@dataclass
class SpKeys:
    key_file: Path
    cert_file: Path
    key_pem: bytes
    cert_pem: bytes


class RecordingMail:
    """A fake of the portal's own mail port: keeps what would have been sent."""

    def __init__(self) -> None:
        self.sent: list[OutgoingMail] = []

    def send(self, mail: OutgoingMail) -> None:
        self.sent.append(mail)


@pytest.fixture(scope="session")
def sp_keys(tmp_path_factory: pytest.TempPathFactory) -> SpKeys:
    root = tmp_path_factory.mktemp("sp")
    key, cert = generate_key_pair("portal.test")
    (root / "sp.key").write_bytes(key)
    (root / "sp.crt").write_bytes(cert)
    return SpKeys(root / "sp.key", root / "sp.crt", key, cert)


@pytest.fixture(scope="session")
def idp(tmp_path_factory: pytest.TempPathFactory, sp_keys: SpKeys) -> Iterator[IdpServer]:
    if not php_available():
        pytest.fail("php and simplesamlphp are needed (scripts/lib.sh installs them)")
    server = IdpServer(tmp_path_factory.mktemp("idp"))
    cert = sp_keys.cert_pem.decode()
    server.add_sp(SpEntry(BUNDID_SP, f"{SP_BASE}/saml/acs", f"{SP_BASE}/saml/sls", cert))
    server.add_sp(SpEntry(STAFF_SP, f"{SP_BASE}/mitarbeiter/saml/acs",
                          f"{SP_BASE}/mitarbeiter/saml/sls", cert))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def idp_metadata_file(idp: IdpServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("meta") / "idp.xml"
    path.write_bytes(idp.metadata())
    return path


def saml_config(sp_keys: SpKeys, metadata_file: Path, **overrides: Any) -> dict[str, Any]:
    config: dict[str, Any] = {
        "SAML_ENABLED": True, "BASE_URL": SP_BASE, "SAML_SP_KEY_FILE": str(sp_keys.key_file),
        "SAML_SP_CERT_FILE": str(sp_keys.cert_file),
        "SAML_IDP_METADATA_FILE": str(metadata_file), "SAML_IDP_ENTITY_ID": IDP_ENTITY_ID,
        "STAFF_SAML_ENABLED": True, "STAFF_SAML_IDP_METADATA_FILE": str(metadata_file),
        "STAFF_SAML_IDP_ENTITY_ID": IDP_ENTITY_ID,
    }
    config.update(overrides)
    return config


@pytest.fixture
def saml_app(database_url: str, sp_keys: SpKeys, idp_metadata_file: Path) -> Iterator[Flask]:
    app = make_app(database_url, **saml_config(sp_keys, idp_metadata_file))
    app.extensions["portal_mail"] = RecordingMail()
    yield app
    state = portal_state(app)
    with state.db.engine.begin() as conn:
        tables = ", ".join(f'"{t.name}"' for t in reversed(Base.metadata.sorted_tables))
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    state.db.engine.dispose()


@pytest.fixture
def browser() -> Iterator[requests.Session]:
    """The citizen's browser towards the IdP (its own cookie jar per test)."""
    with requests.Session() as session:
        yield session
