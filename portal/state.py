"""What the app holds for its requests: database, catalogue of services, checkers, sign-in methods."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from flask import Flask

from portal.adapters.db.session import Database
from portal.adapters.xoev.din91379 import Din91379
from portal.definitions.loader import Catalog
from portal.services.drafts import Env

if TYPE_CHECKING:
    from portal.web.auth.registry import Registry


@dataclass
class PortalState:
    db: Database
    catalog: Catalog
    din: Din91379
    auth: Registry
    din_names: Din91379 | None = None  # DIN 91379 datatype A, for names of natural persons
    fixed_today: date | None = None
    timezone: str = "Europe/Berlin"

    def env(self) -> Env:
        names = self.din_names.invalid_chars if self.din_names else (lambda _s: [])
        return Env(self.catalog, self.fixed_today or self.today(), self.din.invalid_chars, names)

    def today(self) -> date:
        """Deadlines run by the authority's calendar (TIMEZONE), not the server's."""
        return datetime.now(ZoneInfo(self.timezone)).date()


def portal_state(app: Flask) -> PortalState:
    state: PortalState = app.extensions["portal"]
    return state
