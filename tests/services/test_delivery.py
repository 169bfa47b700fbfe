"""The outbox and the job service on PostgreSQL, with fakes of the service's own ports (the
XÖV, PDF and channel adapters have their own tests against real components)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select, update

from portal.adapters.db.delivery import CitizenMessage, DeliveryJob
from portal.adapters.db.models import AuditEntry, Submission, now
from portal.adapters.delivery.base import Channel, DeliveryFailed, Parcel, PermanentFailure
from portal.services import delivery
from portal.services.artifacts import Artifacts, MessageRejected
from portal.services.delivery import Policy, Tools, claim, run_job, sweep
from portal.services.mail import OutgoingMail
from portal.state import portal_state
from tests.adapters.delivery.support import submit_dog_tax


class FakeMessages:
    def __init__(self, problems: list[tuple[str, str]] | None = None) -> None:
        self.problems = problems
        self.calls = 0

    def build(self, _session: Any, submission: Submission) -> tuple[str, bytes]:
        self.calls += 1
        if self.problems:
            raise MessageRejected(self.problems)
        return f"{submission.reference}.xml", f"<antrag>{submission.reference}</antrag>".encode()


class FakeDocuments:
    def seal(self, _session: Any, submission: Submission, xml: bytes) -> tuple[str, bytes]:
        return f"{submission.reference}.pdf", b"%PDF-1.7 " + xml


class FakeXdomea:
    def build(self, *_args: Any) -> tuple[str, bytes]:
        return "x.zip", b"PK"


@dataclass
class FakeChannel(Channel):
    script: list[str] = field(default_factory=list)  # "temp", "perm", "slow", "ok"
    parcels: list[Parcel] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.name, self.lock = "fake", threading.Lock()

    def deliver(self, parcel: Parcel) -> dict[str, Any]:
        with self.lock:
            step = self.script.pop(0) if self.script else "ok"
            self.parcels.append(parcel)
        if step == "temp":
            raise DeliveryFailed("HTTP 503")
        if step == "perm":
            raise PermanentFailure("HTTP 400")
        if step == "slow":
            time.sleep(0.5)
        return {"ok": True}


class Lookup:
    def __init__(self, channel: FakeChannel) -> None:
        self.channel = channel

    def get(self, name: str) -> Channel | None:
        return self.channel if name in ("inbox", "fake") else None


class Mails:
    def __init__(self) -> None:
        self.sent: list[OutgoingMail] = []

    def send(self, mail: OutgoingMail) -> None:
        self.sent.append(mail)


def tools(app: Flask, channel: FakeChannel, messages: FakeMessages | None = None,
          policy: Policy | None = None, mails: Mails | None = None) -> Tools:
    artifacts = Artifacts(portal_state(app).catalog, messages or FakeMessages(), FakeDocuments(),
                          FakeXdomea())
    return Tools(artifacts, Lookup(channel), mails or Mails(), "https://portal.example",
                 policy or Policy(max_attempts=3, backoff_base=0, backoff_max=0))


def only_job(app: Flask, channel: str = "inbox") -> DeliveryJob:
    with portal_state(app).db.session() as session:
        job = session.scalar(select(DeliveryJob).where(DeliveryJob.channel == channel))
        assert job is not None
        return job


def test_backoff_doubles_up_to_the_maximum() -> None:
    policy = Policy(backoff_base=30, backoff_max=3600)
    assert [policy.backoff(n) for n in (1, 2, 3, 4, 8, 20)] == [30, 60, 120, 240, 3600, 3600]


def test_submit_writes_one_job_per_channel_in_the_same_transaction(app: Flask) -> None:
    submission_id = submit_dog_tax(app)
    with portal_state(app).db.session() as session:
        rows = session.scalars(select(DeliveryJob)).all()
    assert [(r.channel, r.idempotency_key, r.status) for r in rows] == [
        ("inbox", f"{submission_id}/inbox", "pending")]


def test_temporary_failures_are_retried_then_fail_for_good_and_an_admin_retries(app: Flask) -> None:
    db = portal_state(app).db
    submission_id = submit_dog_tax(app)
    channel = FakeChannel(script=["temp", "temp", "temp"])
    t = tools(app, channel)
    job = only_job(app)
    assert run_job(db, t, job.id).status == "retry"
    assert run_job(db, t, job.id).status == "retry"
    outcome = run_job(db, t, job.id)
    assert outcome.status == "failed" and outcome.error == "HTTP 503"
    assert run_job(db, t, job.id).status == "skipped"  # terminal: no more attempts
    failed = only_job(app)
    assert (failed.status, failed.attempts, failed.last_error) == ("failed", 3, "HTTP 503")
    with db.session() as session:
        actions = session.scalars(select(AuditEntry.action).where(
            AuditEntry.object_id == submission_id)).all()
        assert "delivery.failed" in actions
        assert [j.id for j in delivery.jobs(session, "failed")] == [job.id]
        delivery.retry_failed(session, job.id, "staff:admin")
        session.commit()
    assert run_job(db, t, job.id).status == "delivered"
    done = only_job(app)
    assert (done.status, done.attempts, done.last_error) == ("delivered", 1, None)
    # Every attempt carried the same idempotency key.
    assert {p.idempotency_key for p in channel.parcels} == {f"{submission_id}/inbox"}


def test_an_invalid_message_fails_at_once_with_its_xpath(app: Flask) -> None:
    db = portal_state(app).db
    submit_dog_tax(app)
    messages = FakeMessages([("/antrag/halter/name", "Pflichtfeld fehlt")])
    outcome = run_job(db, tools(app, FakeChannel(), messages), only_job(app).id)
    assert outcome.status == "failed"
    job = only_job(app)
    assert job.attempts == 1 and "/antrag/halter/name: Pflichtfeld fehlt" in (job.last_error or "")


def test_a_permanent_refusal_is_not_retried(app: Flask) -> None:
    submit_dog_tax(app)
    outcome = run_job(portal_state(app).db, tools(app, FakeChannel(script=["perm"])),
                      only_job(app).id)
    assert outcome.status == "failed" and only_job(app).attempts == 1


def test_concurrent_workers_deliver_a_job_once(app: Flask) -> None:
    db = portal_state(app).db
    submit_dog_tax(app)
    channel = FakeChannel(script=["slow"])
    t = tools(app, channel)
    job_id = only_job(app).id
    barrier = threading.Barrier(6)
    results: list[str] = []

    def work() -> None:
        barrier.wait()
        results.append(run_job(db, t, job_id).status)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["delivered"] + ["skipped"] * 5
    assert len(channel.parcels) == 1


def test_a_worker_whose_lease_ran_out_cannot_finish_the_new_attempt(app: Flask) -> None:
    db = portal_state(app).db
    submit_dog_tax(app)
    job_id = only_job(app).id
    policy = Policy(lease=60)
    first = claim(db, job_id, policy)
    assert first is not None and claim(db, job_id, policy) is None  # leased
    with db.session() as session:  # the first worker hangs past its lease
        session.execute(update(DeliveryJob).values(locked_until=now() - timedelta(seconds=1)))
        session.commit()
    second = claim(db, job_id, policy)
    assert second is not None and second.attempt == 2
    assert delivery._finish(db, first, {"late": True}).status == "delivered"
    job = only_job(app)
    assert job.status == "running" and job.receipt == {}  # the late finish changed nothing
    delivery._finish(db, second, {"ok": True})
    assert only_job(app).status == "delivered"


def test_sweep_finds_lost_jobs_and_gives_up_on_exhausted_ones(app: Flask) -> None:
    db = portal_state(app).db
    policy = Policy(max_attempts=2, lease=60, requeue_after=30)
    first, second, third = (submit_dog_tax(app) for _ in range(3))
    jobs = {j.submission_id: j.id for j in (only_job_of(app, s) for s in (first, second, third))}
    delivery.mark_enqueued(db, [jobs[first]])  # just sent: the broker still has it
    for submission_id, attempts in ((second, 1), (third, 2)):  # workers died mid-attempt
        with db.session() as session:
            session.execute(update(DeliveryJob).where(DeliveryJob.id == jobs[submission_id])
                            .values(status="running", attempts=attempts,
                                    locked_until=now() - timedelta(seconds=5)))
            session.commit()
    found = dict(sweep(db, policy))
    assert set(found) == {jobs[second]}
    with db.session() as session:
        exhausted = session.get(DeliveryJob, jobs[third])
        assert exhausted is not None and exhausted.status == "failed"
    assert sweep(db, policy) == []  # marked as enqueued: not sent twice in a row


def only_job_of(app: Flask, submission_id: str) -> DeliveryJob:
    with portal_state(app).db.session() as session:
        job = session.scalar(select(DeliveryJob).where(DeliveryJob.submission_id == submission_id))
        assert job is not None
        return job


def test_a_message_to_the_citizen_sends_a_notification_without_the_text(app: Flask) -> None:
    db = portal_state(app).db
    submission_id = submit_dog_tax(app)
    with db.session() as session:
        message = CitizenMessage(submission_id=submission_id, author="Steueramt",
                                 body="Bitte reichen Sie den Impfpass nach.")
        session.add(message)
        session.flush()
        job = delivery.create_notification(session, submission_id, message.id)
        session.commit()
        reference = session.get(Submission, submission_id).reference  # type: ignore[union-attr]
    mails = Mails()
    assert run_job(db, tools(app, FakeChannel(), mails=mails), job.id).status == "delivered"
    assert len(mails.sent) == 1
    mail = mails.sent[0]
    assert mail.to == "erika.mustermann@example.org" and reference in mail.subject
    assert f"https://portal.example/meine-antraege/{reference}" in mail.body
    assert "Impfpass" not in mail.body
