"""The embedded default's demo data is made through the real services, once."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from portal import create_app
from portal.adapters.db import migrate
from portal.adapters.db.accounts import StaffAccount
from portal.adapters.db.models import Draft, Submission
from portal.demo import DEMO_CLERK, load_demo
from portal.state import portal_state


def test_demo_data_is_loaded_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'portal.sqlite3'}"
    migrate.upgrade(url)
    app = create_app({"ENV_NAME": "development", "DATABASE_URL": url, "DELIVERY_RUNNER": "manual"})
    first = load_demo(app)
    assert "HST-" in first and DEMO_CLERK in first
    assert load_demo(app) == "Demodaten sind bereits vorhanden."
    with portal_state(app).db.session() as session:
        assert session.scalar(select(func.count()).select_from(Submission)) == 1
        assert session.scalar(select(func.count()).select_from(Draft)) == 2
        clerk = session.scalar(select(StaffAccount).where(StaffAccount.email == DEMO_CLERK))
        assert clerk is not None and {d.department for d in clerk.departments} == {
            "steueramt", "meldebehoerde", "verkehrsbehoerde"}
