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

if TYPE_CHECKING:
    from portal.adapters.jobs.wiring import DeliveryRuntime

RUN_TASK = "portal.delivery.run"
SWEEP_TASK = "portal.delivery.sweep"


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
        task_routes={SWEEP_TASK: {"queue": queues["sweep"]}},
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
        }},
    )

    @celery.task(name=RUN_TASK, ignore_result=True)
    def run(job_id: str, kind: str = "delivery") -> str:
        from portal.adapters.jobs.tasks import deliver

        with app.app_context():
            return deliver(runtime, job_id, kind).status

    @celery.task(name=SWEEP_TASK, ignore_result=True)
    def sweep() -> int:
        from portal.adapters.jobs.tasks import sweep_lost

        with app.app_context():
            return sweep_lost(runtime)

    return celery


class CeleryDispatcher:
    def __init__(self, celery: Celery, config: dict[str, Any]) -> None:
        self.celery = celery
        self.queues = queue_names(config)

    def enqueue(self, jobs: Sequence[tuple[str, float, str]]) -> None:
        for job_id, delay, kind in jobs:
            queue = self.queues["notification" if kind == "notification" else "delivery"]
            self.celery.send_task(RUN_TASK, args=[job_id, kind], queue=queue,
                                  countdown=delay or None)
