"""Anonymous case statistics for an open-data portal: counts per service, channel and month,
and processing times. Cases still held are counted live; cases the retention job deleted are
counted from `case_statistics`, to which it added them in the deleting transaction."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.adapters.db.models import StatusChange, Submission
from portal.adapters.db.statistics import CaseStatistics

DECISIONS = ("decided", "rejected")
DAY = 86400.0


@dataclass
class Row:
    service_id: str
    channel: str
    month: str
    submitted: int = 0
    decided: int = 0
    rejected: int = 0
    processing_seconds: int = 0
    within_1_day: int = 0
    within_7_days: int = 0
    within_30_days: int = 0
    longer: int = 0

    @property
    def key(self) -> tuple[str, str, str]:
        return self.service_id, self.channel, self.month

    @property
    def average_days(self) -> float | None:
        done = self.decided + self.rejected
        return round(self.processing_seconds / done / DAY, 1) if done else None

    def add(self, other: Row) -> None:
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))


COUNTS = [f.name for f in fields(Row) if f.name not in ("service_id", "channel", "month")]


def _aware(value: datetime) -> datetime:
    from datetime import UTC

    return value if value.tzinfo else value.replace(tzinfo=UTC)


def case_row(submission: Submission, history: Iterable[StatusChange], timezone: str) -> Row:
    """One case as a statistics row: its month, channel and, once decided, how long it took."""
    submitted_at = _aware(submission.submitted_at)
    month = submitted_at.astimezone(ZoneInfo(timezone)).strftime("%Y-%m")
    row = Row(submission.service_id, submission.channel or "online", month, submitted=1)
    decision = next((h for h in sorted(history, key=lambda h: _aware(h.at))
                     if h.status in DECISIONS), None)
    if decision is not None:
        seconds = max(0.0, (_aware(decision.at) - submitted_at).total_seconds())
        setattr(row, decision.status, 1)
        row.processing_seconds = int(seconds)
        bucket = ("within_1_day" if seconds <= DAY else "within_7_days" if seconds <= 7 * DAY
                  else "within_30_days" if seconds <= 30 * DAY else "longer")
        setattr(row, bucket, 1)
    return row


def keep(session: Session, row: Row) -> None:
    """Add a deleted case's row to the stored statistics (the caller's transaction; the row
    is locked, so concurrent runs add up instead of overwriting each other)."""
    stored = session.get(CaseStatistics, row.key, with_for_update=True)
    if stored is None:
        stored = CaseStatistics(service_id=row.service_id, channel=row.channel, month=row.month,
                                **{name: 0 for name in COUNTS})
        session.add(stored)
    for name in COUNTS:
        setattr(stored, name, getattr(stored, name) + getattr(row, name))
    session.flush()


def report(session: Session, timezone: str) -> list[Row]:
    """Stored statistics plus the cases still held, merged, sorted by month, service, channel."""
    merged: dict[tuple[str, str, str], Row] = {}

    def add(row: Row) -> None:
        merged.setdefault(row.key, Row(*row.key)).add(row)

    for stored in session.scalars(select(CaseStatistics)):
        add(Row(stored.service_id, stored.channel, stored.month,
                **{name: getattr(stored, name) for name in COUNTS}))
    decisions: dict[str, list[StatusChange]] = {}
    for change in session.scalars(select(StatusChange).where(StatusChange.status.in_(DECISIONS))):
        decisions.setdefault(change.submission_id, []).append(change)
    for submission in session.scalars(select(Submission)):
        add(case_row(submission, decisions.get(submission.id, []), timezone))
    return sorted(merged.values(), key=lambda r: (r.month, r.service_id, r.channel))


HEADER = ["month", "service_id", "channel", *COUNTS, "average_days"]


def _record(row: Row) -> dict[str, object]:
    data = asdict(row)
    data["average_days"] = row.average_days
    return {name: data[name] for name in HEADER}


def to_csv(rows: list[Row]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(_record(row))
    return out.getvalue()


def to_json(rows: list[Row], municipality: str) -> str:
    return json.dumps({"publisher": municipality, "fields": HEADER,
                       "rows": [_record(r) for r in rows]}, ensure_ascii=False, indent=2) + "\n"
