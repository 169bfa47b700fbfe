"""German is the source language; every text has an English translation."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

CATALOG = Path("portal/translations/en/LC_MESSAGES/messages.po")


def test_every_text_in_code_and_templates_is_translated(tmp_path: Path) -> None:
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
                    "-k", "N_", "-k", "_", "-k", "gettext", "--no-location", "-o", str(pot), "."],
                   check=True, capture_output=True)
    with pot.open("rb") as f:
        wanted = {m.id for m in read_po(f) if m.id}
    with CATALOG.open("rb") as f:
        catalog = read_po(f)
    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    missing = sorted(str(i) for i in wanted - translated)
    assert not missing, f"{len(missing)} texts without English translation, e.g. {missing[:5]}"


def test_placeholders_survive_translation() -> None:
    with CATALOG.open("rb") as f:
        catalog = read_po(f)
    for message in catalog:
        if message.id and message.string:
            wanted = sorted(re.findall(r"%\(\w+\)s", str(message.id)))
            assert sorted(re.findall(r"%\(\w+\)s", str(message.string))) == wanted, message.id
