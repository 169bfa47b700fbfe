"""The delivery fixtures (seal, forms) for the fault tests."""

from tests.adapters.delivery.conftest import seal

__all__ = ["seal"]
