"""The Alembic migrations create exactly the schema the models describe, on both databases."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from portal.adapters.db import migrate
from portal.adapters.db.schema import metadata
from portal.adapters.db.session import make_engine


def diff(url: str) -> list[object]:
    engine = make_engine(url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        result = compare_metadata(context, metadata)
    engine.dispose()
    return list(result)


def test_postgresql_schema_matches_models(database_url: str) -> None:
    assert diff(database_url) == []


def test_sqlite_schema_matches_models_and_downgrade_works(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'portal.sqlite3'}"
    migrate.upgrade(url)
    assert diff(url) == []
    migrate.downgrade(url, "base")
    migrate.upgrade(url)
    assert diff(url) == []
