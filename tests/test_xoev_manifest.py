"""The public XÖV schema files in xoev_schemas/ are the unchanged copies the MANIFEST records:
every file listed with source, licence note and a matching SHA-256, and nothing unlisted.
The project's own schemas (xoev_schemas/portal/) are not public copies and are not listed."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "xoev_schemas"
REFERENCE = ROOT.parent / "shared" / "reference" / "xoev"
OWN = {"portal"}


@dataclass(frozen=True)
class Entry:
    sha256: str
    path: str
    source: str
    licence: str


def manifest() -> list[Entry]:
    entries = []
    for line in (SCHEMAS / "MANIFEST").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        sha, path, source, licence = line.split("\t")
        entries.append(Entry(sha, path, source, licence))
    return entries


def public_files() -> set[str]:
    return {p.relative_to(SCHEMAS).as_posix() for p in SCHEMAS.rglob("*")
            if p.is_file() and p.name != "MANIFEST" and p.relative_to(SCHEMAS).parts[0] not in OWN}


def test_manifest_lists_every_public_file_once() -> None:
    paths = [e.path for e in manifest()]
    assert len(paths) == len(set(paths))
    assert set(paths) == public_files()


@pytest.mark.parametrize("entry", manifest(), ids=lambda e: e.path)
def test_file_is_unchanged(entry: Entry) -> None:
    assert hashlib.sha256((SCHEMAS / entry.path).read_bytes()).hexdigest() == entry.sha256
    assert ":" in entry.source, "source must name repository:path"
    assert entry.licence.strip()


def test_copies_are_byte_identical_to_the_reference() -> None:
    if not REFERENCE.is_dir():
        pytest.skip(f"reference material not present at {REFERENCE}")
    for entry in manifest():
        assert (SCHEMAS / entry.path).read_bytes() == (REFERENCE / entry.path).read_bytes(), \
            entry.path
