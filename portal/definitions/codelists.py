"""Code lists shared by forms and XÖV messages: one data file per list, with list URI and
version."""

from __future__ import annotations

from pydantic import Field

from portal.definitions.model import LText, Strict


class CodeEntry(Strict):
    code: str
    name: LText


class CodeList(Strict):
    id: str
    uri: str
    version: str
    title: LText
    source: str | None = None
    entries: list[CodeEntry] = Field(min_length=1)

    def entry(self, code: str) -> CodeEntry | None:
        return next((e for e in self.entries if e.code == code), None)

    def codes(self) -> list[str]:
        return [e.code for e in self.entries]
