"""`flask delivery …`: channels, running and retrying jobs, API clients."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from portal.adapters.db.delivery import ApiClient, DeliveryJob
from portal.state import portal_state
from tests.adapters.delivery.support import delivery_app, submit_dog_tax


def test_delivery_commands(clean_db: str, seal: dict[str, Any]) -> None:
    app = delivery_app(clean_db, seal, {})
    runner = app.test_cli_runner()
    assert "hundesteuer-anmeldung: inbox (inbox)" in runner.invoke(args=["delivery", "check"]).output
    submit_dog_tax(app)
    with portal_state(app).db.session() as session:
        session.execute(update(DeliveryJob).values(status="failed", attempts=4,
                                                   last_error="HTTP 503"))
        session.commit()
        job_id = session.scalar(select(DeliveryJob.id))
    assert "HTTP 503" in runner.invoke(args=["delivery", "failed"]).output
    assert runner.invoke(args=["delivery", "retry", "nope"]).exit_code == 1
    assert runner.invoke(args=["delivery", "retry", str(job_id)]).exit_code == 0
    # Run in a thread of its own, as tests/adapters/delivery/support.run_jobs explains.
    import threading

    out: list[str] = []
    thread = threading.Thread(target=lambda: out.append(
        runner.invoke(args=["delivery", "run"]).output))
    thread.start()
    thread.join()
    assert out == ["delivered: 1\n"]

    created = runner.invoke(args=["delivery", "api-client", "create", "HST-Verfahren",
                                  "--department", "steueramt"])
    assert created.exit_code == 0 and "ozg_" in created.output
    token = created.output.split("Token (nur jetzt sichtbar): ")[1].strip()
    bad = runner.invoke(args=["delivery", "api-client", "create", "X", "--department", "mars"])
    assert bad.exit_code == 1 and "department_unknown" in bad.output
    assert "HST-Verfahren" in runner.invoke(args=["delivery", "api-client", "list"]).output
    assert runner.invoke(args=["delivery", "api-client", "revoke", "HST-Verfahren"]).exit_code == 0
    with portal_state(app).db.session() as session:
        client = session.scalar(select(ApiClient))
        assert client is not None and not client.active and token not in client.token_hash
