"""HTTP POST to a specialist system, signed like FIT-Connect callbacks: header
`callback-authentication` is the hex HMAC-SHA512 of `timestamp + "." + body` with the shared
secret, `callback-timestamp` the Unix time in seconds. The receiver checks both (and the age
of the timestamp) before it trusts the body. `Idempotency-Key` lets it drop repeats."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import requests
from pydantic import Field, field_validator

from portal.adapters.delivery.base import (
    Channel,
    DeliveryFailed,
    Options,
    Parcel,
    PermanentFailure,
)

# The receiver may be busy or rate-limiting: these are worth another try, other 4xx are not
# (a receiver answers a repeated idempotency key with 2xx, as for the first delivery).
RETRYABLE = {408, 425, 429}


class WebhookOptions(Options):
    url: str
    secret: str = Field(min_length=32)
    timeout: float = Field(default=10.0, gt=0, le=120)
    include_files: bool = True

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("must start with https:// (or http:// on a private network)")
        return value


def sign(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha512).hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str, *, max_age: int = 300,
           now: float | None = None) -> bool:
    """The receiver's side (used by tests and offered to receivers as the reference)."""
    if not (timestamp.isascii() and timestamp.isdigit()):
        return False
    if abs((now or time.time()) - int(timestamp)) > max_age:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


def body_of(parcel: Parcel, include_files: bool) -> bytes:
    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode()

    doc: dict[str, Any] = {
        "type": "submission",
        "idempotencyKey": parcel.idempotency_key,
        "submissionId": parcel.submission_id,
        "reference": parcel.reference,
        "serviceId": parcel.service_id,
        "department": parcel.department,
        "submittedAt": parcel.submitted_at.isoformat(),
        "xml": {"name": parcel.xml_name, "sha256": hashlib.sha256(parcel.xml).hexdigest()},
        "pdf": {"name": parcel.pdf_name, "sha256": hashlib.sha256(parcel.pdf).hexdigest()},
        "attachments": [{"id": a.id, "name": a.name, "contentType": a.content_type,
                         "sha256": a.sha256} for a in parcel.attachments],
    }
    if include_files:
        doc["xml"]["content"] = b64(parcel.xml)
        doc["pdf"]["content"] = b64(parcel.pdf)
        for entry, a in zip(doc["attachments"], parcel.attachments, strict=True):
            entry["content"] = b64(a.content)
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()


class WebhookChannel(Channel):
    type = "webhook"
    options_model = WebhookOptions

    @property
    def opts(self) -> WebhookOptions:
        assert isinstance(self.options, WebhookOptions)
        return self.options

    def timeout(self) -> float:
        return self.opts.timeout

    def deliver(self, parcel: Parcel) -> dict[str, Any]:
        o = self.opts
        body = body_of(parcel, o.include_files)
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "callback-authentication": sign(o.secret, timestamp, body),
            "callback-timestamp": timestamp,
            "Idempotency-Key": parcel.idempotency_key,
        }
        try:
            # No redirects: a signed body must not be replayed to wherever a 30x points.
            response = requests.post(o.url, data=body, headers=headers, timeout=o.timeout,
                                     allow_redirects=False)
        except requests.RequestException as exc:
            raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from exc
        status = response.status_code
        if 200 <= status < 300:
            return {"status": status, "body": response.text[:500]}
        reason = f"HTTP {status}: {response.text[:200]}"
        if status >= 500 or status in RETRYABLE:
            raise DeliveryFailed(reason)
        raise PermanentFailure(reason)
