"""The retention job, shared by every runner: Celery beat, the in-process runner's sweeper
thread and `flask retention run`."""

from __future__ import annotations

import logging
from datetime import datetime

from flask import Flask

from portal.adapters.db.models import now
from portal.adapters.observability.metrics import RETENTION_DELETED
from portal.services import retention
from portal.state import portal_state

log = logging.getLogger(__name__)


def run_retention(app: Flask, moment: datetime | None = None,
                  dry_run: bool = False) -> retention.Report:
    state = portal_state(app)
    with state.db.session() as session:
        report = retention.run(session, state.catalog, moment or now(), state.timezone)
        if dry_run:
            session.rollback()
        else:
            session.commit()
    if not dry_run:
        for kind, count in (("submission", report.submissions), ("draft", report.drafts),
                            ("upload", report.uploads)):
            if count:
                RETENTION_DELETED.labels(kind).inc(count)
    log.info("retention %s: %d case(s), %d draft(s), %d upload(s); %d held back "
             "(delivery under way)", "due (dry run)" if dry_run else "deleted",
             report.submissions, report.drafts, report.uploads, report.held_back)
    return report
