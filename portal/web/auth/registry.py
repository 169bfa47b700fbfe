"""The registry of sign-in methods; other methods (SAML/BundID, local accounts) plug in here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from portal.web.auth.base import AuthMethod


class Registry:
    def __init__(self) -> None:
        self._methods: dict[str, AuthMethod] = {}

    def register(self, method: AuthMethod) -> AuthMethod:
        if method.id in self._methods:
            raise ValueError(f"sign-in method '{method.id}' is registered twice")
        self._methods[method.id] = method
        return method

    def all(self) -> list[AuthMethod]:
        return list(self._methods.values())

    def enabled(self, config: Mapping[str, Any]) -> list[AuthMethod]:
        return [m for m in self._methods.values() if m.is_enabled(config)]

    def get(self, method_id: str) -> AuthMethod | None:
        return self._methods.get(method_id)


def default_registry() -> Registry:
    from portal.web.auth.dev import DevSignIn
    from portal.web.auth.local import LocalSignIn
    from portal.web.auth.saml import SamlSignIn

    registry = Registry()
    registry.register(SamlSignIn())
    registry.register(LocalSignIn())
    registry.register(DevSignIn())
    return registry
