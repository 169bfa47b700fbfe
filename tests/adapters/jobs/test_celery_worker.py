"""A real Celery worker process with its own Redis: submissions are delivered through the
named queues, and the periodic sweep (beat) sends jobs that were never enqueued."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from portal.adapters.db.delivery import DeliveryJob
from portal.adapters.jobs.tasks import enqueue_submission
from portal.state import portal_state
from tests.adapters.delivery.receivers import HttpReceiver, SmtpReceiver
from tests.adapters.delivery.support import (
    SECRET,
    channels,
    delivery_app,
    submit_dog_tax,
    worker_env,
)
from tests.adapters.jobs.processes import CeleryWorker, RedisServer, wait_for


def undelivered(app: Flask) -> int:
    with portal_state(app).db.session() as session:
        return int(session.scalar(select(func.count()).select_from(DeliveryJob)
                                  .where(DeliveryJob.status != "delivered")) or 0)


def test_worker_delivers_through_named_queues_and_the_sweep_finds_unsent_jobs(
        clean_db: str, seal: dict[str, Any], tmp_path: Path) -> None:
    prefix = f"t{uuid.uuid4().hex[:8]}"
    with RedisServer(tmp_path) as broker, SmtpReceiver() as smtp, HttpReceiver(SECRET) as hook:
        config = channels(smtp.port, hook.url)
        overrides = {"CELERY_BROKER_URL": broker.url, "CELERY_QUEUE_PREFIX": prefix}
        app = delivery_app(clean_db, seal, config, DELIVERY_RUNNER="celery", **overrides)
        env = worker_env(clean_db, seal, config, **overrides)
        with CeleryWorker(env, tmp_path) as worker:
            sent = [submit_dog_tax(app) for _ in range(2)]
            for submission_id in sent:
                assert enqueue_submission(app, submission_id)
            # Never enqueued (as if the web process died right after the commit).
            forgotten = submit_dog_tax(app)
            wait_for(lambda: undelivered(app) == 0, 60, "all jobs delivered",
                     interval=0.3)
            log = worker.output()
        ids = [*sent, forgotten]
        assert smtp.keys() == {f"{i}/amt-mail": 1 for i in ids}
        assert hook.cases == {f"{i}/fachverfahren": 1 for i in ids}
        assert hook.posts == hook.cases  # no repeats were needed
        assert f"{prefix}.delivery" in log and "portal.delivery.sweep" in log
    portal_state(app).db.engine.dispose()
