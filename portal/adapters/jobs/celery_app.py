"""Celery with Redis as broker, for production.

Named queues (`<prefix>.delivery`, `<prefix>.notify`, `<prefix>.sweep`) so citizens'
notifications never wait behind a slow receiver and the sweep always gets a turn. Tasks are
acknowledged late and rejected when the worker is lost, and a worker takes one task at a
time; the database, not the broker, is the record of what is left to do: the periodic sweep
(beat) re-sends whatever a broker or a killed worker lost.

Run a worker:  celery -A portal.adapters.jobs.worker worker -Q portal.delivery,portal.notify,portal.sweep
Run the beat:  celery -A portal.adapters.jobs.worker beat   (or `worker -B` with one worker)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from celery import Celery
from flask import Flask
from kombu import Queue

from portal.adapters.observability.context import bound, current_request_id

if TYPE_CHECKING:
    from portal.adapters.jobs.wiring import DeliveryRuntime

RUN_TASK = "portal.delivery.run"
SWEEP_TASK = "portal.delivery.sweep"
RETENTION_TASK = "portal.retention.run"


def queue_names(config: dict[str, Any]) -> dict[str, str]:
    prefix = str(config.get("CELERY_QUEUE_PREFIX") or "portal")
    return {"delivery": f"{prefix}.delivery", "notification": f"{prefix}.notify",
            "sweep": f"{prefix}.sweep"}


def make_celery(app: Flask, runtime: DeliveryRuntime) -> Celery:
    config = runtime.config
    queues = queue_names(config)
    # Fail fast when Redis is down: the web request must not hang on a publish, the job is
    # safe in the outbox and the sweep sends it when the broker is back.
    quick = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
    celery = Celery("portal", broker=str(config["CELERY_BROKER_URL"]), set_as_current=False)
    celery.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        task_default_queue=queues["delivery"],
        task_queues=[Queue(name) for name in queues.values()],
        task_routes={SWEEP_TASK: {"queue": queues["sweep"]},
                     RETENTION_TASK: {"queue": queues["sweep"]}},
        task_publish_retry_policy=quick,
        broker_connection_timeout=2,
        broker_connection_retry_on_startup=True,
        broker_transport_options={"visibility_timeout": int(config["CELERY_VISIBILITY_TIMEOUT"]),
                                  **quick, "socket_timeout": 5, "socket_connect_timeout": 2},
        worker_hijack_root_logger=False,
        worker_cancel_long_running_tasks_on_connection_loss=False,
        beat_schedule={"delivery-sweep": {
            "task": SWEEP_TASK, "schedule": float(config["DELIVERY_SWEEP_SECONDS"]),
            "options": {"queue": queues["sweep"], "expires": float(config["DELIVERY_SWEEP_SECONDS"])},
        }, **_retention_schedule(config, queues["sweep"])},
    )
    _quiet_celery_logging()

    @celery.task(name=RUN_TASK, ignore_result=True, shared=False)
    def run(job_id: str, kind: str = "delivery", request_id: str | None = None) -> str:
        from portal.adapters.jobs.tasks import deliver

        # The web request's id (task kwargs), so its log lines and the job's share one id.
        with bound(request_id, job_id), app.app_context():
            return deliver(runtime, job_id, kind).status

    @celery.task(name=SWEEP_TASK, ignore_result=True, shared=False)
    def sweep() -> int:
        from portal.adapters.jobs.tasks import sweep_lost

        with bound(), app.app_context():
            return sweep_lost(runtime)

    @celery.task(name=RETENTION_TASK, ignore_result=True, shared=False)
    def retention() -> dict[str, int]:
        from portal.adapters.jobs.maintenance import run_retention

        with bound(), app.app_context():
            return run_retention(app).as_dict()

    _serve_worker_metrics(config)
    return celery


def _retention_schedule(config: dict[str, Any], queue: str) -> dict[str, Any]:
    interval = float(config.get("RETENTION_INTERVAL_SECONDS") or 0)
    if interval <= 0:
        return {}
    return {"retention": {"task": RETENTION_TASK, "schedule": interval,
                          "options": {"queue": queue, "expires": interval}}}


def _quiet_celery_logging() -> None:
    """The portal configured logging (JSON lines, request ids, redaction) when the app was
    created; a receiver of `setup_logging` stops Celery from adding its own root handler."""
    from celery import signals

    if not signals.setup_logging.receivers:
        signals.setup_logging.connect(_keep_portal_logging, weak=False)


def _keep_portal_logging(**_kwargs: Any) -> None:
    return None


def _serve_worker_metrics(config: dict[str, Any]) -> None:
    """METRICS_WORKER_PORT: each worker's main process serves its machine's metrics (with
    PROMETHEUS_MULTIPROC_DIR, those of all its pool processes), for machines that run
    workers but no web process. Not the beat, which never starts a worker."""
    port = int(config.get("METRICS_WORKER_PORT") or 0)
    if not port:
        return
    from celery import signals

    def start(**_kwargs: Any) -> None:
        from portal.adapters.observability.metrics import serve

        serve(port)

    signals.worker_init.connect(start, weak=False)


class CeleryDispatcher:
    def __init__(self, celery: Celery, config: dict[str, Any]) -> None:
        self.celery = celery
        self.queues = queue_names(config)

    def enqueue(self, jobs: Sequence[tuple[str, float, str]]) -> None:
        request_id = current_request_id()
        for job_id, delay, kind in jobs:
            queue = self.queues["notification" if kind == "notification" else "delivery"]
            self.celery.send_task(RUN_TASK, args=[job_id, kind], queue=queue,
                                  kwargs={"request_id": request_id} if request_id else None,
                                  countdown=delay or None)
