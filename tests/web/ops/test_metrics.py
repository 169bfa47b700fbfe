"""/metrics: protected by a token; after a citizen's journey and a delivery that fails, the
submission, request, delivery and outbox metrics have moved; labels stay bounded."""

from __future__ import annotations

from typing import Any

from flask import Flask
from prometheus_client.parser import text_string_to_metric_families

from tests.adapters.delivery.receivers import HttpReceiver
from tests.adapters.delivery.support import SECRET, channels, delivery_app, run_jobs
from tests.conftest import sign_in
from tests.factories import submit_reviewed
from tests.web.test_journey import fill_all_steps

TOKEN = "metrics-token-for-tests-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(app: Flask) -> Samples:
    response = app.test_client().get("/metrics", headers=AUTH)
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    out: Samples = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            out[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return out


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def total(samples: Samples, name: str, **labels: str) -> float:
    wanted = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and wanted <= set(ls))


def test_metrics_need_the_token(clean_db: str, seal: dict[str, Any]) -> None:
    off = delivery_app(clean_db, seal, {}).test_client()
    assert off.get("/metrics").status_code == 404  # no token configured: no endpoint
    on = delivery_app(clean_db, seal, {}, METRICS_TOKEN=TOKEN).test_client()
    assert on.get("/metrics").status_code == 401
    assert on.get("/metrics", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_metrics_move_after_a_journey_and_a_failed_delivery(clean_db: str,
                                                            seal: dict[str, Any]) -> None:
    with HttpReceiver(SECRET) as hook:
        hook.plan = ["500"]
        app = delivery_app(clean_db, seal, channels(webhook_url=hook.url),
                           METRICS_TOKEN=TOKEN, DELIVERY_MAX_ATTEMPTS=1)
        before = scrape(app)
        citizen = app.test_client()
        sign_in(citizen)
        review = fill_all_steps(app, citizen, "hundesteuer-anmeldung")
        assert submit_reviewed(citizen, review).status_code == 302
        citizen.get("/gibt-es-nicht/12345")
        outcomes = sorted(o.status for o in run_jobs(app))
        after = scrape(app)
    assert outcomes == ["delivered", "failed"]

    def moved(name: str, **labels: str) -> float:
        return total(after, name, **labels) - total(before, name, **labels)

    assert moved("portal_submissions_total", service="hundesteuer-anmeldung",
                 channel="online") == 1
    assert moved("portal_http_request_duration_seconds_count", group="citizen") >= 5
    assert moved("portal_http_request_duration_seconds_count", group="auth_dev") == 1
    assert moved("portal_http_request_duration_seconds_count", group="unmatched",
                 status="4xx") == 1
    assert moved("portal_delivery_attempts_total", channel="inbox", outcome="delivered") == 1
    assert moved("portal_delivery_attempts_total", channel="fachverfahren",
                 outcome="failed") == 1
    assert moved("portal_delivery_failures_total", channel="fachverfahren") == 1
    assert moved("portal_delivery_latency_seconds_count", channel="inbox") == 1
    assert moved("portal_delivery_attempt_duration_seconds_count", channel="fachverfahren") == 1
    assert value(after, "portal_outbox_jobs", kind="delivery", status="failed") == 1
    assert value(after, "portal_outbox_jobs", kind="delivery", status="pending") == 0
    assert value(after, "portal_outbox_readable") == 1
    # Bounded labels: endpoint groups are blueprints, never paths.
    groups = {dict(labels)["group"] for (name, labels) in after
              if name == "portal_http_request_duration_seconds_count"}
    assert groups <= {"citizen", "auth", "auth_dev", "ops", "staff", "inbox", "api", "app",
                      "static", "unmatched", "session_idle", "auth_konto", "auth_bundid",
                      "staff_saml"}
    assert not any("/" in v for (_n, labels) in after for _k, v in labels)


def test_outbox_age_is_that_of_the_oldest_pending_job(clean_db: str,
                                                      seal: dict[str, Any]) -> None:
    from datetime import timedelta

    from sqlalchemy import update

    from portal.adapters.db.delivery import DeliveryJob
    from portal.adapters.db.models import now
    from portal.state import portal_state
    from tests.adapters.delivery.support import submit_dog_tax

    app = delivery_app(clean_db, seal, {}, METRICS_TOKEN=TOKEN)
    submit_dog_tax(app)
    with portal_state(app).db.session() as session:
        session.execute(update(DeliveryJob).values(created_at=now() - timedelta(hours=2)))
        session.commit()
    samples = scrape(app)
    assert value(samples, "portal_outbox_jobs", kind="delivery", status="pending") == 1
    age = value(samples, "portal_outbox_oldest_pending_age_seconds", kind="delivery")
    assert 7200 <= age < 7300


def test_broker_queue_length_with_celery(clean_db: str, seal: dict[str, Any],
                                         tmp_path: Any) -> None:
    """Jobs sent to Redis that no worker took yet show as the broker's queue length."""
    from portal.adapters.jobs.tasks import enqueue_submission
    from tests.adapters.delivery.support import submit_dog_tax
    from tests.adapters.jobs.processes import RedisServer

    with RedisServer(tmp_path) as broker:
        app = delivery_app(clean_db, seal, {}, METRICS_TOKEN=TOKEN, DELIVERY_RUNNER="celery",
                           CELERY_BROKER_URL=broker.url, CELERY_QUEUE_PREFIX="m1")
        assert enqueue_submission(app, submit_dog_tax(app))
        samples = scrape(app)
    assert value(samples, "portal_broker_queue_length", queue="m1.delivery") == 1
    assert value(samples, "portal_broker_queue_length", queue="m1.notify") == 0
