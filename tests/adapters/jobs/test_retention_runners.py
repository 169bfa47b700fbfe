"""Every runner runs the retention job: Celery beat schedules it on the sweep queue, and the
in-process runner's sweeper deletes what is due by itself."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from portal.adapters.db.models import Draft, now
from portal.adapters.jobs.celery_app import RETENTION_TASK
from portal.adapters.jobs.wiring import runtime_of
from portal.state import portal_state
from tests.adapters.delivery.support import delivery_app
from tests.adapters.jobs.processes import wait_for
from tests.services.test_retention import add_draft


def test_celery_beat_schedules_the_retention_job(clean_db: str, seal: dict[str, Any]) -> None:
    app = delivery_app(clean_db, seal, {}, DELIVERY_RUNNER="celery",
                       CELERY_QUEUE_PREFIX="p1", RETENTION_INTERVAL_SECONDS=600)
    celery = runtime_of(app).dispatcher.celery  # type: ignore[attr-defined]
    entry = celery.conf.beat_schedule["retention"]
    assert entry["task"] == RETENTION_TASK and entry["schedule"] == 600.0
    assert entry["options"]["queue"] == "p1.sweep"
    assert RETENTION_TASK in celery.tasks


def test_in_process_runner_deletes_what_is_due(clean_db: str, seal: dict[str, Any]) -> None:
    app = delivery_app(clean_db, seal, {}, DELIVERY_RUNNER="inprocess",
                       DELIVERY_SWEEP_SECONDS=0.2, RETENTION_INTERVAL_SECONDS=0.2)
    due = add_draft(app, now() - timedelta(days=31))
    kept = add_draft(app, now() - timedelta(days=29))
    dispatcher = runtime_of(app).dispatcher
    dispatcher.start()  # type: ignore[attr-defined]

    def remaining() -> set[str]:
        with portal_state(app).db.session() as session:
            return set(session.scalars(select(Draft.id)))

    try:
        wait_for(lambda: due not in remaining(), 30, "the retention job", interval=0.2)
    finally:
        dispatcher.stop()  # type: ignore[attr-defined]
    assert kept in remaining()
