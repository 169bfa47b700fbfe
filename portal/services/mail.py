"""The port for sending e-mail. Services only know this interface; the SMTP adapter
(`portal.adapters.mail.smtp`) implements it, tests pass a recorder of their own."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class OutgoingMail:
    to: str
    subject: str
    body: str


class MailSender(Protocol):
    def send(self, mail: OutgoingMail) -> None:
        """Hand the message over for delivery; raise `MailError` when that is not possible."""


class MailError(Exception):
    """The message could not be handed over; the caller tells the person to try again."""
