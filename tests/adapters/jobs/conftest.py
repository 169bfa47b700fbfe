"""The delivery fixtures (seal, forms) for the job tests."""

from tests.adapters.delivery.conftest import clean_db, seal

__all__ = ["clean_db", "seal"]
