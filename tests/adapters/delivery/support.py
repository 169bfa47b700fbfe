"""Shared pieces of the delivery tests: a development seal, an app with channels, and stored
submissions made through the real submit service (so the outbox rows are the real ones)."""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import select

from portal.adapters.db.delivery import DeliveryJob
from portal.adapters.documents.pki import make_dev_pki
from portal.adapters.jobs.tasks import run_due
from portal.adapters.jobs.wiring import runtime_of
from portal.demo import _dog_tax_answers
from portal.services.delivery import Outcome
from portal.services.drafts import start_draft
from portal.services.submissions import submit
from portal.services.users import user_for_identity
from portal.state import portal_state
from portal.web.auth.dev import identity_for
from tests.conftest import make_app

SECRET = "webhook-secret-for-tests-0123456789abcdef"
FAST = {"DELIVERY_BACKOFF_SECONDS": 0, "DELIVERY_BACKOFF_MAX_SECONDS": 0,
        "DELIVERY_MAX_ATTEMPTS": 4, "DELIVERY_LEASE_SECONDS": 30, "DELIVERY_REQUEUE_SECONDS": 5,
        "DELIVERY_SWEEP_SECONDS": 1}


def seal_config(directory: Path) -> dict[str, Any]:
    pki = make_dev_pki(directory, "Stadt Goslar")
    return {"SEAL_PKCS12_FILE": str(pki.pkcs12_file),
            "SEAL_PKCS12_PASSWORD_FILE": str(pki.password_file),
            "SEAL_TRUST_ROOTS": str(pki.ca_file)}


def channels(smtp_port: int | None = None, webhook_url: str | None = None,
             dms_dir: Path | None = None, timeout: float = 2.0) -> dict[str, Any]:
    common: list[dict[str, Any]] = []
    if smtp_port is not None:
        common.append({"name": "amt-mail", "type": "email", "to": ["steueramt@goslar.example"],
                       "host": "127.0.0.1", "port": smtp_port, "starttls": False,
                       "timeout": timeout})
    if webhook_url is not None:
        common.append({"name": "fachverfahren", "type": "webhook", "url": webhook_url,
                       "secret": SECRET, "timeout": timeout})
    if dms_dir is not None:
        common.append({"name": "dms", "type": "dms", "directory": str(dms_dir)})
    return {"*": common} if common else {}


# Apps made by delivery_app; the clean_db fixture closes their connections after the test.
APPS: list[Flask] = []


def delivery_app(database_url: str, seal: dict[str, Any], channel_config: dict[str, Any],
                 **overrides: Any) -> Flask:
    config: dict[str, Any] = {**seal, **FAST, "DELIVERY_CHANNELS": json.dumps(channel_config),
                              "SMTP_SENDER": "online-dienste@goslar.example"}
    config.update(overrides)
    app = make_app(database_url, **config)
    APPS.append(app)
    return app


def run_jobs(app: Flask) -> list[Outcome]:
    """Run every due job, in a thread of its own as a worker does: the test's own thread may
    have an event loop running (Playwright's sync API, kept for the whole session by
    tests/browser), and pyHanko's signing starts one with asyncio.run()."""
    result: list[list[Outcome]] = []
    thread = threading.Thread(target=lambda: result.append(run_due(runtime_of(app))))
    thread.start()
    thread.join()
    assert result, "running the jobs failed (see the log)"
    return result[0]


def close_apps() -> None:
    while APPS:
        portal_state(APPS.pop()).db.engine.dispose()


def worker_env(database_url: str, seal: dict[str, Any], channel_config: dict[str, Any],
               **overrides: Any) -> dict[str, str]:
    """The same configuration as environment variables, for a worker process."""
    config: dict[str, Any] = {**seal, **FAST, "DELIVERY_CHANNELS": json.dumps(channel_config),
                              "SMTP_SENDER": "online-dienste@goslar.example",
                              "DATABASE_URL": database_url, "DELIVERY_RUNNER": "celery"}
    config.update(overrides)
    env = {f"PORTAL_{k}": str(v) for k, v in config.items()}
    env["PORTAL_ENV"] = "testing"
    return env


def submit_dog_tax(app: Flask, persona: str = "erika", today: date | None = None) -> str:
    """A complete dog-tax registration, submitted with the app's configured channels."""
    state = portal_state(app)
    env = state.env()
    identity = identity_for(persona, 4)
    with state.db.session() as session:
        user = user_for_identity(session, identity)
        draft = start_draft(session, env, user.id, "hundesteuer-anmeldung", identity)
        draft.answers = {**draft.answers, **_dog_tax_answers(today or env.today)}
        submission = submit(session, env, draft.id, user.id, identity,
                            channels=runtime_of(app).channels_for("hundesteuer-anmeldung"))
        session.commit()
        return submission.id


def jobs_by_channel(app: Flask, submission_ids: Sequence[str] | None = None) -> dict[str, list[DeliveryJob]]:
    out: dict[str, list[DeliveryJob]] = {}
    with portal_state(app).db.session() as session:
        query = select(DeliveryJob).order_by(DeliveryJob.created_at)
        if submission_ids is not None:
            query = query.where(DeliveryJob.submission_id.in_(list(submission_ids)))
        for job in session.scalars(query):
            out.setdefault(job.channel, []).append(job)
    return out
