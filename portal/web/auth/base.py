"""Extension point for sign-in methods (one module per method, registered in `registry.py`)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any, ClassVar

from flask import Blueprint


class AuthMethod(ABC):
    id: ClassVar[str]
    label: ClassVar[dict[str, str]]
    description: ClassVar[dict[str, str]]

    @abstractmethod
    def is_enabled(self, config: Mapping[str, Any]) -> bool:
        """Whether this method is offered with this configuration."""

    @abstractmethod
    def max_trust_level(self, config: Mapping[str, Any]) -> int:
        """The highest STORK-QAA level a sign-in with this method can assert."""

    @abstractmethod
    def blueprint(self) -> Blueprint:
        """The routes of this method; its `start` endpoint takes `next` and `level`."""

    def start_endpoint(self) -> str:
        return f"auth_{self.id}.start"

    def single_logout(self) -> Any:
        """A response that signs the citizen out at the method's IdP too, or None when a local
        sign-out is all there is (called by /abmelden)."""
        return None
