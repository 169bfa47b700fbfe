"""gunicorn settings for the portal's web processes (docs/deployment.md):

    gunicorn -c python:portal.adapters.observability.gunicorn_conf --bind 127.0.0.1:8000 \\
        'portal:create_app()'

- no access log of gunicorn's own: its lines carry the full path and query string (a search
  for a name ends up in the log); the portal logs each request with its route pattern,
  status, duration and request id instead;
- gunicorn's error log as JSON lines like the portal's;
- Prometheus multiprocess mode: the directory in PROMETHEUS_MULTIPROC_DIR is emptied at
  start, and a dead worker's live values are dropped.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

accesslog = None
errorlog = "-"
logconfig_dict: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"generic": {"()": "portal.adapters.observability.logs.JsonFormatter"}},
}
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
timeout = 60
graceful_timeout = 30


def on_starting(_server: Any) -> None:
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        for stale in Path(directory).glob("*.db"):
            stale.unlink()


def child_exit(_server: Any, worker: Any) -> None:
    from portal.adapters.observability.metrics import mark_process_dead

    mark_process_dead(worker.pid)
