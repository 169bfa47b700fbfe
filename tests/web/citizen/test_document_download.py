"""The citizen downloads the same sealed document the back office gets (§ 3a Abs. 5 VwVfG)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from sqlalchemy import select

from portal.adapters.db.documents import Document
from portal.adapters.db.models import Submission
from portal.state import portal_state
from tests.adapters.delivery.support import delivery_app, run_jobs, submit_dog_tax
from tests.conftest import sign_in


def test_sealed_copy_is_offered_once_the_job_has_run(clean_db: str, seal: dict[str, Any],
                                                      tmp_path: Path) -> None:
    app = delivery_app(clean_db, seal, {})
    submission_id = submit_dog_tax(app)
    with portal_state(app).db.session() as session:
        reference = session.get(Submission, submission_id).reference  # type: ignore[union-attr]
    client = app.test_client()
    sign_in(client, persona="erika")
    page = client.get(f"/meine-antraege/{reference}").get_data(as_text=True)
    assert "wird gerade erstellt" in page
    assert client.get(f"/meine-antraege/{reference}/dokument").status_code == 404

    run_jobs(app)
    page = client.get(f"/meine-antraege/{reference}").get_data(as_text=True)
    assert "Antrag als PDF herunterladen" in page
    response = client.get(f"/meine-antraege/{reference}/dokument")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "private, no-store"
    with portal_state(app).db.session() as session:
        stored = session.scalar(select(Document).where(Document.submission_id == submission_id))
        assert stored is not None and stored.content == response.data  # the very same bytes
    pdf = tmp_path / "copy.pdf"
    pdf.write_bytes(response.data)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert reference in text and "Bello" in text

    other = app.test_client()
    sign_in(other, persona="max")
    assert other.get(f"/meine-antraege/{reference}/dokument").status_code == 404
    assert other.get(f"/meine-antraege/{reference}").status_code == 404
