"""Readiness: can this process serve? Database (and its schema at this code's migration
head), the broker when Celery runs the jobs, the seal key, the XÖV schema files.

Answers must be fast (a load balancer asks every few seconds) and never slow each other
down: results are kept for a few seconds, and while one caller refreshes them the others
get the previous result instead of waiting.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from sqlalchemy import text

from portal.adapters.db.session import Database

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    detail: str
    seconds: float


@dataclass(frozen=True)
class Report:
    ok: bool
    checks: dict[str, CheckResult]
    at: float


class Readiness:
    def __init__(self, checks: Mapping[str, Callable[[], str]], ttl: float = 5.0) -> None:
        self.checks = dict(checks)
        self.ttl = ttl
        self._last: Report | None = None
        self._lock = threading.Lock()

    def report(self) -> Report:
        last = self._last
        if last is not None and time.monotonic() - last.at < self.ttl:
            return last
        if not self._lock.acquire(blocking=last is None):
            assert last is not None
            return last  # someone else is refreshing: the previous answer will do
        try:
            fresh = self._run()
            self._last = fresh
            return fresh
        finally:
            self._lock.release()

    def _run(self) -> Report:
        results: dict[str, CheckResult] = {}
        for name, check in self.checks.items():
            started = time.perf_counter()
            try:
                detail, ok = check(), True
            except Exception as exc:  # any failure means "not ready"; the reason goes to the log
                detail, ok = f"{type(exc).__name__}: {exc}", False
            results[name] = CheckResult(ok, detail, time.perf_counter() - started)
        failed = {n: r.detail for n, r in results.items() if not r.ok}
        if failed:
            log.warning("not ready: %s", "; ".join(f"{n}: {d}" for n, d in failed.items()))
        return Report(not failed, results, time.monotonic())


@lru_cache(maxsize=1)
def _migration_revisions() -> tuple[str, frozenset[str]]:
    from alembic.script import ScriptDirectory

    from portal.adapters.db.migrate import alembic_config

    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    head = scripts.get_current_head()
    assert head is not None
    return head, frozenset(r.revision for r in scripts.walk_revisions())


def database_check(db: Database) -> Callable[[], str]:
    def check() -> str:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        head, known = _migration_revisions()
        # Behind: this code needs `flask db upgrade` first. Ahead (a revision this code does
        # not know): a newer release migrated already; older processes keep serving.
        if current != head and current in known:
            raise RuntimeError(f"schema at {current}, this release needs {head}")
        return f"schema {current}"

    return check


def broker_check(url: str) -> Callable[[], str]:
    def check() -> str:
        if url.startswith(("redis://", "rediss://", "unix://")):
            import redis

            redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5).ping()
        else:
            from kombu import Connection

            with Connection(url, connect_timeout=0.5) as conn:
                conn.ensure_connection(max_retries=1)
        return "reachable"

    return check


def schema_files_check(schemas_dir: Path) -> Callable[[], str]:
    """Every file the MANIFEST lists, and the portal's own message schemas, are there."""

    def check() -> str:
        manifest = schemas_dir / "MANIFEST"
        names = [line.split("\t")[1] for line in manifest.read_text(encoding="utf-8").splitlines()
                 if line and not line.startswith("#") and "\t" in line]
        names += [str(p.relative_to(schemas_dir)) for p in (schemas_dir / "portal").glob("*.xsd")]
        missing = [n for n in names if not (schemas_dir / n).is_file()]
        if missing or "portal/ozg-portal.xsd" not in names:
            raise FileNotFoundError(f"missing: {', '.join(missing[:5]) or 'portal/ozg-portal.xsd'}")
        return f"{len(names)} files"

    return check
