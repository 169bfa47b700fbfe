"""The delivery fixtures (seal, clean database) for the citizen pages that show job results."""

from tests.adapters.delivery.conftest import clean_db, seal

__all__ = ["clean_db", "seal"]
