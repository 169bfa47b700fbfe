"""SMTP implementation of the `MailSender` port, and a log-only sender for the embedded
default (a development machine usually has no mail server)."""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from portal.adapters.delivery.secrets import read_secret
from portal.services.mail import MailError, MailSender, OutgoingMail

log = logging.getLogger(__name__)


class SmtpMailSender:
    def __init__(self, host: str, port: int, sender: str, *, starttls: bool = True,
                 username: str | None = None, password: str | None = None,
                 timeout: float = 10.0) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.starttls, self.username, self.password = starttls, username, password
        self.timeout = timeout

    def message(self, mail: OutgoingMail) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = self.sender
        msg["To"] = mail.to
        msg["Subject"] = mail.subject
        msg["Date"] = formatdate(localtime=True)
        msg["Message-ID"] = make_msgid(domain=self.sender.rsplit("@", 1)[-1])
        msg.set_content(mail.body)
        return msg

    def send(self, mail: OutgoingMail) -> None:
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(self.message(mail))
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(str(exc)) from exc


class LogMailSender:
    """Writes the message to the log instead of sending it (development only)."""

    def __init__(self) -> None:
        self.sent: list[OutgoingMail] = []

    def send(self, mail: OutgoingMail) -> None:
        self.sent.append(mail)
        log.warning("E-Mail (nicht versendet, Entwicklung) an %s: %s\n%s", mail.to, mail.subject,
                    mail.body)


def mail_sender(config: Mapping[str, Any]) -> MailSender:
    """The one SMTP configuration (SMTP_*) for all mail the portal sends; without a host,
    mail is only logged (embedded default)."""
    host = config.get("SMTP_HOST")
    if not host:
        return LogMailSender()
    return SmtpMailSender(str(host), int(config.get("SMTP_PORT") or 25),
                          str(config["SMTP_SENDER"]), starttls=bool(config.get("SMTP_STARTTLS")),
                          username=config.get("SMTP_USERNAME") or None,
                          password=read_secret(config, "SMTP_PASSWORD"),
                          timeout=float(config.get("SMTP_TIMEOUT") or 30))
