"""The municipality's own data: name, keys, departments, bylaw tariffs, parking zones."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

from pydantic import Field

from portal.definitions.model import LText, Strict


class Department(Strict):
    id: str
    name: LText
    email: str | None = None


class ParkingZone(Strict):
    id: str
    name: str
    streets: list[str] = Field(min_length=1)


class Municipality(Strict):
    name: str
    short_name: str
    ags: str = Field(pattern=r"^\d{8}$")
    postcodes: list[str] = Field(default_factory=list)
    address: str
    website: str | None = None
    departments: list[Department] = Field(min_length=1)
    tariffs: dict[str, dict[str, Decimal | list[int] | str]] = Field(default_factory=dict)
    parking_zones: list[ParkingZone] = Field(default_factory=list)

    def department(self, dep_id: str) -> Department | None:
        return next((d for d in self.departments if d.id == dep_id), None)

    def tariff(self, name: str) -> dict[str, Decimal | list[int] | str]:
        try:
            return self.tariffs[name]
        except KeyError:
            raise KeyError(f"tariff '{name}' is not configured for {self.name}") from None

    def parking_zone_for(self, street: str) -> ParkingZone | None:
        wanted = normalize_street(street)
        for zone in self.parking_zones:
            if any(normalize_street(s) == wanted for s in zone.streets):
                return zone
        return None


def normalize_street(street: str) -> str:
    """Compare street names the way people write them: 'Marktstr.' equals 'Marktstraße'."""
    s = unicodedata.normalize("NFC", street).strip().lower()
    s = s.replace("ß", "ss")
    for short in ("str.", "strasse"):
        if s.endswith(short):
            s = s[: -len(short)] + "strasse"
    return " ".join(s.replace("-", " ").split())
