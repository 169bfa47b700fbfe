"""Applications entered at the Bürgerbüro counter on a citizen's behalf.

The citizen stands at the counter and shows an ID document; the clerk enters the application
with the same service definitions as online. The submission records the channel "counter",
the clerk and the document type. Online trust levels are about remote identification; here
the authority identifies the person itself, so the application counts as level 4 (as an
in-person registration at the Meldebehörde always has).
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass

from sqlalchemy.orm import Session

from portal.adapters.db.accounts import LocalAccount
from portal.adapters.db.models import Draft
from portal.services import audit
from portal.services.accounts import DOCUMENT_TYPES, normalize_email
from portal.services.accounts import METHOD as ACCOUNT_METHOD
from portal.services.drafts import Env, start_draft
from portal.services.errors import NotFound
from portal.services.identity import Identity
from portal.services.users import user_for_identity

METHOD = "counter"
IN_PERSON_LEVEL = 4


class CounterError(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Person:
    """As read from the ID document by the clerk."""

    family_name: str
    given_names: str
    birth_date: str  # ISO date
    document_type: str
    address: dict[str, str] | None = None
    account_email: str | None = None


def _subject(person: Person) -> str:
    """The same person at the counter again gets the same record (name + birth date)."""
    key = "|".join(unicodedata.normalize("NFC", p).casefold().strip()
                   for p in (person.family_name, person.given_names, person.birth_date))
    return "person:" + hashlib.sha256(key.encode()).hexdigest()[:32]


def _norm(value: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", value or "").casefold().split())


def _same_person(account: LocalAccount, person: Person) -> bool:
    """The account's own name and birth date must be those on the document shown."""
    return bool(account.birth_date) and (
        _norm(account.family_name), _norm(account.given_names), account.birth_date
    ) == (_norm(person.family_name), _norm(person.given_names), person.birth_date)


def identity_for(person: Person) -> Identity:
    return Identity(method=METHOD, subject=_subject(person), trust_level=IN_PERSON_LEVEL,
                    family_name=person.family_name, given_names=person.given_names,
                    birth_date=person.birth_date, address=person.address,
                    # What the clerk read from the document: locked in the form.
                    verified=("name", "birth_date"))


def start_application(session: Session, env: Env, clerk_id: str, person: Person,
                      service_id: str) -> tuple[Draft, Identity]:
    """A draft owned by the citizen's record (their online account when the clerk links one,
    so it appears under "Meine Anträge"), entered through the counter channel."""
    if person.document_type not in DOCUMENT_TYPES:
        raise CounterError("document_unknown")
    identity = identity_for(person)
    if person.account_email:
        account = session.query(LocalAccount).filter_by(
            email=normalize_email(person.account_email)).one_or_none()
        if account is None:
            raise CounterError("account_unknown")
        if not _same_person(account, person):
            # The e-mail address alone must never open someone's account.
            raise CounterError("account_mismatch")
        owner = user_for_identity(session, Identity(method=ACCOUNT_METHOD, subject=account.id,
                                                    trust_level=account.trust_level,
                                                    email=account.email), login=False)
    else:
        owner = user_for_identity(session, identity, login=False)
    try:
        draft = start_draft(session, env, owner.id, service_id, identity, channel="counter")
    except NotFound:
        raise CounterError("service_unknown") from None
    audit.record(session, f"staff:{clerk_id}", "counter.application_started", draft.id,
                 service=service_id, document_type=person.document_type,
                 linked_account=bool(person.account_email))
    return draft, identity
