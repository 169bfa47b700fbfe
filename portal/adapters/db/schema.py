"""All tables of the portal in one metadata, for Alembic and the schema checks.

Every module that defines tables is imported here, so no table can be missed by a migration.
"""

from portal.adapters.db import accounts, delivery, documents, models, statistics

metadata = models.Base.metadata

__all__ = ["accounts", "delivery", "documents", "metadata", "models", "statistics"]
