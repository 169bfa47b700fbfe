"""SMTP implementation of the `MailSender` port, and a log-only sender for the embedded
default (a development machine usually has no mail server)."""

from __future__ import annotations

import logging
import smtplib
import ssl
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from portal.adapters.delivery.secrets import read_secret
from portal.config import project_root
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
        except smtplib.SMTPRecipientsRefused as exc:
            # Its text is the refused addresses: they must not reach logs or job errors.
            codes = sorted({str(code) for code, _text in exc.recipients.values()})
            raise MailError(f"recipient refused by the mail server ({', '.join(codes)})") from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(str(exc)) from exc


class LogMailSender:
    """Keeps mail instead of sending it (no SMTP_HOST: development). The message goes to a
    file in DEV_MAIL_DIR, never into the log: it holds an address and personal text."""

    def __init__(self, directory: Path | None = None) -> None:
        self.sent: list[OutgoingMail] = []
        self.directory = directory

    def send(self, mail: OutgoingMail) -> None:
        self.sent.append(mail)
        if self.directory is None:
            log.warning("E-Mail nicht versendet (kein SMTP_HOST, kein DEV_MAIL_DIR)")
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}.eml"
        message = SmtpMailSender("localhost", 25, "online-dienste@localhost.localdomain")
        path.write_bytes(message.message(mail).as_bytes())
        log.warning("E-Mail nicht versendet (kein SMTP_HOST), abgelegt in %s", path)


def mail_sender(config: Mapping[str, Any]) -> MailSender:
    """The one SMTP configuration (SMTP_*) for all mail the portal sends; without a host,
    mail is only logged (embedded default)."""
    host = config.get("SMTP_HOST")
    if not host:
        directory = config.get("DEV_MAIL_DIR")
        return LogMailSender(project_root() / str(directory) if directory else None)
    return SmtpMailSender(str(host), int(config.get("SMTP_PORT") or 25),
                          str(config["SMTP_SENDER"]), starttls=bool(config.get("SMTP_STARTTLS")),
                          username=config.get("SMTP_USERNAME") or None,
                          password=read_secret(config, "SMTP_PASSWORD"),
                          timeout=float(config.get("SMTP_TIMEOUT") or 30))
