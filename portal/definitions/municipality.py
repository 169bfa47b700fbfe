"""The municipality's own data: name, keys, departments, bylaw tariffs, parking zones, the
SEPA creditor data and the data-protection contacts of its privacy notices."""

from __future__ import annotations

import re
from typing import Any

from pydantic import Field, PrivateAttr, field_validator

from portal.definitions.model import LText, Strict
from portal.definitions.places import Places, normalize_street

__all__ = ["Contact", "Department", "Municipality", "Office", "ParkingZone", "PrivacyContacts",
           "SepaCreditor", "creditor_id_valid", "normalize_street"]


class Department(Strict):
    id: str
    name: LText
    email: str | None = None


class ParkingZone(Strict):
    id: str
    name: str
    streets: list[str] = Field(min_length=1)


CREDITOR_ID = re.compile(r"^([A-Z]{2})(\d{2})[A-Z0-9]{3}([A-Z0-9]{1,28})$")


def creditor_id_valid(value: str) -> bool:
    """SEPA creditor identifier (EPC262-08, "Creditor Identifier Overview"): country code,
    two check digits, a three-character business code that the check digits leave out, and
    the national identifier; the check digits are ISO 7064 MOD 97-10 over the national
    identifier followed by the country code and "00", as for an IBAN."""
    match = CREDITOR_ID.match(value)
    if match is None:
        return False
    country, check, national = match.groups()
    digits = "".join(str(int(c, 36)) for c in national + country + "00")
    return 98 - int(digits) % 97 == int(check)


class SepaCreditor(Strict):
    """The municipality as creditor of SEPA core direct debits (SEPA Core Direct Debit
    Rulebook: a mandate names the creditor, its address and its creditor identifier)."""

    creditor_name: str
    creditor_address: str
    creditor_id: str
    # True while the identifier is not the municipality's own: start-up in production refuses.
    placeholder: bool = False
    # The mandate wording with %(creditor)s for the creditor's name.
    mandate_text: LText

    @field_validator("creditor_id")
    @classmethod
    def _creditor_id(cls, value: str) -> str:
        if not creditor_id_valid(value):
            raise ValueError(f"'{value}' is not a valid SEPA creditor identifier (check digits)")
        return value


class Contact(Strict):
    name: LText
    address: str
    email: str | None = None
    phone: str | None = None
    website: str | None = None


class PrivacyContacts(Strict):
    """The parts of every privacy notice (Art. 13 DSGVO) that belong to the municipality:
    controller (Abs. 1 lit. a), data protection officer (lit. b), the data subject's rights
    (Abs. 2 lit. b) and the supervisory authority to complain to (Abs. 2 lit. d)."""

    controller: Contact
    dpo: Contact
    rights: list[LText] = Field(min_length=1)
    supervisory_authority: Contact
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
    # Each fee rule reads and checks its own tariff (portal.definitions.tariffs).
    tariffs: dict[str, dict[str, Any]] = Field(default_factory=dict)
    parking_zones: list[ParkingZone] = Field(default_factory=list)
    sepa: SepaCreditor | None = None
    privacy: PrivacyContacts | None = None
    # Residence registration (issue #10): offices by department, and the data files (relative
    # to the municipality file) that place an address: the postcode -> AGS table of the
    # Gemeindeverzeichnis and the municipality's own street directory.
    offices: dict[str, Office] = Field(default_factory=dict)
    postcode_table: str | None = None
    street_directory: str | None = None
    _places: Places | None = PrivateAttr(default=None)

    def department(self, dep_id: str) -> Department | None:
        return next((d for d in self.departments if d.id == dep_id), None)

    def tariff(self, name: str) -> dict[str, Any]:
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

    def production_problems(self) -> list[str]:
        """What must be replaced before the file may serve real citizens."""
        problems = []
        if self.sepa is not None and self.sepa.placeholder:
            problems.append(f"sepa.creditor_id {self.sepa.creditor_id} is a placeholder: enter "
                            f"the creditor identifier the Bundesbank issued to {self.name}")
        if self.privacy is None:
            problems.append("privacy: the controller, data protection officer and supervisory "
                            "authority of the privacy notices are missing")
        return problems
