"""The sealer of the document tests, from the session's development seal (`pki` in
tests/conftest.py)."""

from __future__ import annotations

import pytest

from portal.adapters.documents.pki import DevPki
from portal.adapters.documents.seal import Sealer, SealSettings


@pytest.fixture(scope="session")
def sealer(pki: DevPki) -> Sealer:
    return Sealer.from_settings(SealSettings(
        pkcs12_file=pki.pkcs12_file, pkcs12_password=pki.password_file.read_text().strip()))
