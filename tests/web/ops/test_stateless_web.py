"""Web processes hold no state: two gunicorn servers (started with the guide's command) on
two ports against one PostgreSQL database, and a citizen's whole journey — development
sign-in, every step with an upload, review, submit, the copy — sending each request to the
other server. Then both servers' metrics (multiprocess mode) show their share."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select

from portal import create_app
from portal.adapters.db.models import Submission
from portal.state import portal_state
from tests.adapters.delivery.receivers import free_port
from tests.adapters.jobs.processes import wait_for
from tests.conftest import FIXED_TODAY
from tests.docs.guide import environment, start
from tests.factories import PDF, file_paths, step_form

TOKEN = "metrics-token-for-tests-0123456789"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Server:
    def __init__(self, env: dict[str, str], directory: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        metrics_dir = directory / f"metrics-{self.port}"
        metrics_dir.mkdir()
        self.env = {**env, "PORT": str(self.port), "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
                    "WEB_CONCURRENCY": "2"}
        self.log = directory / f"gunicorn-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def up(self) -> bool:
        try:
            return requests.get(f"{self.url}/healthz", timeout=1).status_code == 200
        except requests.RequestException:
            return False

    def __enter__(self) -> Server:
        self.process = start("web", self.env, self.log)
        wait_for(lambda: self.up() or self.process.poll() is not None, 120,  # type: ignore[union-attr]
                 "gunicorn to answer")
        assert self.up(), self.log.read_text(errors="replace")[-3000:]
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(30)


@pytest.fixture
def servers(clean_db: str, seal: dict[str, Any], tmp_path: Path) -> Iterator[list[Server]]:
    env = environment(
        PORTAL_ENV="testing", PORTAL_DATABASE_URL=clean_db,
        PORTAL_SECRET_KEY="one-secret-for-every-web-process-0123456789",
        PORTAL_METRICS_TOKEN=TOKEN, PORTAL_LOG_LEVEL="WARNING",
        **{f"PORTAL_{k}": str(v) for k, v in seal.items()})
    with Server(env, tmp_path) as first, Server(env, tmp_path) as second:
        yield [first, second]


class Alternating:
    """A browser whose every request goes to the other server (same cookies)."""

    def __init__(self, servers: list[Server]) -> None:
        self.servers = servers
        self.session = requests.Session()
        self.count = 0
        self.served: dict[int, int] = {s.port: 0 for s in servers}

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        server = self.servers[self.count % len(self.servers)]
        self.count += 1
        self.served[server.port] += 1
        response = self.session.request(method, server.url + path, allow_redirects=False,
                                        timeout=30, **kwargs)
        assert response.status_code < 500, response.text[:1000]
        return response

    def csrf(self, path: str) -> tuple[str, str]:
        page = self.request("GET", path)
        assert page.status_code == 200, (path, page.status_code)
        found = CSRF.search(page.text)
        assert found, f"no CSRF token on {path}"
        return found.group(1), page.text


def path_of(location: str) -> str:
    return re.sub(r"^https?://[^/]+", "", location)


def scrape(server: Server) -> dict[str, float]:
    text = requests.get(f"{server.url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"},
                        timeout=10).text
    out: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            key = sample.name + "".join(f"|{k}={v}" for k, v in sorted(sample.labels.items()))
            out[key] = out.get(key, 0.0) + sample.value
    return out


def test_a_journey_alternating_between_two_web_servers(servers: list[Server],
                                                       clean_db: str) -> None:
    app = create_app({"ENV_NAME": "testing", "DATABASE_URL": clean_db})
    state = portal_state(app)
    service = state.catalog.services["hundesteuer-anmeldung"]
    browser = Alternating(servers)

    token, _page = browser.csrf("/anmelden/entwicklung?next=/")
    signed_in = browser.request("POST", "/anmelden/entwicklung", data={
        "csrf_token": token, "persona": "erika", "level": "4", "next": "/"})
    assert signed_in.status_code == 302
    token, _page = browser.csrf(f"/leistungen/{service.id}")
    started = browser.request("POST", f"/leistungen/{service.id}/starten",
                              data={"csrf_token": token})
    assert started.status_code == 302
    location = path_of(started.headers["Location"])
    for _ in range(len(service.steps) + 1):
        if location.endswith("/pruefen"):
            break
        step = service.step(location.rsplit("/", 1)[1])
        assert step is not None, location
        token, _page = browser.csrf(location)
        data = {**step_form(step, state.catalog, FIXED_TODAY), "action": ["next"],
                "csrf_token": [token]}
        files = {p: ("nachweis.pdf", PDF, "application/pdf") for p in file_paths(step)}
        saved = browser.request("POST", location, data=data, files=files or None)
        assert saved.status_code == 302, saved.text[:2000]
        location = path_of(saved.headers["Location"])
    assert location.endswith("/pruefen")
    token, review = browser.csrf(location)
    reviewed = re.search(r'name="reviewed" value="([0-9a-f]{64})"', review)
    assert reviewed is not None
    done = browser.request("POST", location.replace("/pruefen", "/absenden"), data={
        "csrf_token": token, "reviewed": reviewed.group(1), "confirm": "yes"})
    assert done.status_code == 302, done.text[:2000]
    copy = browser.request("GET", path_of(done.headers["Location"]))
    assert copy.status_code == 200 and "Ihr Antrag ist eingegangen" in copy.text

    with state.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Submission)) == 1
    state.db.engine.dispose()
    assert all(count >= 5 for count in browser.served.values()), browser.served

    for server in servers:
        assert requests.get(f"{server.url}/readyz", timeout=5).json() == {"status": "ready"}
    first, second = (scrape(s) for s in servers)
    submitted = "portal_submissions_total|channel=online|service=hundesteuer-anmeldung"
    assert first.get(submitted, 0) + second.get(submitted, 0) == 1
    for samples in (first, second):
        citizen = sum(v for k, v in samples.items()
                      if k.startswith("portal_http_request_duration_seconds_count|")
                      and "group=citizen" in k)
        assert citizen >= 3
