"""Local citizen accounts for people without eID (e-mail + password, level 1) and the
one-time check of an ID document at the counter that raises such an account's level."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.adapters.db.accounts import CounterVerification, LocalAccount, StaffAccount
from portal.adapters.db.models import now
from portal.services import audit
from portal.services.identity import Identity
from portal.services.mail import MailSender, OutgoingMail

METHOD = "konto"
# argon2id with the library's defaults (RFC 9106 "second recommended option").
HASHER = PasswordHasher()
# Verified against when the e-mail is unknown, so a wrong address takes as long as a wrong
# password and the response time does not reveal which addresses have an account.
_DUMMY_HASH = HASHER.hash("dummy password for timing only")
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
MIN_PASSWORD = 12
MAX_PASSWORD = 256
DOCUMENT_TYPES = ("personalausweis", "reisepass", "aufenthaltstitel", "unionsbuerger_karte",
                  "passersatz")
# eID ("hoch") can only come from the online ID function, never from a look at a document.
COUNTER_LEVEL_CEILING = 3
TOKEN_SALT = "portal.accounts.email-verification"
TOKEN_MAX_AGE = 48 * 3600


class AccountError(Exception):
    """A rule was broken; `code` names which, the web layer turns it into a sentence."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class LockoutPolicy:
    max_failures: int = 10
    lock_minutes: int = 15


def normalize_email(value: str) -> str:
    email = (value or "").strip().lower()
    if len(email) > 254 or not EMAIL.match(email):
        raise AccountError("email_invalid")
    return email


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError("password_short")
    if len(password) > MAX_PASSWORD:
        raise AccountError("password_long")


def account_by_email(session: Session, email: str, for_update: bool = False) -> LocalAccount | None:
    try:
        normalized = normalize_email(email)
    except AccountError:
        return None
    query = select(LocalAccount).where(LocalAccount.email == normalized)
    return session.scalar(query.with_for_update() if for_update else query)


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=TOKEN_SALT)


def verification_token(secret: str, account: LocalAccount) -> str:
    return _serializer(secret).dumps({"a": account.id, "e": account.email})


def register(session: Session, mail: MailSender, secret: str, link: Callable[[str], str],
             email: str, password: str, given_names: str, family_name: str) -> None:
    """Create an account and send the verification link. An address that already has an
    account gets a notice instead, so the form never tells anyone which addresses exist."""
    address = normalize_email(email)
    check_password(password)
    if not given_names.strip() or not family_name.strip():
        raise AccountError("name_missing")
    existing = session.scalar(select(LocalAccount).where(LocalAccount.email == address))
    if existing is not None:
        mail.send(OutgoingMail(address, "Ihr Konto besteht bereits / You already have an account",
                               _EXISTING_TEXT))
        audit.record(session, f"{METHOD}:{existing.id}", "account.register_again", existing.id)
        return
    account = LocalAccount(email=address, password_hash=HASHER.hash(password),
                           given_names=given_names.strip()[:120],
                           family_name=family_name.strip()[:120], trust_level=1)
    session.add(account)
    session.flush()
    audit.record(session, f"{METHOD}:{account.id}", "account.registered", account.id)
    mail.send(OutgoingMail(address, "Bitte bestätigen Sie Ihre E-Mail-Adresse / Please confirm "
                                    "your e-mail address",
                           _VERIFY_TEXT.format(link=link(verification_token(secret, account)))))


def verify_email(session: Session, secret: str, token: str) -> LocalAccount:
    try:
        data = _serializer(secret).loads(token, max_age=TOKEN_MAX_AGE)
    except SignatureExpired as exc:
        raise AccountError("token_expired") from exc
    except BadSignature as exc:
        raise AccountError("token_invalid") from exc
    if not isinstance(data, dict):
        raise AccountError("token_invalid")
    account = session.get(LocalAccount, str(data.get("a")))
    # A token for an address the account no longer has must not verify the new one.
    if account is None or account.email != data.get("e"):
        raise AccountError("token_invalid")
    if account.email_verified_at is None:
        account.email_verified_at = now()
        audit.record(session, f"{METHOD}:{account.id}", "account.email_verified", account.id)
    return account


def authenticate(session: Session, email: str, password: str,
                 policy: LockoutPolicy = LockoutPolicy(), at: datetime | None = None
                 ) -> LocalAccount:
    moment = at or now()
    # Row lock: parallel guesses must each count towards the lock-out.
    account = account_by_email(session, email, for_update=True)
    if account is None:
        verify_password(_DUMMY_HASH, password)
        raise AccountError("invalid")
    if account.locked_until is not None and _aware(account.locked_until) > moment:
        raise AccountError("locked")
    if not verify_password(account.password_hash, password):
        account.failed_logins += 1
        if account.failed_logins >= policy.max_failures:
            account.locked_until = moment + timedelta(minutes=policy.lock_minutes)
            account.failed_logins = 0
            audit.record(session, f"{METHOD}:{account.id}", "account.locked", account.id)
        audit.record(session, f"{METHOD}:{account.id}", "login.failed", account.id,
                     method=METHOD, reason="password")
        raise AccountError("invalid")
    if account.email_verified_at is None:
        raise AccountError("unverified")
    if HASHER.check_needs_rehash(account.password_hash):
        account.password_hash = HASHER.hash(password)
    account.failed_logins, account.locked_until, account.last_login_at = 0, None, moment
    return account


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _aware(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything is stored in UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def identity_for_account(account: LocalAccount) -> Identity:
    """Names and birth date come from the citizen (or the clerk's check), never from an eID:
    they are prefilled but stay editable, so `verified` is empty."""
    return Identity(method=METHOD, subject=account.id, trust_level=account.trust_level,
                    family_name=account.family_name, given_names=account.given_names,
                    birth_date=account.birth_date, email=account.email, verified=())


def counter_verify(session: Session, account_id: str, clerk: StaffAccount, document_type: str,
                   level: int, max_level: int, *, given_names: str, family_name: str,
                   birth_date: str | None, note: str | None = None) -> CounterVerification:
    """Record that `clerk` saw the document and raise the account to `level`."""
    ceiling = min(max_level, COUNTER_LEVEL_CEILING)
    if level < 2 or level > ceiling:
        raise AccountError("level_not_allowed")
    if document_type not in DOCUMENT_TYPES:
        raise AccountError("document_unknown")
    if not given_names.strip() or not family_name.strip():
        raise AccountError("name_missing")
    account = session.get(LocalAccount, account_id)
    if account is None:
        raise AccountError("account_unknown")
    if account.email_verified_at is None:
        raise AccountError("unverified")
    if level < account.trust_level:
        raise AccountError("level_lower")
    record = CounterVerification(account_id=account.id, staff_id=clerk.id,
                                 staff_name=clerk.display_name, document_type=document_type,
                                 previous_level=account.trust_level, level=level,
                                 note=(note or "").strip()[:500] or None)
    session.add(record)
    # The names as printed in the document replace what the citizen typed at sign-up.
    account.given_names = given_names.strip()[:120]
    account.family_name = family_name.strip()[:120]
    account.birth_date = birth_date or account.birth_date
    account.trust_level = level
    session.flush()
    audit.record(session, f"staff:{clerk.id}", "account.counter_verified", account.id,
                 document_type=document_type, level=level, previous_level=record.previous_level)
    return record


def verifications_of(session: Session, account_id: str) -> list[CounterVerification]:
    return list(session.scalars(select(CounterVerification).where(
        CounterVerification.account_id == account_id).order_by(CounterVerification.at.desc())))


def count_accounts(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(LocalAccount)) or 0)


_VERIFY_TEXT = """Guten Tag,

bitte bestätigen Sie Ihre E-Mail-Adresse für Ihr Konto bei den Online-Diensten, indem Sie
diesen Link öffnen (48 Stunden gültig):

{link}

Wenn Sie kein Konto angelegt haben, können Sie diese Nachricht ignorieren.

---

Please confirm your e-mail address for your online-services account by opening the link
above (valid for 48 hours). If you did not create an account, ignore this message.
"""

_EXISTING_TEXT = """Guten Tag,

für diese E-Mail-Adresse besteht bereits ein Konto bei den Online-Diensten. Sie können sich
damit anmelden. Wenn Sie gerade kein Konto angelegt haben, können Sie diese Nachricht
ignorieren.

---

There already is an online-services account for this e-mail address; you can sign in with it.
If you did not just try to create an account, ignore this message.
"""
