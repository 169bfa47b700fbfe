"""The request id of the work in hand, carried from the web request into the jobs it starts
(Celery task kwargs, the in-process runner's threads), so one id finds every log line."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_request_id: ContextVar[str | None] = ContextVar("portal_request_id", default=None)
_job_id: ContextVar[str | None] = ContextVar("portal_job_id", default=None)

# What a proxy or load balancer usually sends (UUIDs, hex ids, nginx's $request_id). No '@',
# spaces or other characters, so a header cannot smuggle an e-mail address or a line break
# into the logs.
VALID_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{7,63}$")


def new_request_id() -> str:
    return uuid.uuid4().hex


def accepted_request_id(header: str | None) -> str:
    """The caller's X-Request-ID if it is a plausible id, else a new one."""
    if header and VALID_ID.match(header):
        return header
    return new_request_id()


def current_request_id() -> str | None:
    return _request_id.get()


def current_job_id() -> str | None:
    return _job_id.get()


def set_request_id(value: str | None) -> None:
    _request_id.set(value)


@contextmanager
def bound(request_id: str | None = None, job_id: str | None = None) -> Iterator[str]:
    """Run a block (a job, a sweep) under a request id: the given one, or a new one."""
    rid = request_id if request_id and VALID_ID.match(request_id) else new_request_id()
    tokens = (_request_id.set(rid), _job_id.set(job_id))
    try:
        yield rid
    finally:
        _job_id.reset(tokens[1])
        _request_id.reset(tokens[0])
