"""The delivery fixtures (seal, forms) for the job tests."""

from tests.adapters.delivery.conftest import seal

__all__ = ["seal"]
