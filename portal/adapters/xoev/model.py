"""What a message is built from, and what a validation finds.

`MessageInput` holds everything a mapper needs, so mapping is a pure function of it: no
database, no clock, no configuration lookups.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from portal.definitions.codelists import CodeList
from portal.definitions.model import ServiceDefinition
from portal.definitions.municipality import Municipality

NS = "urn:de:ozg-portal:schema:antrag:1.0"
STANDARD = "OZG-Portal-Antrag"
STANDARD_VERSION = "1.0.0"
PRODUCT = "OZG-Portal"
PRODUCT_VENDOR = "OZG-Portal-Projekt"
PORTAL_ID = "ozg-portal"
# Code list 1 of the schema (Code.Nachrichtentyp): URI and version are fixed there.
MESSAGE_TYPE_LIST = "urn:de:ozg-portal:codeliste:nachrichtentyp"
MESSAGE_TYPE_LIST_VERSION = "1.0"
# Code lists of type 1 in the schema (ozg-portal-baukasten.xsd): portal values -> (code, name).
CODE_LIST_VERSION = "1.0"
CHANNELS = {"online": ("01", "Onlinedienst"),
            "counter": ("02", "Persönliche Vorsprache im Bürgerbüro")}
CHANNEL_LIST = "urn:de:ozg-portal:codeliste:eingangskanal"
AUTH_METHODS = {"bundid": ("01", "BundID (Nutzerkonto Bund)"),
                "konto": ("02", "Nutzerkonto des Portals"),
                "counter": ("03", "Persönliche Vorsprache mit Ausweisprüfung"),
                "dev": ("99", "Entwicklungs-Anmeldung (Test)")}
AUTH_METHOD_LIST = "urn:de:ozg-portal:codeliste:anmeldeverfahren"
PERIODS = {"once": ("01", "einmalig"), "year": ("02", "jährlich")}
PERIOD_LIST = "urn:de:ozg-portal:codeliste:gebuehrenzeitraum"
# Sign-ins that are never a real citizen: their messages carry test="true" (XÖV message
# attribute `test`), so no receiver takes them for a real application.
TEST_AUTH_METHODS = frozenset({"dev"})
# The municipality key (AGS) list is read from forms/codelists/ags.yaml like every other list.
AGS_CODELIST = "ags"
COUNTRY_CODELIST = "staat"
NATIONALITY_CODELIST = "staatsangehoerigkeit"
SEX_CODELIST = "geschlecht"


@dataclass(frozen=True)
class MessageInput:
    """A submitted application as the message mappers see it.

    `answers` use the format of portal.definitions.fields (address, person_name, file … as
    dicts, dates as ISO strings). `file_hashes` maps upload ids to SHA-256 digests, when the
    caller has them. Both datetimes must be timezone-aware: XÖV times carry a zone.
    """

    service: ServiceDefinition
    answers: Mapping[str, Any]
    reference: str
    submitted_at: datetime
    fee: Mapping[str, Any]
    channel: str
    auth_method: str
    trust_level: int
    municipality: Municipality
    codelists: Mapping[str, CodeList]
    message_uuid: UUID
    created_at: datetime
    notices: Sequence[Mapping[str, Any]] = ()
    file_hashes: Mapping[str, str] = field(default_factory=dict)
    product_version: str = "0.1.0"
    test: bool = False
    # portal.services.identity.Identity.identification() at submission; None for rows stored
    # before it was recorded.
    identification: Mapping[str, Any] | None = None

    def __post_init__(self) -> None:
        for name in ("submitted_at", "created_at"):
            value: datetime = getattr(self, name)
            if value.tzinfo is None or value.utcoffset() is None:
                raise ValueError(f"{name} must be timezone-aware")


@dataclass(frozen=True)
class Problem:
    """One finding of a validation: where (XPath, line) and why, in words a clerk reads."""

    xpath: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.xpath} (Zeile {self.line})" if self.line else self.xpath
        return f"{where}: {self.reason}"

    def to_json(self) -> dict[str, Any]:
        return {"xpath": self.xpath, "reason": self.reason, "line": self.line}
