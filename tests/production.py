"""A municipality file that production start-up accepts: the shipped one with the SEPA
creditor identifier marked as the town's own (tests only; the real file keeps it a
placeholder until the town enters its identifier)."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def production_municipality(tmp_path: Path) -> Path:
    # The whole directory: the municipality file names its data files (postcode table, street
    # directory) relative to itself.
    directory = shutil.copytree(ROOT / "municipalities", tmp_path / "municipalities-production")
    target = directory / "goslar.yaml"
    text = target.read_text(encoding="utf-8")
    assert "  placeholder: true\n" in text
    target.write_text(text.replace("  placeholder: true\n", "  placeholder: false\n"),
                      encoding="utf-8")
    return target
