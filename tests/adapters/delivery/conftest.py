"""Fixtures of the delivery tests (also used by tests/adapters/jobs, tests/faults, tests/web)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.adapters.delivery.support import seal_config

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def seal(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Configuration the delivery tests add: a development seal (CA + PKCS#12) for this test
    session, and the forms with the municipality key list the XÖV messages need."""
    config = seal_config(Path(tmp_path_factory.mktemp("seal")))
    forms = ROOT / "forms"
    if not (forms / "codelists" / "ags.yaml").exists():
        # Until forms/codelists/ags.yaml is handed over (XÖV issue): the proposed list.
        from tests.adapters.xoev.support import write_ags_file

        forms = Path(tmp_path_factory.mktemp("forms")) / "forms"
        shutil.copytree(ROOT / "forms", forms)
        write_ags_file(forms / "codelists")
        config["FORMS_DIR"] = str(forms)
    return config
