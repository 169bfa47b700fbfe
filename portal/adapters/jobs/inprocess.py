"""The embedded default's runner: jobs run in a small thread pool of the web process, and a
sweeper thread does what Celery beat does in production. Threads start on first use, so a
`flask` command that never enqueues starts none. Jobs live in the database, so whatever a
stopped process had not finished is picked up by the next one's sweep."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from portal.adapters.observability.context import bound, current_request_id

if TYPE_CHECKING:
    from portal.adapters.jobs.wiring import DeliveryRuntime

log = logging.getLogger(__name__)


class InProcessDispatcher:
    def __init__(self, runtime: DeliveryRuntime, workers: int = 2,
                 maintenance: Callable[[], object] | None = None) -> None:
        self.runtime = runtime
        self.workers = workers
        # The retention job, run by the sweeper every RETENTION_INTERVAL_SECONDS.
        self.maintenance = maintenance
        self._maintained_at = 0.0
        self._pool: ThreadPoolExecutor | None = None
        self._sweeper: threading.Thread | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()

    def start(self) -> None:
        if self._pool is not None and self._sweeper is not None:
            return
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="delivery")
            if self._sweeper is None:
                self._sweeper = threading.Thread(target=self._sweep_loop, name="delivery-sweep",
                                                 daemon=True)
                self._sweeper.start()

    def stop(self) -> None:
        self._stop.set()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def enqueue(self, jobs: Sequence[tuple[str, float, str]]) -> None:
        self.start()
        request_id = current_request_id()  # the job's log lines carry the request's id
        for job_id, delay, kind in jobs:
            if delay > 0:
                timer = threading.Timer(delay, self._submit, args=(job_id, kind, request_id))
                timer.daemon = True
                timer.start()
            else:
                self._submit(job_id, kind, request_id)

    def _submit(self, job_id: str, kind: str, request_id: str | None = None) -> None:
        if self._stop.is_set() or self._pool is None:
            return
        # RuntimeError: the pool is shutting down; the next process's sweep has the job.
        with contextlib.suppress(RuntimeError):
            self._pool.submit(self._run, job_id, kind, request_id)

    def _run(self, job_id: str, kind: str, request_id: str | None = None) -> None:
        from portal.adapters.jobs.tasks import deliver

        with bound(request_id, job_id):
            try:
                deliver(self.runtime, job_id, kind)
            except Exception:  # a thread must not die silently; the sweep retries the job
                log.exception("delivery job %s crashed", job_id)

    def _sweep_loop(self) -> None:
        from portal.adapters.jobs.tasks import sweep_lost

        interval = float(self.runtime.config.get("DELIVERY_SWEEP_SECONDS") or 60)
        every = float(self.runtime.config.get("RETENTION_INTERVAL_SECONDS") or 0)
        while not self._stop.wait(interval):
            with bound():
                try:
                    sweep_lost(self.runtime)
                except Exception:  # the database may be briefly away; try again next round
                    log.exception("delivery sweep failed")
                if self.maintenance is not None and every > 0 and \
                        time.monotonic() - self._maintained_at >= every:
                    self._maintained_at = time.monotonic()
                    try:
                        self.maintenance()
                    except Exception:
                        log.exception("retention job failed")
