"""Keys, CA and trust stores for the document tests: made per test session (and xdist
worker) in its own temporary directory."""

from __future__ import annotations

import pytest

from portal.adapters.documents.pki import DevPki, make_dev_pki
from portal.adapters.documents.seal import Sealer, SealSettings
from tests.adapters.documents.support import nss_db


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> DevPki:
    return make_dev_pki(tmp_path_factory.mktemp("seal"), "Stadt Goslar")


@pytest.fixture(scope="session")
def nssdir(pki: DevPki, tmp_path_factory: pytest.TempPathFactory) -> str:
    return nss_db(tmp_path_factory.mktemp("nss"), pki.ca_file)


@pytest.fixture(scope="session")
def sealer(pki: DevPki) -> Sealer:
    return Sealer.from_settings(SealSettings(
        pkcs12_file=pki.pkcs12_file, pkcs12_password=pki.password_file.read_text().strip()))


@pytest.fixture
def seal_config(pki: DevPki) -> dict[str, str]:
    return {"SEAL_PKCS12_FILE": str(pki.pkcs12_file),
            "SEAL_PKCS12_PASSWORD_FILE": str(pki.password_file),
            "SEAL_TRUST_ROOTS": str(pki.ca_file)}

