"""Alembic environment: the URL and metadata come from the portal, not from an ini file."""

from __future__ import annotations

from alembic import context

from portal.adapters.db.schema import metadata
from portal.adapters.db.session import make_engine

config = context.config
url = config.get_main_option("sqlalchemy.url") or ""
assert url, "sqlalchemy.url must be set by portal.adapters.db.migrate"


def run() -> None:
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata,
                          render_as_batch=connection.dialect.name == "sqlite",
                          compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run()
