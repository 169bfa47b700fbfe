"""Prometheus metrics (prometheus_client).

Counters and histograms live in the process that does the work; under gunicorn and Celery
they are shared through PROMETHEUS_MULTIPROC_DIR (prometheus_client's multiprocess mode), so
one scrape sees all processes of a machine. What the database knows — the outbox (the real
queue: jobs per status, age of the oldest pending job) — and the broker's queue lengths are
read at scrape time, so every machine reports the same, whichever process did the work.

Labels are bounded: services and channels come from configuration, request latency is per
endpoint group (the blueprint), never per raw path.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from portal.adapters.db.delivery import DeliveryJob
from portal.adapters.db.models import Submission
from portal.adapters.db.session import Database

log = logging.getLogger(__name__)
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

SUBMISSIONS = Counter("portal_submissions", "Submissions stored, per service and channel",
                      ["service", "channel"])
REQUEST_SECONDS = Histogram(
    "portal_http_request_duration_seconds", "Time to answer a request, per endpoint group",
    ["group", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
DELIVERY_ATTEMPTS = Counter("portal_delivery_attempts",
                            "Delivery and notification attempts, per channel and outcome",
                            ["channel", "outcome"])
DELIVERY_FAILURES = Counter("portal_delivery_failures",
                            "Jobs that failed for good (an administrator must act)", ["channel"])
ATTEMPT_SECONDS = Histogram("portal_delivery_attempt_duration_seconds",
                            "Duration of one delivery attempt", ["channel"],
                            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120))
DELIVERY_LATENCY = Histogram(
    "portal_delivery_latency_seconds", "From submission to delivery, per channel", ["channel"],
    buckets=(1, 5, 15, 60, 300, 900, 3600, 4 * 3600, 24 * 3600, 7 * 24 * 3600))
RETENTION_DELETED = Counter("portal_retention_deleted",
                            "Objects deleted because their retention period ended", ["kind"])


def record_attempt(channel: str | None, outcome: str, seconds: float,
                   latency: float | None) -> None:
    if outcome == "skipped" or channel is None:
        return
    DELIVERY_ATTEMPTS.labels(channel, outcome).inc()
    ATTEMPT_SECONDS.labels(channel).observe(seconds)
    if outcome == "failed":
        DELIVERY_FAILURES.labels(channel).inc()
    if latency is not None:
        DELIVERY_LATENCY.labels(channel).observe(latency)


# --- Submissions, counted when their transaction commits (whoever submits: citizen, counter,
# demo data), never for a rolled-back attempt. ---
_NEW = "portal_new_submissions"


def _after_flush(session: Session, _context: Any) -> None:
    new = [(o.service_id, o.channel) for o in session.new if isinstance(o, Submission)]
    if new:
        session.info.setdefault(_NEW, []).extend(new)


def _after_commit(session: Session) -> None:
    for service, channel in session.info.pop(_NEW, []):
        SUBMISSIONS.labels(service, channel or "online").inc()


def _after_rollback(session: Session) -> None:
    session.info.pop(_NEW, None)


def install_session_hooks() -> None:
    for name, hook in (("after_flush", _after_flush), ("after_commit", _after_commit),
                       ("after_rollback", _after_rollback)):
        if not event.contains(Session, name, hook):
            event.listen(Session, name, hook)


# --- Read at scrape time ---

class OutboxCollector(Collector):
    """Jobs per kind and status, and the age of the oldest pending job (the outbox age)."""

    def __init__(self, db: Database, broker_url: str | None = None,
                 queues: Iterable[str] = ()) -> None:
        self.db, self.broker_url, self.queues = db, broker_url, list(queues)

    def collect(self) -> Iterator[Metric]:
        depth = GaugeMetricFamily("portal_outbox_jobs", "Jobs in the outbox per kind and status",
                                  labels=["kind", "status"])
        age = GaugeMetricFamily("portal_outbox_oldest_pending_age_seconds",
                                "Age of the oldest job still pending, per kind (0: none)",
                                labels=["kind"])
        up = GaugeMetricFamily("portal_outbox_readable", "1 if the outbox could be read")
        moment = datetime.now(UTC)
        try:
            with self.db.session() as session:
                rows = session.execute(select(DeliveryJob.kind, DeliveryJob.status, func.count())
                                       .group_by(DeliveryJob.kind, DeliveryJob.status)).all()
                oldest = dict(session.execute(
                    select(DeliveryJob.kind, func.min(DeliveryJob.created_at))
                    .where(DeliveryJob.status == "pending").group_by(DeliveryJob.kind)).all())
        except Exception:  # a scrape must answer; the readiness check reports the database
            log.warning("metrics: the outbox could not be read", exc_info=True)
            up.add_metric([], 0)
            yield up
            return
        seen: set[tuple[str, str]] = set()
        for kind, status, count in rows:
            depth.add_metric([kind, status], count)
            seen.add((kind, status))
        for kind in ("delivery", "notification"):
            for status in ("pending", "running", "failed"):
                if (kind, status) not in seen:
                    depth.add_metric([kind, status], 0)
            first = oldest.get(kind)
            if first is not None and first.tzinfo is None:
                first = first.replace(tzinfo=UTC)
            age.add_metric([kind], max(0.0, (moment - first).total_seconds()) if first else 0.0)
        up.add_metric([], 1)
        yield from (depth, age, up)
        yield from self._broker()

    def _broker(self) -> Iterator[Metric]:
        if not self.broker_url or not self.broker_url.startswith("redis"):
            return
        import redis

        gauge = GaugeMetricFamily("portal_broker_queue_length",
                                  "Messages waiting in the broker per queue (without ETA tasks)",
                                  labels=["queue"])
        try:
            client = redis.Redis.from_url(self.broker_url, socket_timeout=0.2,
                                          socket_connect_timeout=0.2)
            for queue in self.queues:
                # kombu keeps one list per priority step: "<queue>" and "<queue>\x06\x16<n>".
                total = int(client.llen(queue) or 0)
                for step in (3, 6, 9):
                    total += int(client.llen(f"{queue}\x06\x16{step}") or 0)
                gauge.add_metric([queue], total)
        except redis.RedisError:
            log.warning("metrics: the broker could not be read")
            return
        yield gauge


class _ProcessDefault(Collector):
    """This process's own metrics (single-process mode: the Flask development server, tests)."""

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()


def render(collector: Collector) -> bytes:
    registry = CollectorRegistry()
    if os.environ.get(MULTIPROC_ENV):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_ProcessDefault())
    registry.register(collector)
    return generate_latest(registry)


def mark_process_dead(pid: int) -> None:
    """For gunicorn's child_exit hook: drop a dead worker's live gauges."""
    if os.environ.get(MULTIPROC_ENV):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid)


def serve(port: int, addr: str = "0.0.0.0") -> None:
    """A metrics endpoint of its own (prometheus_client's HTTP server), e.g. for a worker."""
    from prometheus_client import start_http_server

    registry: CollectorRegistry = REGISTRY
    if os.environ.get(MULTIPROC_ENV):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    start_http_server(port, addr, registry)
