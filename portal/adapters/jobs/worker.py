"""Entry point for Celery: `celery -A portal.adapters.jobs.worker worker …`.

Builds the app from the environment (PORTAL_* variables, as the web process does) with the
Celery runner, so worker and web process share one configuration."""

from __future__ import annotations

import os

from portal import create_app
from portal.adapters.jobs.celery_app import CeleryDispatcher
from portal.adapters.jobs.wiring import runtime_of

os.environ.setdefault("PORTAL_DELIVERY_RUNNER", "celery")
flask_app = create_app()
_dispatcher = runtime_of(flask_app).dispatcher
if not isinstance(_dispatcher, CeleryDispatcher):
    raise SystemExit("PORTAL_DELIVERY_RUNNER must be 'celery' for a Celery worker")
celery = _dispatcher.celery
