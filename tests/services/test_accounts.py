"""Local citizen accounts, counter verification and staff accounts (services, real DB)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pyotp
import pytest
from flask import Flask
from sqlalchemy.orm import Session

from portal.adapters.db.accounts import LocalAccount
from portal.adapters.db.models import now
from portal.services import accounts, staff
from portal.services.accounts import AccountError, LockoutPolicy
from portal.services.mail import OutgoingMail
from portal.state import portal_state

SECRET = "test-secret"
DEPARTMENTS = ["steueramt", "meldebehoerde", "verkehrsbehoerde"]


class Outbox:
    def __init__(self) -> None:
        self.sent: list[OutgoingMail] = []

    def send(self, mail: OutgoingMail) -> None:
        self.sent.append(mail)


@pytest.fixture
def db(app: Flask) -> Iterator[Session]:
    with portal_state(app).db.session() as session:
        yield session


def _register(db: Session, outbox: Outbox, email: str = "Ana@Example.org") -> str:
    accounts.register(db, outbox, SECRET, lambda token: f"https://portal/{token}", email,
                      "correct horse battery", "Ana", "Beispiel")
    return outbox.sent[-1].body.split("https://portal/")[1].split()[0]


def test_register_verify_and_sign_in(db: Session) -> None:
    outbox = Outbox()
    token = _register(db, outbox)
    account = accounts.account_by_email(db, "ana@example.org")
    assert account is not None and account.trust_level == 1
    assert account.password_hash.startswith("$argon2id$")
    with pytest.raises(AccountError, match="unverified"):
        accounts.authenticate(db, "ana@example.org", "correct horse battery")
    accounts.verify_email(db, SECRET, token)
    signed_in = accounts.authenticate(db, " ANA@example.org ", "correct horse battery")
    identity = accounts.identity_for_account(signed_in)
    assert identity.trust_level == 1 and identity.verified == ()
    assert identity.prefill("name") == {"family_name": "Beispiel", "given_names": "Ana"}


def test_second_registration_reveals_nothing_and_creates_nothing(db: Session) -> None:
    outbox = Outbox()
    _register(db, outbox)
    _register_again = accounts.register
    _register_again(db, outbox, SECRET, lambda t: t, "ana@example.org", "another long password",
                    "Eve", "Evil")
    assert "besteht bereits" in outbox.sent[-1].body
    assert db.query(LocalAccount).count() == 1


@pytest.mark.parametrize("token", ["garbage", "eyJhIjoiMSJ9.x.y"])
def test_bad_tokens_are_refused(db: Session, token: str) -> None:
    with pytest.raises(AccountError, match="token_invalid"):
        accounts.verify_email(db, SECRET, token)


def test_token_of_another_secret_is_refused(db: Session) -> None:
    token = _register(db, Outbox())
    with pytest.raises(AccountError, match="token_invalid"):
        accounts.verify_email(db, "other-secret", token)


def test_password_rules(db: Session) -> None:
    with pytest.raises(AccountError, match="password_short"):
        accounts.register(db, Outbox(), SECRET, str, "a@example.org", "short", "A", "B")
    with pytest.raises(AccountError, match="email_invalid"):
        accounts.register(db, Outbox(), SECRET, str, "no-at-sign", "long enough password",
                          "A", "B")


def test_citizen_lock_out(db: Session) -> None:
    accounts.verify_email(db, SECRET, _register(db, Outbox()))
    policy = LockoutPolicy(max_failures=3, lock_minutes=15)
    for _ in range(3):
        with pytest.raises(AccountError, match="invalid"):
            accounts.authenticate(db, "ana@example.org", "wrong password!", policy)
    with pytest.raises(AccountError, match="locked"):
        accounts.authenticate(db, "ana@example.org", "correct horse battery", policy)
    later = now() + timedelta(minutes=16)
    assert accounts.authenticate(db, "ana@example.org", "correct horse battery", policy,
                                 at=later).trust_level == 1


def _clerk(db: Session, roles: tuple[str, ...] = ("counter",)) -> tuple[staff.StaffAccount, str]:
    account, uri = staff.create_staff(db, "clerk@goslar.example", "Clara Clerk", roles,
                                      ["meldebehoerde"], "clerk password long", DEPARTMENTS)
    return account, uri


def test_counter_verification_raises_the_level_and_records_who_when_what(db: Session) -> None:
    accounts.verify_email(db, SECRET, _register(db, Outbox()))
    citizen = accounts.account_by_email(db, "ana@example.org")
    clerk, _uri = _clerk(db)
    assert citizen is not None
    record = accounts.counter_verify(db, citizen.id, clerk, "personalausweis", 3, 3,
                                     given_names="Ana Maria", family_name="Beispiel",
                                     birth_date="1980-01-02")
    assert citizen.trust_level == 3 and citizen.given_names == "Ana Maria"
    assert record.staff_id == clerk.id and record.staff_name == "Clara Clerk"
    assert record.document_type == "personalausweis" and record.previous_level == 1
    assert accounts.verifications_of(db, citizen.id)[0].at is not None
    assert accounts.identity_for_account(citizen).trust_level == 3


@pytest.mark.parametrize("level,max_level", [(4, 4), (4, 3), (3, 2), (1, 3)])
def test_counter_can_never_grant_level_4_or_more_than_configured(db: Session, level: int,
                                                                 max_level: int) -> None:
    accounts.verify_email(db, SECRET, _register(db, Outbox()))
    citizen = accounts.account_by_email(db, "ana@example.org")
    clerk, _ = _clerk(db)
    assert citizen is not None
    with pytest.raises(AccountError, match="level_not_allowed"):
        accounts.counter_verify(db, citizen.id, clerk, "reisepass", level, max_level,
                                given_names="Ana", family_name="B", birth_date=None)


def test_counter_needs_a_confirmed_address(db: Session) -> None:
    _register(db, Outbox())
    citizen = accounts.account_by_email(db, "ana@example.org")
    clerk, _ = _clerk(db)
    assert citizen is not None
    with pytest.raises(AccountError, match="unverified"):
        accounts.counter_verify(db, citizen.id, clerk, "reisepass", 3, 3, given_names="Ana",
                                family_name="B", birth_date=None)


def test_staff_creation_rules(db: Session) -> None:
    with pytest.raises(AccountError, match="department_missing"):
        staff.create_staff(db, "b@goslar.example", "B", ["back_office"], [], "long password x",
                           DEPARTMENTS)
    with pytest.raises(AccountError, match="department_unknown"):
        staff.create_staff(db, "b@goslar.example", "B", ["back_office"], ["bauamt"],
                           "long password x", DEPARTMENTS)
    with pytest.raises(AccountError, match="role_unknown"):
        staff.create_staff(db, "b@goslar.example", "B", ["boss"], [], "long password x",
                           DEPARTMENTS)
    account, uri = staff.create_staff(db, "b@goslar.example", "B", ["back_office"],
                                      ["steueramt", "meldebehoerde"], "long password x",
                                      DEPARTMENTS)
    assert uri.startswith("otpauth://totp/") and "secret=" in uri
    who = staff.principal(account)
    assert who.roles == ("back_office",) and who.departments == ("meldebehoerde", "steueramt")


def test_totp_second_factor_refuses_reuse_and_locks_out(db: Session) -> None:
    clerk, uri = _clerk(db)
    totp = pyotp.parse_uri(uri)
    moment = now()
    policy = staff.StaffPolicy(max_failures=3, lock_minutes=15)
    assert staff.check_password_step(db, "clerk@goslar.example", "clerk password long", policy,
                                     at=moment).id == clerk.id
    code = totp.at(moment)
    staff.check_totp_step(db, clerk.id, code, policy, at=moment)
    with pytest.raises(AccountError, match="invalid"):  # the same code again: spent
        staff.check_totp_step(db, clerk.id, code, policy, at=moment)
    with pytest.raises(AccountError, match="invalid"):
        staff.check_totp_step(db, clerk.id, "000000" if code != "000000" else "111111", policy,
                              at=moment)
    with pytest.raises(AccountError, match="locked"):
        staff.check_password_step(db, "clerk@goslar.example", "wrong", policy, at=moment)
    with pytest.raises(AccountError, match="locked"):  # even the right password now
        staff.check_password_step(db, "clerk@goslar.example", "clerk password long", policy,
                                  at=moment)
    staff.unlock(db, "clerk@goslar.example", "test")
    assert staff.check_password_step(db, "clerk@goslar.example", "clerk password long", policy,
                                     at=moment).id == clerk.id
