"""The delivery fixtures (seal, forms) for the fault tests."""

from tests.adapters.delivery.conftest import clean_db, seal

__all__ = ["clean_db", "seal"]
