"""docs/deployment.md: its commands run as written (migrations, backup and restore of the
database and of the seal key, retention and statistics, Celery worker and beat; the web
command runs in tests/web/ops/test_stateless_web.py), the systemd units start exactly those
commands, and the settings table is generated from portal/config.py and current."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import func, select

from portal.adapters.db import migrate
from portal.adapters.db.models import Submission
from portal.adapters.db.session import make_engine
from portal.config import REQUIRED_IN_PRODUCTION, ConfigError, build_config
from portal.config_docs import render, table, undocumented, unknown_descriptions
from tests.adapters.delivery.support import seal_config
from tests.adapters.jobs.processes import RedisServer, wait_for
from tests.conftest import ADMIN_URL
from tests.docs.guide import GUIDE, block, blocks, environment, run, start
from tests.production import production_municipality


def _admin(sql: str) -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql)


@pytest.fixture
def guide_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A production environment as the guide assumes it, on a database of its own."""
    name = f"portal_guide_{uuid.uuid4().hex[:8]}"
    _admin(f'CREATE DATABASE "{name}"')
    url = ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    seal_dir, backup_dir = tmp_path / "seal", tmp_path / "backup"
    seal_dir.mkdir()
    backup_dir.mkdir()
    seal = seal_config(seal_dir)
    passphrase = tmp_path / "passphrase"
    passphrase.write_text("correct horse battery staple\n")
    with RedisServer(tmp_path) as broker:
        yield environment(
            PORTAL_ENV="production", PORTAL_DATABASE_URL=url,
            PORTAL_SECRET_KEY="production-like-secret-key-0123456789abcdef",
            PORTAL_BASE_URL="https://online.goslar.example", PORTAL_CELERY_BROKER_URL=broker.url,
            PORTAL_CELERY_QUEUE_PREFIX=f"g{uuid.uuid4().hex[:6]}",
            BACKUP_DIR=str(backup_dir), SEAL_DIR=str(seal_dir), STATE_DIR=str(tmp_path),
            BACKUP_PASSPHRASE_FILE=str(passphrase),
            # Production start-up refuses the shipped file's placeholder creditor identifier.
            PORTAL_MUNICIPALITY_FILE=str(production_municipality(tmp_path)),
            **{f"PORTAL_{k}": v for k, v in seal.items()})
    _admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
    _admin(f'DROP DATABASE IF EXISTS "{name}"')


def submissions(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(Submission.__table__))
                       .scalar() or 0)
    finally:
        engine.dispose()


def test_migrate_backup_restore_and_retention_as_written(guide_env: dict[str, str]) -> None:
    url = guide_env["PORTAL_DATABASE_URL"]
    run("migrate", guide_env)
    from portal import create_app
    from tests.adapters.delivery.support import submit_dog_tax

    os.environ.setdefault("PORTAL_ROOT", str(GUIDE.parents[1]))
    app = create_app({"ENV_NAME": "testing", "DATABASE_URL": url})
    submit_dog_tax(app)
    from portal.state import portal_state

    portal_state(app).db.engine.dispose()
    assert submissions(url) == 1

    run("backup-database", guide_env)
    backups = list(Path(guide_env["BACKUP_DIR"]).glob("portal-*.dump"))
    assert len(backups) == 1 and backups[0].stat().st_size > 0
    name = url.rsplit("/", 1)[1]  # lose everything: an empty database
    _admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
    _admin(f'DROP DATABASE "{name}"')
    _admin(f'CREATE DATABASE "{name}"')
    run("restore-database", guide_env)
    assert submissions(url) == 1

    out = run("retention", guide_env)
    assert "fällig: 0 abgeschlossene Fälle" in out.stdout
    csv_text = (Path(guide_env["BACKUP_DIR"]) / "antragsstatistik.csv").read_text()
    assert csv_text.splitlines()[0].startswith("month,service_id,channel,submitted")
    assert ",hundesteuer-anmeldung,online,1," in csv_text
    assert '"publisher": "Stadt Goslar"' in (
        Path(guide_env["BACKUP_DIR"]) / "antragsstatistik.json").read_text()


def test_seal_key_backup_and_restore_as_written(guide_env: dict[str, str]) -> None:
    migrate.upgrade(guide_env["PORTAL_DATABASE_URL"])  # the block ran in the test above
    seal_dir = Path(guide_env["SEAL_DIR"])
    originals = {p.name: p.read_bytes() for p in seal_dir.iterdir() if p.is_file()}
    run("backup-seal", guide_env)
    backup = next(Path(guide_env["BACKUP_DIR"]).glob("seal-*.tar.gz.enc"))
    assert b"PRIVATE KEY" not in backup.read_bytes()  # encrypted
    for path in seal_dir.iterdir():
        path.unlink()
    out = run("restore-seal", guide_env)
    assert {p.name: p.read_bytes() for p in seal_dir.iterdir()} == originals
    assert all(oct(p.stat().st_mode)[-3:] == "600" for p in seal_dir.iterdir())
    assert "ok     seal: seal of Stadt Goslar" in out.stdout
    assert "ok     broker" in out.stdout and "ok     database" in out.stdout


@pytest.mark.parametrize(("name", "ready"), [("worker", " ready."),
                                             ("beat", "beat: Starting")])
def test_celery_processes_start_as_written(guide_env: dict[str, str], tmp_path: Path,
                                           name: str, ready: str) -> None:
    migrate.upgrade(guide_env["PORTAL_DATABASE_URL"])
    log = tmp_path / f"{name}.log"
    process = start(name, guide_env, log)
    try:
        wait_for(lambda: ready in log.read_text(errors="replace") or process.poll() is not None,
                 120, f"celery {name}")
        assert ready in log.read_text(errors="replace"), log.read_text(errors="replace")[-3000:]
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(60)


def test_systemd_units_start_the_tested_commands() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    starts = re.findall(r"^ExecStart=/srv/portal/\.venv/bin/(.+)$", text, re.M)
    assert sorted(starts) == sorted(block(n) for n in ("web", "worker", "beat"))


def test_every_setting_is_documented_and_the_table_is_current() -> None:
    assert undocumented() == [], "describe these settings in portal/config.py DESCRIPTIONS"
    assert unknown_descriptions() == []
    text = GUIDE.read_text(encoding="utf-8")
    assert render(text) == text, "run `flask --app portal config docs`"
    assert "`PORTAL_RETENTION_INTERVAL_SECONDS` | `3600`" in table()
    assert set(blocks()) >= {"web", "worker", "beat", "migrate", "backup-database",
                             "restore-database", "backup-seal", "restore-seal", "retention"}


def test_what_production_refuses_to_start_without_is_marked_required(tmp_path: Path) -> None:
    complete = {"PORTAL_ENV": "production", "PORTAL_SECRET_KEY": "s" * 40,
                "PORTAL_DATABASE_URL": "postgresql://db/portal"}
    build_config(complete, None, tmp_path)
    for key in ("SECRET_KEY", "DATABASE_URL"):
        with pytest.raises(ConfigError):
            build_config({k: v for k, v in complete.items() if k != f"PORTAL_{key}"}, None,
                         tmp_path)
        assert REQUIRED_IN_PRODUCTION[key].startswith("yes")


def test_config_docs_command_finds_a_stale_guide(tmp_path: Path, runner: object) -> None:
    stale = tmp_path / "deployment.md"
    stale.write_text(GUIDE.read_text(encoding="utf-8").replace("| `PORTAL_LOG_LEVEL` |",
                                                               "| `PORTAL_LOG_LEVEL_OLD` |"))
    check = runner.invoke(args=["config", "docs", "--check", "--file", str(stale)])  # type: ignore[attr-defined]
    assert check.exit_code == 1 and "veraltet" in check.output
    fixed = runner.invoke(args=["config", "docs", "--file", str(stale)])  # type: ignore[attr-defined]
    assert fixed.exit_code == 0
    assert stale.read_text(encoding="utf-8") == GUIDE.read_text(encoding="utf-8")
