"""Where an address lies: the municipality's own street and postcode data, and the postcode ->
municipality key (AGS) table from the Gemeindeverzeichnis.

Both are data files named in the municipality file; a fact about a place is only ever taken
from them, never guessed: an address the data cannot place gets no key.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import Field

from portal.definitions.model import Strict


def normalize_street(street: str) -> str:
    """Compare street names the way people write them: 'Marktstr.' equals 'Marktstraße'."""
    s = unicodedata.normalize("NFC", street).strip().lower()
    s = s.replace("ß", "ss")
    for short in ("str.", "strasse"):
        if s.endswith(short):
            s = s[: -len(short)] + "strasse"
    return " ".join(s.replace("-", " ").split())


class MunicipalityPostcodes(Strict):
    ags: str = Field(pattern=r"^\d{8}$")
    name: str
    postcodes: list[str] = Field(min_length=1)


class PostcodeTable(Strict):
    """A postcode -> AGS extract of the Gemeindeverzeichnis (see the data file for its source)."""

    source: str
    version: str
    municipalities: list[MunicipalityPostcodes] = Field(min_length=1)


class StreetEntry(Strict):
    name: str
    postcodes: list[str] = Field(min_length=1)


class StreetDirectory(Strict):
    """The municipality's own street directory (Straßenverzeichnis): every street with the
    postcodes it has."""

    source: str
    version: str
    streets: list[StreetEntry] = Field(min_length=1)


@dataclass(frozen=True)
class Places:
    """What the portal knows about places: the own municipality's key and postcodes, its street
    directory when the municipality file names one, and other municipalities' keys by postcode."""

    own_ags: str
    own_postcodes: frozenset[str]
    postcode_ags: Mapping[str, str] = field(default_factory=dict)
    streets: Mapping[str, frozenset[str]] | None = None  # normalised street -> postcodes

    @classmethod
    def build(cls, own_ags: str, own_postcodes: list[str], table: PostcodeTable | None,
              directory: StreetDirectory | None) -> Places:
        postcode_ags: dict[str, str] = {}
        for municipality in (table.municipalities if table else []):
            for postcode in municipality.postcodes:
                postcode_ags[postcode] = municipality.ags
        streets: dict[str, frozenset[str]] | None = None
        if directory is not None:
            collected: dict[str, set[str]] = {}
            for entry in directory.streets:
                collected.setdefault(normalize_street(entry.name), set()).update(entry.postcodes)
            streets = {k: frozenset(v) for k, v in collected.items()}
        return cls(own_ags, frozenset(own_postcodes), postcode_ags, streets)

    def in_municipality(self, address: Mapping[str, Any]) -> bool | None:
        """True or False when the data decides; None when the address lacks a postcode."""
        postcode = str(address.get("postcode") or "")
        if not postcode:
            return None
        if postcode not in self.own_postcodes:
            return False
        if self.streets is None:
            return True
        street = normalize_street(str(address.get("street") or ""))
        return postcode in self.streets.get(street, frozenset())

    def street_known(self, street: str) -> bool:
        return self.streets is None or normalize_street(street) in self.streets

    def ags_for(self, address: Mapping[str, Any]) -> str | None:
        """The municipality key of a domestic address: the own key only for an address that
        really lies in the municipality, else the key the postcode table gives, else none."""
        inside = self.in_municipality(address)
        if inside:
            return self.own_ags
        postcode = str(address.get("postcode") or "")
        ags = self.postcode_ags.get(postcode)
        if ags == self.own_ags:
            return None  # own postcode but a street the own directory does not know
        return ags
