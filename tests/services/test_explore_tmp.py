from pathlib import Path
from flask import Flask
from portal.adapters.documents.compose import tools_for
from portal.services.documents import create_document
from portal.state import portal_state
from tests.adapters.documents.support import fill, store_submission, xoev_xml
from tests.services.test_documents import pki, sealing_app  # noqa: F401


def test_dump(sealing_app: Flask) -> None:
    state = portal_state(sealing_app)
    service = state.catalog.services["hundesteuer-anmeldung"]
    filled = fill(service, state.catalog, items=3)
    with state.db.session() as session:
        sub = store_submission(session, state.catalog, service, filled, "HST-2026-000042")
        doc = create_document(session, state.catalog, sub.id, xoev_xml("HST-2026-000042"), tools_for(sealing_app))
        session.commit()
    Path("/tmp/hstpdf/hst.pdf").write_bytes(doc.content)
