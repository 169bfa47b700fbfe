"""/healthz and /readyz: alive, ready or not, with reasons only in the log and for callers
with the metrics token; the request id; the reverse proxy's headers (ProxyFix)."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Any

import psycopg
import pytest
from flask import Flask, request

from portal.adapters.db import migrate
from tests.adapters.delivery.receivers import free_port
from tests.adapters.delivery.support import delivery_app
from tests.adapters.jobs.processes import RedisServer
from tests.conftest import ADMIN_URL

TOKEN = "metrics-token-for-tests-0123456789"


def ready_app(clean_db: str, seal: dict[str, Any], **overrides: Any) -> Flask:
    config = {"METRICS_TOKEN": TOKEN, "READY_CACHE_SECONDS": 0, **overrides}
    return delivery_app(clean_db, seal, {}, **config)


def test_healthz_answers_without_asking_anything(clean_db: str, seal: dict[str, Any]) -> None:
    app = ready_app(clean_db, seal, DATABASE_URL="postgresql://nobody@127.0.0.1:1/none")
    response = app.test_client().get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_ready_with_details_only_for_the_token(clean_db: str, seal: dict[str, Any]) -> None:
    client = ready_app(clean_db, seal).test_client()
    public = client.get("/readyz")
    assert public.status_code == 200 and public.get_json() == {"status": "ready"}
    assert public.headers["Cache-Control"] == "no-store"
    detailed = client.get("/readyz", headers={"Authorization": f"Bearer {TOKEN}"}).get_json()
    assert set(detailed["checks"]) == {"database", "seal", "schemas"}
    assert all(c["ok"] for c in detailed["checks"].values())
    assert "Stadt Goslar" in detailed["checks"]["seal"]["detail"]
    wrong = client.get("/readyz", headers={"Authorization": "Bearer wrong"}).get_json()
    assert "checks" not in wrong


@pytest.mark.parametrize("broken", ["seal", "schemas", "database"])
def test_not_ready_says_nothing_publicly_and_logs_why(
        clean_db: str, seal: dict[str, Any], tmp_path: Path, broken: str,
        caplog: pytest.LogCaptureFixture) -> None:
    schemas = tmp_path / "xoev_schemas"
    shutil.copytree("xoev_schemas", schemas)
    overrides: dict[str, Any] = {
        "seal": {"SEAL_PKCS12_FILE": str(tmp_path / "missing.p12")},
        "schemas": {"XOEV_SCHEMAS_DIR": str(schemas)},
        "database": {"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"},
    }[broken]
    client = ready_app(clean_db, seal, **overrides).test_client()
    (schemas / "xdomea-3.0.0" / "xdomea.xsd").unlink()  # lost after the start
    with caplog.at_level(logging.WARNING, logger="portal.adapters.observability.health"):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable"}
    assert f"not ready: {broken}:" in caplog.text
    detailed = client.get("/readyz", headers={"Authorization": f"Bearer {TOKEN}"}).get_json()
    assert detailed["checks"][broken]["ok"] is False


def test_a_database_behind_the_release_is_not_ready(clean_db: str, seal: dict[str, Any]) -> None:
    """Rolling upgrade: a new release before `flask db upgrade` must not get traffic."""
    name = f"portal_behind_{free_port()}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        migrate.upgrade(url, "0004")
        behind = ready_app(clean_db, seal, DATABASE_URL=url).test_client()
        assert behind.get("/readyz").status_code == 503
        detail = behind.get("/readyz", headers={"Authorization": f"Bearer {TOKEN}"}).get_json()
        assert "this release needs" in detail["checks"]["database"]["detail"]
        migrate.upgrade(url)
        assert behind.get("/readyz").status_code == 200
    finally:
        from tests.adapters.delivery.support import close_apps

        close_apps()
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         "WHERE datname = %s", (name,))
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def test_broker_is_checked_when_celery_runs_the_jobs(clean_db: str, seal: dict[str, Any],
                                                     tmp_path: Path) -> None:
    with RedisServer(tmp_path) as broker:
        app = ready_app(clean_db, seal, DELIVERY_RUNNER="celery", CELERY_BROKER_URL=broker.url)
        client = app.test_client()
        assert client.get("/readyz").status_code == 200
    assert client.get("/readyz").status_code == 503  # the broker is gone
    details = client.get("/readyz", headers={"Authorization": f"Bearer {TOKEN}"}).get_json()
    assert details["checks"]["broker"]["ok"] is False


def test_results_are_reused_for_the_cache_time(clean_db: str, seal: dict[str, Any],
                                               tmp_path: Path) -> None:
    app = ready_app(clean_db, seal, READY_CACHE_SECONDS=300)
    client = app.test_client()
    assert client.get("/readyz").status_code == 200
    app.config["XOEV_SCHEMAS_DIR"] = str(tmp_path)  # not asked again within 300 s
    assert client.get("/readyz").status_code == 200


def test_request_id_from_the_proxy_or_a_new_one(app: Flask) -> None:
    client = app.test_client()
    given = client.get("/healthz", headers={"X-Request-ID": "edge-7f3a9c01.abc_DEF"})
    assert given.headers["X-Request-ID"] == "edge-7f3a9c01.abc_DEF"
    for bad in ("erika.mustermann@example.org", "short", "x" * 65, "a b c d e f g h",
                "-starts-with-a-dash", "quote\"12345678"):
        made = client.get("/healthz", headers={"X-Request-ID": bad}).headers["X-Request-ID"]
        assert made != bad and len(made) == 32


def _where(app: Flask) -> Any:
    app.add_url_rule("/_where", "where", lambda: {
        "remote": request.remote_addr, "scheme": request.scheme, "host": request.host})
    return app.test_client()


def test_forwarded_headers_count_only_with_proxy_fix(database_url: str) -> None:
    from tests.conftest import make_app

    headers = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https",
               "X-Forwarded-Host": "online.goslar.de"}
    env = {"REMOTE_ADDR": "10.0.0.5"}
    direct = _where(make_app(database_url)).get("/_where", headers=headers, environ_base=env)
    assert direct.get_json() == {"remote": "10.0.0.5", "scheme": "http", "host": "localhost"}
    proxied = _where(make_app(database_url, PROXY_FIX_X_FOR=1, PROXY_FIX_X_PROTO=1,
                              PROXY_FIX_X_HOST=1))
    seen = proxied.get("/_where", headers=headers, environ_base=env).get_json()
    assert seen == {"remote": "203.0.113.9", "scheme": "https", "host": "online.goslar.de"}
    # Only as many hops as configured: a client's own X-Forwarded-For entry is not trusted.
    spoofed = proxied.get("/_where", environ_base=env,
                          headers={**headers, "X-Forwarded-For": "1.2.3.4, 203.0.113.9"})
    assert spoofed.get_json()["remote"] == "203.0.113.9"
