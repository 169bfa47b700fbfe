"""The municipality's own data: name, keys, departments, bylaw tariffs, parking zones."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field, PrivateAttr

from portal.definitions.model import LText, Strict
from portal.definitions.places import Places, normalize_street

__all__ = ["Department", "Municipality", "Office", "ParkingZone", "normalize_street"]


class Department(Strict):
    id: str
    name: LText
    email: str | None = None


class ParkingZone(Strict):
    id: str
    name: str
    streets: list[str] = Field(min_length=1)


class Office(Strict):
    """Where people go when a case cannot be handled online: contact and appointments."""

    name: LText
    address: str
    phone: str | None = None
    email: str | None = None
    appointment_url: str | None = None
    source: str | None = None


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
    # Residence registration (issue #10): offices by department, and the data files (relative
    # to the municipality file) that place an address: the postcode -> AGS table of the
    # Gemeindeverzeichnis and the municipality's own street directory.
    offices: dict[str, Office] = Field(default_factory=dict)
    postcode_table: str | None = None
    street_directory: str | None = None
    _places: Places | None = PrivateAttr(default=None)

    def department(self, dep_id: str) -> Department | None:
        return next((d for d in self.departments if d.id == dep_id), None)

    def tariff(self, name: str) -> dict[str, Decimal | list[int] | str]:
        try:
            return self.tariffs[name]
        except KeyError:
            raise KeyError(f"tariff '{name}' is not configured for {self.name}") from None

    @property
    def places(self) -> Places:
        """Set by the loader from the data files; without them only the own postcodes."""
        if self._places is None:
            self._places = Places.build(self.ags, self.postcodes, None, None)
        return self._places

    def with_places(self, places: Places) -> Municipality:
        self._places = places
        return self

    def office(self, department: str) -> Office | None:
        return self.offices.get(department)

    def parking_zone_for(self, street: str) -> ParkingZone | None:
        wanted = normalize_street(street)
        for zone in self.parking_zones:
            if any(normalize_street(s) == wanted for s in zone.streets):
                return zone
        return None

