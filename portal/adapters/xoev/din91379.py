"""DIN 91379 character check, taken from the XÖV datatype schema itself (one source of truth)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import xmlschema

DIN_SCHEMA = Path("xoev/din/91379/2022-08/din-norm-91379-datatypes.xsd")


class Din91379:
    """`invalid_chars(text)` lists the characters outside DIN 91379 datatype C (or the
    datatype given, e.g. "datatypeA" for names of natural persons)."""

    def __init__(self, schemas_dir: Path, datatype: str = "datatypeC") -> None:
        schema = xmlschema.XMLSchema(str(schemas_dir / DIN_SCHEMA))
        self._type = schema.types[datatype]
        self._char_ok = lru_cache(maxsize=4096)(self._type.is_valid)

    def invalid_chars(self, text: str) -> list[str]:
        if self._type.is_valid(text):
            return []
        # Valid combining sequences only fail the whole-text check when another character is
        # wrong, so the characters that fail on their own are the ones to name.
        bad: list[str] = []
        for char in dict.fromkeys(text):
            if not char.isspace() and not self._char_ok(char) and char not in bad:
                bad.append(char)
        return bad or ["?"]
