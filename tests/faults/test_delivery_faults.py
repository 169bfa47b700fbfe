"""Faults during delivery, with real components: PostgreSQL, a Redis of the test's own, a
Celery worker process, an SMTP server, an HTTP receiver and a DMS directory.

After each fault every submission must have reached every channel exactly once, counted at
the receivers: the HTTP receiver and the mail system count cases per idempotency key (as a
receiver honouring the key does), the DMS directory holds one transfer per submission.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from portal.adapters.db.delivery import DeliveryJob
from portal.adapters.delivery.dms import process_id
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
from tests.conftest import sign_in
from tests.factories import submit_reviewed
from tests.web.test_journey import fill_all_steps

CHANNEL_TIMEOUT = 2.0
FAULTS = {"DELIVERY_LEASE_SECONDS": 6, "DELIVERY_REQUEUE_SECONDS": 3,
          "DELIVERY_SWEEP_SECONDS": 1, "DELIVERY_MAX_ATTEMPTS": 10,
          "DELIVERY_BACKOFF_SECONDS": 1, "DELIVERY_BACKOFF_MAX_SECONDS": 2}


@dataclass
class Rig:
    app: Flask
    redis: RedisServer
    worker: CeleryWorker
    smtp: SmtpReceiver
    hook: HttpReceiver
    dms: Path

    def submit(self, count: int, enqueue: bool = True) -> list[str]:
        ids = [submit_dog_tax(self.app) for _ in range(count)]
        if enqueue:
            for submission_id in ids:
                enqueue_submission(self.app, submission_id)
        return ids

    def undelivered(self) -> int:
        with portal_state(self.app).db.session() as session:
            return int(session.scalar(select(func.count()).select_from(DeliveryJob)
                                      .where(DeliveryJob.status != "delivered")) or 0)

    def wait_all_delivered(self, timeout: float = 90) -> None:
        try:
            wait_for(lambda: self.undelivered() == 0, timeout, "every job delivered", 0.3)
        except AssertionError:
            raise AssertionError(self.worker.output()[-4000:]) from None

    def assert_exactly_once(self, submission_ids: list[str]) -> None:
        assert self.smtp.keys() == {f"{i}/amt-mail": 1 for i in submission_ids}
        assert self.hook.cases == {f"{i}/fachverfahren": 1 for i in submission_ids}
        assert self.hook.bad_signatures == 0
        files = sorted(p.name for p in self.dms.iterdir())
        assert files == sorted(f"{process_id(i)}_FVDaten.SGOAblegen.0605.zip"
                               for i in submission_ids), files  # and no temporary files
        with portal_state(self.app).db.session() as session:
            rows = session.execute(select(DeliveryJob.submission_id, DeliveryJob.channel,
                                          DeliveryJob.status)).all()
        assert sorted(rows) == sorted((i, c, "delivered") for i in submission_ids
                                      for c in ("amt-mail", "dms", "fachverfahren", "inbox"))


@contextmanager
def rig(database_url: str, seal: dict[str, Any], tmp_path: Path) -> Iterator[Rig]:
    dms = tmp_path / "dms"
    dms.mkdir()
    prefix = f"f{uuid.uuid4().hex[:8]}"
    with RedisServer(tmp_path) as redis, SmtpReceiver() as smtp, HttpReceiver(SECRET) as hook:
        config = channels(smtp.port, hook.url, dms, timeout=CHANNEL_TIMEOUT)
        overrides = {**FAULTS, "CELERY_BROKER_URL": redis.url, "CELERY_QUEUE_PREFIX": prefix}
        app = delivery_app(database_url, seal, config, DELIVERY_RUNNER="celery", **overrides)
        worker = CeleryWorker(worker_env(database_url, seal, config, **overrides), tmp_path)
        try:
            worker.start()
            yield Rig(app, redis, worker, smtp, hook, dms)
        finally:
            worker.stop()
            portal_state(app).db.engine.dispose()


def test_worker_killed_during_a_delivery(clean_db: str, seal: dict[str, Any],
                                         tmp_path: Path) -> None:
    with rig(clean_db, seal, tmp_path) as r:
        # The receiver takes the first case but answers only after 3 s: the worker is
        # killed while it waits, before it can record the delivery.
        r.hook.plan = ["timeout:3"]
        ids = r.submit(3)
        assert r.hook.arrived.wait(60), r.worker.output()[-3000:]
        r.worker.kill()
        r.worker.start()
        r.wait_all_delivered()
        r.assert_exactly_once(ids)
        # The killed attempt reached the receiver; the repeat carried the same key.
        assert sum(r.hook.posts.values()) == len(ids) + 1


def test_redis_stopped_and_restarted(clean_db: str, seal: dict[str, Any],
                                     tmp_path: Path) -> None:
    with rig(clean_db, seal, tmp_path) as r:
        before = r.submit(1)
        r.wait_all_delivered()
        r.redis.stop()
        # Submitting still works, quickly: the jobs wait in the outbox.
        client = r.app.test_client()
        sign_in(client)
        review = fill_all_steps(r.app, client, "hundesteuer-anmeldung")
        started = time.monotonic()
        response = submit_reviewed(client, review)
        assert response.status_code == 302 and time.monotonic() - started < 8
        during = r.submit(2)
        time.sleep(2)  # the worker and its beat notice the broker is gone
        r.redis.start()
        r.wait_all_delivered()
        with portal_state(r.app).db.session() as session:
            web = session.scalars(select(DeliveryJob.submission_id).where(
                DeliveryJob.submission_id.notin_([*before, *during]))).all()
        r.assert_exactly_once([*before, *during, *set(web)])


def test_receiver_fails_and_times_out_before_it_recovers(clean_db: str, seal: dict[str, Any],
                                                         tmp_path: Path) -> None:
    with rig(clean_db, seal, tmp_path) as r:
        r.hook.plan = ["500", "500", "timeout:3", "500", "timeout:3"]
        r.smtp.fail_next = 2  # the mail system answers 451 twice
        ids = r.submit(3)
        r.wait_all_delivered()
        r.assert_exactly_once(ids)
        assert r.hook.requests >= len(ids) + 5
        assert sum(r.hook.posts.values()) == len(ids) + 2  # the two late answers
        with portal_state(r.app).db.session() as session:
            attempts = session.scalars(select(DeliveryJob.attempts).where(
                DeliveryJob.channel == "fachverfahren")).all()
        assert sum(attempts) == len(ids) + 5
