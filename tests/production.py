"""A municipality file that production start-up accepts: the shipped one with the SEPA
creditor identifier marked as the town's own (tests only; the real file keeps it a
placeholder until the town enters its identifier)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def production_municipality(tmp_path: Path) -> Path:
    text = (ROOT / "municipalities" / "goslar.yaml").read_text(encoding="utf-8")
    assert "  placeholder: true\n" in text
    target = tmp_path / "goslar-production.yaml"
    target.write_text(text.replace("  placeholder: true\n", "  placeholder: false\n"),
                      encoding="utf-8")
    return target
