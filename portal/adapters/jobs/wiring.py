"""Connects the delivery service to the rest of the portal: the real XÖV, PDF and xdomea
builders behind the service's ports, the configured channels, the mail sender, and the way
jobs are run (Celery, a thread in the web process, or by hand).

`init_delivery` runs when the app is created, so a wrong channel configuration stops the
start with a clear message.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from uuid import UUID

from flask import Flask
from sqlalchemy.orm import Session

from portal.adapters.db.models import Submission
from portal.adapters.db.session import Database
from portal.adapters.delivery.registry import ChannelConfigError, Channels, load_channels
from portal.adapters.delivery.secrets import SecretError, read_secret
from portal.adapters.mail.smtp import mail_sender
from portal.config import ConfigError
from portal.services.artifacts import Artifacts, MessageRejected
from portal.services.delivery import Policy, Tools
from portal.services.mail import MailSender
from portal.services.submissions import attachments

if TYPE_CHECKING:
    from portal.state import PortalState

log = logging.getLogger(__name__)
EXTENSION = "portal.delivery"


class Dispatcher(Protocol):
    def enqueue(self, jobs: Sequence[tuple[str, float, str]]) -> None:
        """Send (job id, delay in seconds, job kind) to whoever runs jobs."""


class ManualDispatcher:
    """Nothing runs by itself: tests (and `flask delivery run`) call the service."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, float, str]] = []

    def enqueue(self, jobs: Sequence[tuple[str, float, str]]) -> None:
        self.sent.extend(jobs)


class XoevMessages:
    """MessagePort: portal.services.messages.build_message, validated against the schemas."""

    def __init__(self, state: PortalState, schemas_dir: Path) -> None:
        self.state, self.schemas_dir = state, schemas_dir

    def build(self, session: Session, submission: Submission) -> tuple[str, bytes]:
        from portal.adapters.xoev.schemas import load_schemas
        from portal.services.messages import InvalidMessage, build_message

        try:
            xml = build_message(submission, self.state.catalog, load_schemas(self.schemas_dir),
                                attachments=attachments(session, submission))
        except InvalidMessage as exc:
            raise MessageRejected([(p.xpath, p.reason) for p in exc.problems]) from exc
        return f"{submission.reference}.xml", xml


class XdomeaRecords:
    """XdomeaPort: portal.services.messages.build_dms_record, zipped the xdomea way."""

    def __init__(self, state: PortalState, schemas_dir: Path) -> None:
        self.state, self.schemas_dir = state, schemas_dir

    def build(self, session: Session, submission: Submission, process_id: str, xml: bytes,
              pdf: bytes) -> tuple[str, bytes]:
        from portal.adapters.xoev.schemas import load_schemas
        from portal.services.messages import InvalidMessage, build_dms_record

        try:
            package = build_dms_record(submission, self.state.catalog,
                                       load_schemas(self.schemas_dir), xml, pdf=pdf,
                                       attachments=attachments(session, submission),
                                       process_id=UUID(process_id),
                                       timezone=self.state.timezone)
        except InvalidMessage as exc:
            raise MessageRejected([(p.xpath, p.reason) for p in exc.problems]) from exc
        # A fixed ZIP date: the same package gives the same bytes on every retry.
        return f"{package.name}.zip", package.to_zip(submission.submitted_at)


class SealedDocuments:
    """DocumentPort: portal.services.documents.create_document (made once, then stored)."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def seal(self, session: Session, submission: Submission, xml: bytes) -> tuple[str, bytes]:
        from portal.adapters.documents.compose import tools_for
        from portal.services.documents import create_document

        state: PortalState = self.app.extensions["portal"]
        document = create_document(session, state.catalog, submission.id, xml,
                                   tools_for(self.app))
        return document.filename, document.content


@dataclass
class DeliveryRuntime:
    """What the app keeps for delivery: settings, channels, and how jobs get run."""

    db: Database
    policy: Policy
    channels: Channels
    runner: str
    portal_url: str
    config: dict[str, Any]
    artifacts: Artifacts
    dispatcher: Dispatcher = field(default_factory=ManualDispatcher)
    mail: MailSender | None = None

    def tools(self) -> Tools:
        return Tools(artifacts=self.artifacts, channels=self.channels,
                     mail=self.mail or mail_sender(self.config), portal_url=self.portal_url,
                     policy=self.policy)

    def channels_for(self, service_id: str) -> list[str]:
        return self.channels.for_service(service_id)


def policy_from(config: dict[str, Any]) -> Policy:
    return Policy(max_attempts=int(config["DELIVERY_MAX_ATTEMPTS"]),
                  backoff_base=float(config["DELIVERY_BACKOFF_SECONDS"]),
                  backoff_max=float(config["DELIVERY_BACKOFF_MAX_SECONDS"]),
                  lease=float(config["DELIVERY_LEASE_SECONDS"]),
                  requeue_after=float(config["DELIVERY_REQUEUE_SECONDS"]))


def init_delivery(app: Flask, state: PortalState) -> DeliveryRuntime:
    config = dict(app.config)
    try:
        channels = load_channels(config, sorted(state.catalog.services))
        read_secret(config, "SMTP_PASSWORD")
    except (ChannelConfigError, SecretError) as exc:
        raise ConfigError(str(exc)) from exc
    policy = policy_from(config)
    if policy.lease <= channels.longest_timeout() * 2:
        raise ConfigError(f"DELIVERY_LEASE_SECONDS ({policy.lease:g}) must be more than twice "
                          f"the longest channel timeout ({channels.longest_timeout():g} s)")
    runner = str(config.get("DELIVERY_RUNNER") or "manual")
    if runner not in ("celery", "inprocess", "manual"):
        raise ConfigError(f"DELIVERY_RUNNER must be celery, inprocess or manual, not '{runner}'")
    schemas = Path(config["XOEV_SCHEMAS_DIR"])
    artifacts = Artifacts(catalog=state.catalog, messages=XoevMessages(state, schemas),
                          documents=SealedDocuments(app), xdomea=XdomeaRecords(state, schemas))
    runtime = DeliveryRuntime(db=state.db, policy=policy, channels=channels, runner=runner,
                              portal_url=str(config.get("BASE_URL") or ""), config=config,
                              artifacts=artifacts)
    if runner == "celery":
        from portal.adapters.jobs.celery_app import CeleryDispatcher, make_celery

        runtime.dispatcher = CeleryDispatcher(make_celery(app, runtime), config)
    elif runner == "inprocess":
        from portal.adapters.jobs.inprocess import InProcessDispatcher
        from portal.adapters.jobs.maintenance import run_retention

        dispatcher = InProcessDispatcher(runtime, maintenance=lambda: run_retention(app))
        runtime.dispatcher = dispatcher
        # The sweeper starts with the first request, so jobs left by an earlier run (or the
        # demo data) are delivered without waiting for the next submission.
        app.before_request(dispatcher.start)
    app.extensions[EXTENSION] = runtime
    return runtime


def runtime_of(app: Flask) -> DeliveryRuntime:
    runtime: DeliveryRuntime = app.extensions[EXTENSION]
    return runtime
