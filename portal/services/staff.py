"""Staff accounts: roles, departments, password plus TOTP second factor, lock-out."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pyotp
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.adapters.db.accounts import StaffAccount, StaffDepartment, StaffRole
from portal.adapters.db.models import now
from portal.services import audit
from portal.services.accounts import (
    HASHER,
    AccountError,
    check_password,
    normalize_email,
    verify_password,
)

ROLES = ("counter", "back_office", "admin")
TOTP_ISSUER = "Online-Dienste"
_DUMMY_HASH = HASHER.hash("dummy staff password for timing only")


@dataclass(frozen=True)
class StaffPolicy:
    max_failures: int = 5
    lock_minutes: int = 15


@dataclass(frozen=True)
class StaffPrincipal:
    """What the session keeps about a signed-in employee (separate from any citizen)."""

    id: str
    email: str
    display_name: str
    roles: tuple[str, ...]
    departments: tuple[str, ...]
    method: str = "password+totp"

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "email": self.email, "display_name": self.display_name,
                "roles": list(self.roles), "departments": list(self.departments),
                "method": self.method}

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> StaffPrincipal:
        def strings(value: object) -> tuple[str, ...]:
            return tuple(str(v) for v in value) if isinstance(value, list | tuple) else ()

        return cls(id=str(data["id"]), email=str(data.get("email", "")),
                   display_name=str(data.get("display_name", "")),
                   roles=strings(data.get("roles")), departments=strings(data.get("departments")),
                   method=str(data.get("method", "password+totp")))


def principal(account: StaffAccount, method: str = "password+totp") -> StaffPrincipal:
    return StaffPrincipal(account.id, account.email, account.display_name,
                          tuple(r.role for r in account.roles),
                          tuple(d.department for d in account.departments), method)


def create_staff(session: Session, email: str, display_name: str, roles: Iterable[str],
                 departments: Iterable[str], password: str | None,
                 known_departments: Iterable[str]) -> tuple[StaffAccount, str]:
    """Create an account; returns it with the TOTP provisioning URI (shown once, to the
    administrator, who hands it to the employee). Without a password the account can only
    sign in through the municipality's IdP."""
    address = normalize_email(email)
    role_set, dept_set = sorted(set(roles)), sorted(set(departments))
    if not role_set or any(r not in ROLES for r in role_set):
        raise AccountError("role_unknown")
    unknown = set(dept_set) - set(known_departments)
    if unknown:
        raise AccountError("department_unknown")
    if "back_office" in role_set and not dept_set:
        raise AccountError("department_missing")
    if not display_name.strip():
        raise AccountError("name_missing")
    if password is not None:
        check_password(password)
    if session.scalar(select(StaffAccount).where(StaffAccount.email == address)) is not None:
        raise AccountError("email_taken")
    secret = pyotp.random_base32(32)
    account = StaffAccount(email=address, display_name=display_name.strip(),
                           password_hash=HASHER.hash(password) if password else None,
                           totp_secret=secret, active=True, failed_logins=0)
    account.roles = [StaffRole(role=r) for r in role_set]
    account.departments = [StaffDepartment(department=d) for d in dept_set]
    session.add(account)
    session.flush()
    audit.record(session, "cli", "staff.created", account.id, roles=role_set,
                 departments=dept_set)
    return account, provisioning_uri(account)


def provisioning_uri(account: StaffAccount) -> str:
    assert account.totp_secret
    return pyotp.TOTP(account.totp_secret).provisioning_uri(name=account.email,
                                                            issuer_name=TOTP_ISSUER)


def staff_by_email(session: Session, email: str, for_update: bool = False) -> StaffAccount | None:
    address = (email or "").strip().lower()
    query = select(StaffAccount).where(StaffAccount.email == address)
    return session.scalar(query.with_for_update() if for_update else query)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def is_locked(account: StaffAccount, moment: datetime) -> bool:
    return account.locked_until is not None and _aware(account.locked_until) > moment


def _fail(session: Session, account: StaffAccount, policy: StaffPolicy, moment: datetime,
          step: str) -> None:
    account.failed_logins += 1
    audit.record(session, f"staff:{account.id}", "staff.login_failed", account.id, step=step,
                 failures=account.failed_logins)
    if account.failed_logins >= policy.max_failures:
        account.locked_until = moment + timedelta(minutes=policy.lock_minutes)
        account.failed_logins = 0
        audit.record(session, f"staff:{account.id}", "staff.locked", account.id,
                     until=account.locked_until.isoformat())


def check_password_step(session: Session, email: str, password: str,
                        policy: StaffPolicy = StaffPolicy(), at: datetime | None = None
                        ) -> StaffAccount:
    """First factor. Success does not reset the failure count: only a full login does, so
    guessing TOTP codes after a correct password still ends in the lock-out."""
    moment = at or now()
    # Row lock: parallel guesses must each count towards the lock-out.
    account = staff_by_email(session, email, for_update=True)
    if account is None or account.password_hash is None:
        verify_password(_DUMMY_HASH, password)
        raise AccountError("invalid")
    if is_locked(account, moment):
        raise AccountError("locked")
    if not verify_password(account.password_hash, password):
        _fail(session, account, policy, moment, "password")
        raise AccountError("locked" if is_locked(account, moment) else "invalid")
    if not account.active:
        raise AccountError("inactive")
    if HASHER.check_needs_rehash(account.password_hash):
        account.password_hash = HASHER.hash(password)
    return account


def check_totp_step(session: Session, staff_id: str, code: str,
                    policy: StaffPolicy = StaffPolicy(), at: datetime | None = None
                    ) -> StaffAccount:
    """Second factor: a code of the current 30-second step or the one before or after (clock
    drift), and never the same step twice (a code seen over someone's shoulder is spent)."""
    moment = at or now()
    # Row lock: a code is spent once even when two sessions send it at the same moment.
    account = session.get(StaffAccount, staff_id, with_for_update=True)
    if account is None or not account.active or not account.totp_secret:
        raise AccountError("invalid")
    if is_locked(account, moment):
        raise AccountError("locked")
    step = matching_step(account.totp_secret, code.strip().replace(" ", ""), moment)
    if step is None or (account.totp_last_step is not None and step <= account.totp_last_step):
        _fail(session, account, policy, moment, "totp")
        raise AccountError("locked" if is_locked(account, moment) else "invalid")
    account.totp_last_step = step
    account.failed_logins, account.locked_until, account.last_login_at = 0, None, moment
    audit.record(session, f"staff:{account.id}", "staff.login", account.id,
                 method="password+totp")
    return account


def matching_step(secret: str, code: str, moment: datetime) -> int | None:
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(moment)
    for offset in (0, -1, 1):
        if pyotp.utils.strings_equal(totp.generate_otp(current + offset), code):
            return current + offset
    return None


def unlock(session: Session, email: str, actor: str) -> StaffAccount:
    account = staff_by_email(session, email)
    if account is None:
        raise AccountError("account_unknown")
    account.failed_logins, account.locked_until = 0, None
    audit.record(session, actor, "staff.unlocked", account.id)
    return account


def all_staff(session: Session) -> list[StaffAccount]:
    return list(session.scalars(select(StaffAccount).order_by(StaffAccount.email)))
