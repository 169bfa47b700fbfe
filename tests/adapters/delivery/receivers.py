"""Real receivers for the delivery tests, each on a free loopback port: an SMTP server
(aiosmtpd) and an HTTP server that checks the FIT-Connect style signature. Both count what
they accept per idempotency key, as a real receiver that honours the key would, and can be
told to fail or stall."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

from portal.adapters.delivery.webhook import verify


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _SmtpHandler:
    def __init__(self, receiver: SmtpReceiver) -> None:
        self.receiver = receiver

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        with self.receiver.lock:
            if self.receiver.fail_next > 0:
                self.receiver.fail_next -= 1
                return "451 4.3.0 Mailbox temporarily unavailable"
            msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
            assert isinstance(msg, EmailMessage)
            self.receiver.messages.append(msg)
            self.receiver.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"


class SmtpReceiver:
    def __init__(self) -> None:
        self.port = free_port()
        self.lock = threading.Lock()
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []
        self.fail_next = 0
        self.controller = Controller(_SmtpHandler(self), hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpReceiver:
        self.controller.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.controller.stop()

    def keys(self) -> Counter[str]:
        """Messages per idempotency key (a mail system deduplicates by Message-ID)."""
        with self.lock:
            return Counter(str(m["X-Idempotency-Key"]) for m in self.messages
                           if m["X-Idempotency-Key"])

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m, r in zip(self.messages, self.recipients, strict=True) if address in r]


@dataclass
class HttpReceiver:
    """Accepts signed POSTs. `cases` counts the cases it opened: one per idempotency key,
    a repeat is answered 200 without a second case. `plan` scripts the next answers:
    "500", "timeout:<seconds>" (open the case, answer late) or "ok"."""

    secret: str
    port: int = field(default_factory=free_port)
    requests: int = 0
    bad_signatures: int = 0
    cases: Counter[str] = field(default_factory=Counter)
    posts: Counter[str] = field(default_factory=Counter)  # accepted POSTs, repeats included
    bodies: dict[str, dict[str, Any]] = field(default_factory=dict)
    plan: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    arrived: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: Any) -> None:
                pass

            def do_POST(self) -> None:
                receiver.arrived.set()
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                status, delay = receiver._accept(self.headers, body)
                if delay:
                    time.sleep(delay)
                payload = json.dumps({"ok": status == 200}).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the sender gave up waiting (timeout test)

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.port}/eingang"

    def _accept(self, headers: Any, body: bytes) -> tuple[int, float]:
        with self.lock:
            self.requests += 1
            step = self.plan.pop(0) if self.plan else "ok"
            if step == "500":
                return 500, 0.0
            if not verify(self.secret, headers.get("callback-timestamp", ""), body,
                          headers.get("callback-authentication", "")):
                self.bad_signatures += 1
                return 401, 0.0
            key = headers.get("Idempotency-Key", "")
            doc = json.loads(body)
            if doc.get("idempotencyKey") != key:
                return 400, 0.0
            self.posts[key] += 1
            if key not in self.cases:
                self.cases[key] = 1
                self.bodies[key] = doc
        if step.startswith("timeout:"):
            # The case is opened, but the answer comes after the sender gave up: the sender
            # must try again, and the key keeps that from opening a second case.
            return 200, float(step.split(":", 1)[1])
        return 200, 0.0

    def __enter__(self) -> HttpReceiver:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
