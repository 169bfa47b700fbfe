"""The delivery fixtures (seal, forms, clean database) for the API tests."""

from tests.adapters.delivery.conftest import clean_db, seal

__all__ = ["clean_db", "seal"]
