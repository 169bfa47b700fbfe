"""The job bodies, shared by every runner (Celery, thread, CLI). Thin on purpose: load by id
and call the service; all decisions (claim, retry, back-off, terminal failure) are there."""

from __future__ import annotations

import logging
import time

from flask import Flask
from sqlalchemy import select

from portal.adapters.db.delivery import DeliveryJob
from portal.adapters.jobs.wiring import DeliveryRuntime, runtime_of
from portal.adapters.observability.context import bound, current_request_id
from portal.adapters.observability.metrics import record_attempt
from portal.services.delivery import Outcome, mark_enqueued, pending_job_ids, run_job, sweep

log = logging.getLogger(__name__)


def attempt(runtime: DeliveryRuntime, job_id: str) -> Outcome:
    """One attempt of a job, measured (portal_delivery_* metrics)."""
    started = time.perf_counter()
    outcome = run_job(runtime.db, runtime.tools(), job_id)
    record_attempt(outcome.channel, outcome.status, time.perf_counter() - started,
                   outcome.latency)
    if outcome.status != "skipped":
        log.info("job %s (%s, %s): %s", job_id, outcome.kind, outcome.channel, outcome.status)
    return outcome


def deliver(runtime: DeliveryRuntime, job_id: str, kind: str = "delivery") -> Outcome:
    outcome = attempt(runtime, job_id)
    if outcome.status == "retry" and outcome.retry_in is not None:
        send(runtime, [(job_id, outcome.retry_in, kind)])
    return outcome


def sweep_lost(runtime: DeliveryRuntime) -> int:
    found = sweep(runtime.db, runtime.policy)
    if found:
        with runtime.db.session() as session:
            kinds = dict(session.execute(select(DeliveryJob.id, DeliveryJob.kind).where(
                DeliveryJob.id.in_([job_id for job_id, _delay in found]))).all())
        runtime.dispatcher.enqueue([(job_id, delay, kinds.get(job_id, "delivery"))
                                    for job_id, delay in found])
        log.info("sweep re-queued %d delivery job(s)", len(found))
    return len(found)


def send(runtime: DeliveryRuntime, jobs: list[tuple[str, float, str]]) -> bool:
    """Hand jobs to the runner and note when. A broker that is down is not the caller's
    problem: the jobs stay in the outbox and the sweep sends them later."""
    from datetime import timedelta

    from portal.adapters.db.models import now

    try:
        runtime.dispatcher.enqueue(jobs)
    except Exception as exc:  # kombu/redis raise many types; all mean "not sent now"
        log.warning("could not enqueue %d delivery job(s), the sweep will: %s", len(jobs), exc)
        return False
    moment = now()
    for job_id, delay, _kind in jobs:
        mark_enqueued(runtime.db, [job_id], moment + timedelta(seconds=delay))
    return True


def enqueue_submission(app: Flask, submission_id: str) -> bool:
    """Called by the web layer after the submit transaction has committed."""
    runtime = runtime_of(app)
    with runtime.db.session() as session:
        job_ids = pending_job_ids(session, submission_id)
    return send(runtime, [(job_id, 0.0, "delivery") for job_id in job_ids])


def enqueue_jobs(app: Flask, job_ids: list[str], kind: str = "delivery") -> bool:
    return send(runtime_of(app), [(job_id, 0.0, kind) for job_id in job_ids])


def run_due(runtime: DeliveryRuntime, rounds: int = 1) -> list[Outcome]:
    """Run every due job here and now (CLI, tests, cron without a broker)."""
    from portal.services.delivery import due_job_ids

    outcomes = []
    for _ in range(rounds):
        for job_id in due_job_ids(runtime.db, runtime.policy):
            with bound(current_request_id(), job_id):
                outcomes.append(attempt(runtime, job_id))
    return outcomes
