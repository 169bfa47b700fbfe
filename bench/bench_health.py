"""Benchmark: what /healthz and /readyz cost, as ratios to a bare Flask route answering the
same JSON in the same app, all measured in this one run.

/readyz is measured warm (the result reused within READY_CACHE_SECONDS, as a load balancer
polling every few seconds sees it) and cold (every check run: database and schema revision,
seal key, schema files). Target: both well under 50 ms on the CI machine.

Run: .venv/bin/python bench/bench_health.py [--rounds N]
Uses a throw-away SQLite database and a development seal; no server needed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PORTAL_ROOT", str(ROOT))

from portal import create_app  # noqa: E402
from portal.adapters.db import migrate  # noqa: E402
from portal.adapters.documents.pki import make_dev_pki  # noqa: E402


def median_ms(call: Callable[[], object], rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=200)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/portal.sqlite3"
        migrate.upgrade(url)
        pki = make_dev_pki(Path(tmp), "Stadt Goslar")
        config = {"ENV_NAME": "testing", "DATABASE_URL": url, "READY_CACHE_SECONDS": 5,
                  "SEAL_PKCS12_FILE": str(pki.pkcs12_file),
                  "SEAL_PKCS12_PASSWORD_FILE": str(pki.password_file)}
        app = create_app(config)
        app.add_url_rule("/_bare", "bare", lambda: {"status": "ok"})
        client = app.test_client()
        cold_app = create_app({**config, "READY_CACHE_SECONDS": 0})
        cold = cold_app.test_client()
        for c in (client, cold):  # first use loads the seal key once per process
            assert c.get("/readyz").status_code == 200
        results = {
            "bare route": median_ms(lambda: client.get("/_bare"), rounds),
            "/healthz": median_ms(lambda: client.get("/healthz"), rounds),
            "/readyz (warm)": median_ms(lambda: client.get("/readyz"), rounds),
            "/readyz (cold)": median_ms(lambda: cold.get("/readyz"), rounds),
        }
    base = results["bare route"]
    print(f"{'endpoint':<16} {'median ms':>10} {'× bare':>8}")
    for name, ms in results.items():
        print(f"{name:<16} {ms:>10.2f} {ms / base:>8.1f}")
    worst = max(results["/readyz (warm)"], results["/readyz (cold)"], results["/healthz"])
    print(f"slowest health answer: {worst:.1f} ms (target < 50 ms)")


if __name__ == "__main__":
    main()
