"""Tables for sign-in: SAML replay store, local citizen accounts, counter verification, staff.

Only new tables; the shared `Base` (and its naming convention) comes from `models`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.adapters.db.models import Base, new_id, now


class SeenSamlId(Base):
    """A Response or Assertion id already accepted once. The primary key makes a second
    insert of the same id fail in the database, so a replay is refused across all workers."""

    __tablename__ = "saml_seen_ids"
    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class LocalAccount(Base):
    """A citizen account without eID: e-mail + password, level 1 until a clerk raises it."""

    __tablename__ = "local_accounts"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    given_names: Mapped[str] = mapped_column(String(120), default="")
    family_name: Mapped[str] = mapped_column(String(120), default="")
    birth_date: Mapped[str | None] = mapped_column(String(10))
    trust_level: Mapped[int] = mapped_column(Integer, default=1)
    email_verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    verifications: Mapped[list[CounterVerification]] = relationship(
        back_populates="account", order_by="CounterVerification.at")


class StaffAccount(Base):
    """A municipal employee. Password plus TOTP; `totp_last_step` stops reuse of a code."""

    __tablename__ = "staff_accounts"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(255))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    roles: Mapped[list[StaffRole]] = relationship(cascade="all, delete-orphan",
                                                  order_by="StaffRole.role")
    departments: Mapped[list[StaffDepartment]] = relationship(
        cascade="all, delete-orphan", order_by="StaffDepartment.department")


class StaffRole(Base):
    __tablename__ = "staff_roles"
    staff_id: Mapped[str] = mapped_column(ForeignKey("staff_accounts.id", ondelete="CASCADE"),
                                          primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)


class StaffDepartment(Base):
    """Which departments' applications a back-office clerk works on (ids from the
    municipality file)."""

    __tablename__ = "staff_departments"
    staff_id: Mapped[str] = mapped_column(ForeignKey("staff_accounts.id", ondelete="CASCADE"),
                                          primary_key=True)
    department: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)


class CounterVerification(Base):
    """A clerk saw the citizen's ID document in person and raised the account's level."""

    __tablename__ = "counter_verifications"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("local_accounts.id"), index=True)
    staff_id: Mapped[str] = mapped_column(ForeignKey("staff_accounts.id"), index=True)
    staff_name: Mapped[str] = mapped_column(String(255))
    document_type: Mapped[str] = mapped_column(String(40))
    previous_level: Mapped[int] = mapped_column(Integer)
    level: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    account: Mapped[LocalAccount] = relationship(back_populates="verifications")
