"""Operation endpoints and request hooks: /healthz, /readyz, /metrics, the request id, the
request log line and request latency per endpoint group, and the reverse proxy's headers.

Public answers carry no details: /readyz says ready or not; the reasons go to the log, and
to callers with the metrics token."""

from __future__ import annotations

import hmac
import logging
import time
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request
from werkzeug.middleware.proxy_fix import ProxyFix

from portal.adapters.delivery.secrets import SecretError, read_secret
from portal.adapters.observability import context, metrics
from portal.adapters.observability.health import (
    Readiness,
    broker_check,
    database_check,
    schema_files_check,
)
from portal.adapters.observability.logs import configure_logging
from portal.config import ConfigError
from portal.state import PortalState

bp = Blueprint("ops", __name__)
access_log = logging.getLogger("portal.access")
EXTENSION = "portal.ops"
METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}


def _token_ok() -> bool:
    expected = current_app.extensions[EXTENSION]["token"]
    given = request.headers.get("Authorization", "")
    return bool(expected) and hmac.compare_digest(given.encode(), f"Bearer {expected}".encode())


@bp.route("/healthz")
def healthz() -> Any:
    """The process is alive and answers; nothing else is asked."""
    return jsonify(status="ok")


@bp.route("/readyz")
def readyz() -> Any:
    report = current_app.extensions[EXTENSION]["readiness"].report()
    body: dict[str, Any] = {"status": "ready" if report.ok else "unavailable"}
    if _token_ok():
        body["checks"] = {name: {"ok": r.ok, "detail": r.detail,
                                 "ms": round(r.seconds * 1000, 1)}
                          for name, r in report.checks.items()}
    response = jsonify(body)
    response.status_code = 200 if report.ok else 503
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/metrics")
def metrics_view() -> Any:
    ops = current_app.extensions[EXTENSION]
    if not ops["token"]:
        return Response("Not Found\n", 404, mimetype="text/plain")
    if not _token_ok():
        return Response("Unauthorized\n", 401, mimetype="text/plain",
                        headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
    return Response(metrics.render(ops["collector"]),
                    mimetype="text/plain; version=0.0.4; charset=utf-8")


def _group() -> str:
    if request.url_rule is None:
        return "unmatched"
    if request.endpoint == "static" or request.endpoint == "kern":
        return "static"
    return request.blueprint or "app"


def _before() -> None:
    g.ops_started = time.perf_counter()
    g.request_id = context.accepted_request_id(request.headers.get("X-Request-ID"))
    context.set_request_id(g.request_id)


def _after(response: Response) -> Response:
    started = g.get("ops_started")
    if started is None:
        return response
    seconds = time.perf_counter() - started
    group = _group()
    method = request.method if request.method in METHODS else "other"
    metrics.REQUEST_SECONDS.labels(group, method, f"{response.status_code // 100}xx").observe(
        seconds)
    response.headers["X-Request-ID"] = g.request_id
    if group not in ("static",) and request.endpoint not in ("ops.healthz", "ops.readyz"):
        # The route pattern, never the path: paths and query strings can carry ids and
        # search terms (names).
        access_log.info("request", extra={"fields": {
            "method": method, "route": request.url_rule.rule if request.url_rule else None,
            "group": group, "status": response.status_code,
            "duration_ms": round(seconds * 1000, 1)}})
    return response


def _teardown(_exc: BaseException | None) -> None:
    context.set_request_id(None)


def _readiness(app: Flask, state: PortalState) -> Readiness:
    config = app.config

    def seal() -> str:
        from portal.adapters.documents.compose import tools_for

        return f"seal of {tools_for(app).sealer.holder()}"

    checks = {"database": database_check(state.db)}
    if config.get("DELIVERY_RUNNER") == "celery":
        checks["broker"] = broker_check(str(config["CELERY_BROKER_URL"]))
    checks["seal"] = seal
    checks["schemas"] = schema_files_check(Path(config["XOEV_SCHEMAS_DIR"]))
    ttl = config.get("READY_CACHE_SECONDS")
    return Readiness(checks, ttl=float(5 if ttl is None else ttl))


def init_ops(app: Flask, state: PortalState) -> None:
    """Called by create_app before the other blueprints, so the request id is set first."""
    configure_logging(app.config)
    metrics.install_session_hooks()
    proxies = {k: int(app.config.get(f"PROXY_FIX_X_{k.upper()}") or 0)
               for k in ("for", "proto", "host", "port", "prefix")}
    if any(proxies.values()):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies["for"],  # type: ignore[method-assign]
                                x_proto=proxies["proto"], x_host=proxies["host"],
                                x_port=proxies["port"], x_prefix=proxies["prefix"])
    from portal.adapters.jobs.celery_app import queue_names

    broker = (str(app.config["CELERY_BROKER_URL"])
              if app.config.get("DELIVERY_RUNNER") == "celery" else None)
    try:
        token = read_secret(dict(app.config), "METRICS_TOKEN")
    except SecretError as exc:
        raise ConfigError(str(exc)) from exc
    app.extensions[EXTENSION] = {
        "token": token,
        "readiness": _readiness(app, state),
        "collector": metrics.OutboxCollector(state.db, broker,
                                             queue_names(dict(app.config)).values()),
    }
    app.before_request(_before)
    app.after_request(_after)
    app.teardown_request(_teardown)
    app.register_blueprint(bp)
