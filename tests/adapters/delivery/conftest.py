"""Fixtures of the delivery tests (also used by tests/adapters/jobs, tests/faults, tests/web)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from portal.adapters.db.schema import metadata as all_tables
from portal.adapters.db.session import make_engine
from tests.adapters.delivery.support import close_apps, seal_config

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def seal(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Configuration the delivery tests add: a development seal (CA + PKCS#12) for this test
    session."""
    return seal_config(Path(tmp_path_factory.mktemp("seal")))


@pytest.fixture
def clean_db(database_url: str) -> Iterator[str]:
    """The session's database, emptied after the test (for tests that make their own app
    instead of using the `app` fixture)."""
    yield database_url
    close_apps()
    engine = make_engine(database_url)
    with engine.begin() as conn:
        tables = ", ".join(f'"{t.name}"' for t in reversed(all_tables.sorted_tables))
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
