"""Structured logs: one JSON object per line, with the request id, and nothing personal.

Personal data stays out by design (log calls name ids, never names, addresses, dates of birth,
e-mail addresses, IBANs or eID identifiers; SQL parameters are hidden by the engine) and, as a
second line of defence, every formatted line — traceback included — passes `redact`, which
masks e-mail addresses and IBANs, the query string of request lines (searches carry names)
and the client address of the development server's request lines.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import traceback
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, TextIO

from portal.adapters.observability.context import current_job_id, current_request_id

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# ISO 13616: country code, two check digits, up to 30 letters/digits, often in groups of 4.
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?\b")
QUERY = re.compile(r'("[A-Z]+ [^ ?"]*)\?[^ "]*( HTTP/[0-9.]+")')
CLIENT = re.compile(r"^\S+ - - \[")  # werkzeug's request line starts with the client
MARKER = "_portal_handler"


def redact(text: str) -> str:
    text = EMAIL.sub("<e-mail>", text)
    text = IBAN.sub("<iban>", text)
    return QUERY.sub(r"\1?…\2", text)


def _base(record: logging.LogRecord) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
        "level": record.levelname,
        "logger": record.name,
        "message": record.getMessage(),
    }
    if record.name == "werkzeug":
        out["message"] = CLIENT.sub("- - - [", out["message"])
    rid = getattr(record, "request_id", None) or current_request_id()
    job = getattr(record, "job_id", None) or current_job_id()
    if rid:
        out["request_id"] = rid
    if job:
        out["job_id"] = job
    fields = getattr(record, "fields", None)
    if isinstance(fields, Mapping):
        out.update({str(k): v for k, v in fields.items() if k not in out})
    if record.exc_info:
        out["exception"] = "".join(traceback.format_exception(*record.exc_info)).rstrip()
    elif record.exc_text:
        out["exception"] = record.exc_text
    if record.stack_info:
        out["stack"] = record.stack_info
    for key in ("message", "exception", "stack"):
        if key in out:  # before JSON escapes the quotes the patterns look for
            out[key] = redact(out[key])
    return out


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, message, request_id, job_id, fields."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(json.dumps(_base(record), ensure_ascii=False, default=str))


class TextFormatter(logging.Formatter):
    """For a developer's terminal: the same content, one readable line (plus traceback)."""

    def format(self, record: logging.LogRecord) -> str:
        data = _base(record)
        extra = " ".join(f"{k}={v}" for k, v in data.items()
                         if k not in ("ts", "level", "logger", "message", "exception"))
        line = f"{data['ts']} {data['level']:<7} {data['logger']}: {data['message']}"
        if extra:
            line += f"  [{extra}]"
        if "exception" in data:
            line += "\n" + data["exception"]
        return redact(line)


class StderrHandler(logging.StreamHandler):
    """Writes to the process's standard error (file descriptor 2), not to whatever object
    sys.stderr is at the moment: a command's output captured by a caller (click's runner,
    a redirect) stays free of log lines, and journald still gets them."""

    def __init__(self) -> None:
        super().__init__(sys.__stderr__ or sys.stderr)


def formatter(kind: str) -> logging.Formatter:
    return TextFormatter() if kind == "text" else JsonFormatter()


def handler(stream: TextIO | None = None, kind: str = "json") -> logging.Handler:
    """A handler with the portal's format; tests capture with one on a StringIO."""
    out: logging.Handler = StderrHandler() if stream is None else logging.StreamHandler(stream)
    out.setFormatter(formatter(kind))
    return out


def configure_logging(config: Mapping[str, Any]) -> None:
    """Install the portal's handler on the root logger once per process (a second app in
    the same process only updates format and level), so every library's records — Flask,
    werkzeug, SQLAlchemy, Celery — come out in the same form."""
    root = logging.getLogger()
    kind = str(config.get("LOG_FORMAT") or "json")
    level = str(config.get("LOG_LEVEL") or "INFO").upper()
    ours = next((h for h in root.handlers if getattr(h, MARKER, False)), None)
    if ours is None:
        ours = handler(kind=kind)
        setattr(ours, MARKER, True)
        root.addHandler(ours)
    ours.setFormatter(formatter(kind))
    root.setLevel(level)
    # Werkzeug's request lines duplicate the portal's own request log (which names the
    # route, not the path); keep its warnings.
    logging.getLogger("werkzeug").setLevel(max(logging.WARNING, root.level))
    # Progress chatter of libraries (WeasyPrint logs while merely being imported).
    for name in ("alembic.runtime.plugins", "weasyprint.progress", "fontTools"):
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
