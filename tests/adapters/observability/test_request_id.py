"""The request id reaches the job the request started: through the Celery task (a real
worker with its own Redis) and through the in-process runner's threads."""

from __future__ import annotations

import io
import json
import logging
import uuid
from pathlib import Path
from typing import Any

import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.adapters.db.delivery import DeliveryJob
from portal.adapters.observability.logs import handler
from portal.state import portal_state
from tests.adapters.delivery.receivers import free_port
from tests.adapters.delivery.support import delivery_app, worker_env
from tests.adapters.jobs.processes import CeleryWorker, RedisServer, wait_for
from tests.conftest import sign_in
from tests.factories import submit_reviewed
from tests.web.test_journey import fill_all_steps


def submit_with_request_id(app: Flask, request_id: str) -> FlaskClient:
    citizen = app.test_client()
    sign_in(citizen)
    review = fill_all_steps(app, citizen, "hundesteuer-abmeldung")
    citizen.environ_base["HTTP_X_REQUEST_ID"] = request_id
    done = submit_reviewed(citizen, review)
    assert done.status_code == 302 and done.headers["X-Request-ID"] == request_id
    return citizen


def delivered(app: Flask) -> bool:
    with portal_state(app).db.session() as session:
        return (session.scalar(select(func.count()).select_from(DeliveryJob)
                               .where(DeliveryJob.status == "delivered")) or 0) >= 1


def test_celery_job_logs_carry_the_request_id(clean_db: str, seal: dict[str, Any],
                                              tmp_path: Path) -> None:
    prefix = f"r{uuid.uuid4().hex[:8]}"
    request_id = f"edge-{uuid.uuid4().hex[:12]}"
    metrics_port = free_port()
    with RedisServer(tmp_path) as broker:
        overrides = {"CELERY_BROKER_URL": broker.url, "CELERY_QUEUE_PREFIX": prefix}
        app = delivery_app(clean_db, seal, {}, DELIVERY_RUNNER="celery", **overrides)
        env = worker_env(clean_db, seal, {}, METRICS_WORKER_PORT=metrics_port, **overrides)
        with CeleryWorker(env, tmp_path, beat=False) as worker:
            submit_with_request_id(app, request_id)
            wait_for(lambda: delivered(app), 60, "the delivery", interval=0.3)
            wait_for(lambda: request_id in worker.output(), 10, "the job's log line")
            output = worker.output()
            # The worker's own metrics endpoint (METRICS_WORKER_PORT) counted the attempt.
            scraped = requests.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5).text
    assert 'portal_delivery_attempts_total{channel="inbox",outcome="delivered"} 1.0' in scraped
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    job_lines = [r for r in lines if r.get("request_id") == request_id]
    assert job_lines and all(r.get("job_id") for r in job_lines)
    assert any("delivered" in r["message"] for r in job_lines)


def test_in_process_job_logs_carry_the_request_id(clean_db: str, seal: dict[str, Any]) -> None:
    request_id = f"edge-{uuid.uuid4().hex[:12]}"
    stream = io.StringIO()
    capture = handler(stream, "json")
    logging.getLogger("portal").addHandler(capture)
    try:
        # No sweep during the test: it could run the job first, under its own id.
        app = delivery_app(clean_db, seal, {}, DELIVERY_RUNNER="inprocess",
                           DELIVERY_SWEEP_SECONDS=600)
        submit_with_request_id(app, request_id)
        wait_for(lambda: delivered(app), 60, "the delivery", interval=0.2)
        wait_for(lambda: "delivered" in stream.getvalue(), 10, "the job's log line")
    finally:
        logging.getLogger("portal").removeHandler(capture)
        from portal.adapters.jobs.wiring import runtime_of

        runtime_of(app).dispatcher.stop()  # type: ignore[attr-defined]
    records = [json.loads(line) for line in stream.getvalue().splitlines()]
    job = next(r for r in records if r["logger"] == "portal.adapters.jobs.tasks")
    assert job["request_id"] == request_id and job["job_id"]
    assert any(r["logger"] == "portal.access" and r["request_id"] == request_id
               for r in records)
