"""Anonymous statistics that outlive the cases they count (retention, issue #12).

One row per service, channel and month of submission: how many were submitted, how many
decided or rejected and how long that took. No id, no reference, nothing that leads back to
a person; rows are added to when the retention job deletes cases, so a case is counted here
exactly once, in the same transaction that deletes it.

Only a new table; the shared `Base` (and its naming convention) comes from `models`.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.adapters.db.models import Base


class CaseStatistics(Base):
    __tablename__ = "case_statistics"
    service_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # YYYY-MM, local time
    submitted: Mapped[int] = mapped_column(Integer, default=0)
    decided: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    # Submission to decision (decided or rejected), summed, and in buckets for a distribution.
    processing_seconds: Mapped[int] = mapped_column(BigInteger, default=0)
    within_1_day: Mapped[int] = mapped_column(Integer, default=0)
    within_7_days: Mapped[int] = mapped_column(Integer, default=0)
    within_30_days: Mapped[int] = mapped_column(Integer, default=0)
    longer: Mapped[int] = mapped_column(Integer, default=0)
