"""The embedded default runs jobs in threads of the web process: a submission through the
citizen's pages is delivered without any worker, and the sweeper thread sends jobs that were
never enqueued."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update

from portal.adapters.db import migrate
from portal.adapters.db.delivery import DeliveryJob
from portal.adapters.db.models import now
from portal.adapters.jobs.inprocess import InProcessDispatcher
from portal.adapters.jobs.wiring import runtime_of
from portal.services.delivery import sweep
from portal.state import portal_state
from tests.adapters.delivery.receivers import SmtpReceiver
from tests.adapters.delivery.support import channels, delivery_app, run_jobs, submit_dog_tax
from tests.adapters.jobs.processes import wait_for
from tests.conftest import sign_in
from tests.factories import submit_reviewed
from tests.web.test_journey import fill_all_steps


def test_jobs_run_in_the_web_process(clean_db: str, seal: dict[str, Any]) -> None:
    with SmtpReceiver() as smtp:
        app = delivery_app(clean_db, seal, channels(smtp.port), DELIVERY_RUNNER="inprocess")
        dispatcher = runtime_of(app).dispatcher
        assert isinstance(dispatcher, InProcessDispatcher)
        try:
            client = app.test_client()
            sign_in(client)
            review = fill_all_steps(app, client, "hundesteuer-anmeldung")
            assert submit_reviewed(client, review).status_code == 302
            forgotten = submit_dog_tax(app)  # never enqueued: the sweeper finds it

            def undelivered() -> int:
                with portal_state(app).db.session() as session:
                    return int(session.scalar(select(func.count()).select_from(DeliveryJob).where(
                        DeliveryJob.status != "delivered")) or 0)

            wait_for(lambda: undelivered() == 0, 30, "all jobs delivered", 0.2)
            keys = smtp.keys()
            assert len(keys) == 2 and keys[f"{forgotten}/amt-mail"] == 1
            assert set(keys.values()) == {1}
        finally:
            dispatcher.stop()


def test_the_embedded_default_on_sqlite(tmp_path: Path, seal: dict[str, Any]) -> None:
    """Claim, sweep and delivery also work on SQLite (the embedded default's database)."""
    url = f"sqlite:///{tmp_path / 'portal.sqlite3'}"
    migrate.upgrade(url)
    dms = tmp_path / "dms"
    dms.mkdir()
    app = delivery_app(url, seal, channels(dms_dir=dms))
    first, second = submit_dog_tax(app), submit_dog_tax(app)
    assert sorted(o.status for o in run_jobs(app)) == ["delivered"] * 4
    assert len(list(dms.iterdir())) == 2
    with portal_state(app).db.session() as session:
        session.execute(update(DeliveryJob).where(DeliveryJob.submission_id == first)
                        .values(status="running", delivered_at=None,
                                locked_until=now() - timedelta(seconds=1)))
        session.commit()
    found = sweep(portal_state(app).db, runtime_of(app).policy)
    assert len(found) == 2 and second not in {j for j, _ in found}
    assert sorted(o.status for o in run_jobs(app)) == ["delivered"] * 2
    assert len(list(dms.iterdir())) == 2  # the repeat found the transfer already there
