"""Real processes for the job tests: a Redis server of the test's own on a free port (the
machine's Redis on 6379 is never touched) and a Celery worker started as a subprocess with
its own queue names. Both can be stopped hard and started again."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import redis

from tests.adapters.delivery.receivers import free_port

ROOT = Path(__file__).resolve().parents[3]


def wait_for(predicate: Callable[[], bool], timeout: float, what: str,
             interval: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")


class RedisServer:
    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def ping(self) -> bool:
        try:
            return bool(redis.Redis(port=self.port, socket_timeout=0.5,
                                    socket_connect_timeout=0.5).ping())
        except redis.RedisError:
            return False

    def start(self) -> RedisServer:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(self.ping, 10, f"redis-server on port {self.port}")
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


class CeleryWorker:
    """`celery worker -B` (embedded beat for the sweep), one task at a time (solo pool, so
    SIGKILL of the process group kills everything that runs a task)."""

    def __init__(self, env: dict[str, str], directory: Path, beat: bool = True) -> None:
        self.env = {**os.environ, **env, "PYTHONUNBUFFERED": "1"}
        self.directory = directory
        self.beat = beat
        self.prefix = env.get("PORTAL_CELERY_QUEUE_PREFIX", "portal")
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def log(self) -> Path:
        return self.directory / f"worker-{self.starts}.log"

    def start(self, wait: bool = True) -> CeleryWorker:
        self.starts += 1
        queues = ",".join(f"{self.prefix}.{q}" for q in ("delivery", "notify", "sweep"))
        args = [sys.executable, "-m", "celery", "-A", "portal.adapters.jobs.worker", "worker",
                "-Q", queues, "-P", "solo", "-c", "1", "--without-gossip", "--without-mingle",
                "--without-heartbeat", "-n", f"w{uuid.uuid4().hex[:8]}@%h", "--loglevel", "INFO"]
        if self.beat:
            args += ["-B", "-s", str(self.directory / f"beat-{uuid.uuid4().hex[:6]}")]
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=out,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        if wait:
            wait_for(lambda: b" ready." in self.log.read_bytes() or not self.alive(), 60,
                     "the Celery worker to be ready")
            assert self.alive(), self.log.read_text(errors="replace")[-3000:]
        return self

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL the worker and everything it started: no clean-up, no acknowledgement."""
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        self.process = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()
        self.process = None

    def output(self) -> str:
        return "".join(self.directory.joinpath(f"worker-{n}.log").read_text(errors="replace")
                       for n in range(1, self.starts + 1))

    def __enter__(self) -> CeleryWorker:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()
