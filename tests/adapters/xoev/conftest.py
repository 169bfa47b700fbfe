"""Compiled schemas and the shipped catalogue, once per test session (compiling is slow)."""

from __future__ import annotations

import pytest

from portal.adapters.xoev.schemas import MessageSchemas, load_schemas
from portal.definitions.loader import Catalog
from tests.adapters.xoev.support import SCHEMAS_DIR, load_test_catalog


@pytest.fixture(scope="session")
def schemas() -> MessageSchemas:
    return load_schemas(SCHEMAS_DIR)


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_test_catalog()
