"""REST API for specialist systems (Fachverfahren): token per department client, JSON, and
the OpenAPI 3.1 document at /api/v1/openapi.json. Errors are JSON too, never HTML."""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, jsonify
from werkzeug.exceptions import HTTPException

bp = Blueprint("api", __name__, url_prefix="/api/v1")
log = logging.getLogger(__name__)

MESSAGES = {
    400: "Die Anfrage ist ungültig.",
    401: "Ein gültiges Zugriffstoken fehlt (Authorization: Bearer …).",
    404: "Nicht gefunden.",
    405: "Diese Methode ist hier nicht möglich.",
    409: "Das ist im aktuellen Zustand nicht möglich.",
    413: "Die Anfrage ist zu groß.",
    415: "Bitte senden Sie JSON (Content-Type: application/json).",
    422: "Die Angaben sind nicht gültig.",
}


def error(status: int, code: str, message: str | None = None, **extra: Any) -> Any:
    body = {"error": code, "message": message or MESSAGES.get(status, "Fehler"), **extra}
    response = jsonify(body)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> Any:
    status = exc.code or 500
    return error(status, {400: "bad_request", 404: "not_found", 405: "method_not_allowed",
                          413: "too_large"}.get(status, "error"))


@bp.errorhandler(Exception)
def _unexpected(exc: Exception) -> Any:
    log.exception("API error", exc_info=exc)
    return error(500, "internal_error", "Interner Fehler; bitte später erneut versuchen.")


from portal.web.api import views  # noqa: E402

__all__ = ["bp", "views"]
