"""The delivery fixtures (seal, clean database) for the operation tests."""

from tests.adapters.delivery.conftest import clean_db, seal

__all__ = ["clean_db", "seal"]
