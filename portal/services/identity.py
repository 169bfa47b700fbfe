"""Who is acting: the signed-in citizen as asserted by a sign-in method."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

COMPLETE = {"name": ("family_name", "given_names"),
            "address": ("street", "house_number", "postcode", "town")}
PREFILL_KEYS = ("name", "address", "birth_date", "birth_place", "email", "nationality")


@dataclass(frozen=True)
class Identity:
    method: str
    subject: str
    trust_level: int
    family_name: str = ""
    given_names: str = ""
    birth_name: str | None = None
    birth_date: str | None = None
    birth_place: str | None = None
    address: dict[str, str] | None = None
    email: str | None = None
    nationality: str | None = None
    bpk2: str | None = None
    verified: tuple[str, ...] = field(default_factory=tuple)
    # When the sign-in method identified the person (ISO 8601 with zone): a registration
    # message tells the registration office who registered, with which method and when.
    identified_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(
        timespec="milliseconds"))

    @property
    def display_name(self) -> str:
        return f"{self.given_names} {self.family_name}".strip() or self.subject

    def prefill(self, key: str) -> Any:
        """The value for a field with `prefill: key`, or None when the identity has none."""
        if key == "name":
            if not (self.family_name or self.given_names):
                return None
            name = {"family_name": self.family_name, "given_names": self.given_names}
            if self.birth_name:
                name["birth_name"] = self.birth_name
            return name
        if key == "address":
            return dict(self.address) if self.address else None
        return getattr(self, key, None) if key in PREFILL_KEYS else None

    def is_verified(self, key: str) -> bool:
        """Verified and complete: an incomplete value (an eID address without a house number)
        is prefilled but stays editable, or the citizen could never finish the form."""
        value = self.prefill(key)
        if key not in self.verified or value is None:
            return False
        required = COMPLETE.get(key, ())
        return all(value.get(part) for part in required) if isinstance(value, dict) else True

    def identification(self) -> dict[str, Any]:
        """What a submission records about the sign-in: method, level, the pseudonymous
        identifier (BundID: bPK2), the time, and the values the eID vouched for."""
        data: dict[str, Any] = {"method": self.method, "level": self.trust_level,
                                "pseudonym": self.bpk2 or self.subject,
                                "identified_at": self.identified_at}
        vouched = {key: self.prefill(key) for key in PREFILL_KEYS if self.is_verified(key)}
        if vouched:
            data["verified"] = vouched
        return data

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["verified"] = list(self.verified)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Identity:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        known["verified"] = tuple(known.get("verified") or ())
        return cls(**known)
