"""E-mail to a department's functional mailbox: the sealed PDF and the XÖV message attached
(and the citizen's files, unless switched off).

The Message-ID is derived from the idempotency key, so a repeated send after a lost SMTP
answer carries the same id and the receiving mail system (or the clerk's client) can see
it is the same message.
"""

from __future__ import annotations

import hashlib
import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

from pydantic import Field, field_validator

from portal.adapters.delivery.base import (
    Channel,
    DeliveryFailed,
    Options,
    Parcel,
    PermanentFailure,
)
from portal.adapters.delivery.secrets import read_secret

EMAIL = r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$"


class EmailOptions(Options):
    to: list[str] = Field(min_length=1)
    sender: str = Field(pattern=EMAIL)
    host: str = Field(min_length=1)
    port: int = Field(gt=0, lt=65536)
    starttls: bool = True
    username: str | None = None
    password: str | None = None
    timeout: float = Field(default=30.0, gt=0, le=300)
    include_attachments: bool = True
    # Mail systems commonly refuse messages above 10–25 MB; fail clearly instead.
    max_bytes: int = Field(default=20 * 1024 * 1024, gt=0)

    @field_validator("to")
    @classmethod
    def _addresses(cls, value: list[str]) -> list[str]:
        import re

        bad = [a for a in value if not re.match(EMAIL, a)]
        if bad:
            raise ValueError(f"not an e-mail address: {', '.join(bad)}")
        return value


def smtp_defaults(config: Mapping[str, Any]) -> dict[str, Any]:
    """The app's SMTP_* settings, the defaults for every e-mail channel."""
    out: dict[str, Any] = {
        "sender": config.get("SMTP_SENDER"), "host": config.get("SMTP_HOST"),
        "port": config.get("SMTP_PORT"), "starttls": config.get("SMTP_STARTTLS"),
        "username": config.get("SMTP_USERNAME") or None,
        "password": read_secret(config, "SMTP_PASSWORD"),
        "timeout": config.get("SMTP_TIMEOUT"),
    }
    return {k: v for k, v in out.items() if v is not None}


def message_id(key: str, sender: str) -> str:
    digest = hashlib.sha256(key.encode()).hexdigest()[:40]
    return f"<{digest}@{sender.rsplit('@', 1)[-1]}>"


class EmailChannel(Channel):
    type = "email"
    options_model = EmailOptions

    @classmethod
    def defaults(cls, config: Mapping[str, Any]) -> dict[str, Any]:
        return smtp_defaults(config)

    @property
    def opts(self) -> EmailOptions:
        assert isinstance(self.options, EmailOptions)
        return self.options

    def timeout(self) -> float:
        return self.opts.timeout

    def message(self, parcel: Parcel) -> EmailMessage:
        o = self.opts
        msg = EmailMessage()
        msg["From"] = o.sender
        msg["To"] = ", ".join(o.to)
        msg["Subject"] = f"Neuer Antrag {parcel.reference}: {parcel.service_title}"
        msg["Date"] = formatdate(localtime=True)
        msg["Message-ID"] = message_id(parcel.idempotency_key, o.sender)
        msg["X-Idempotency-Key"] = parcel.idempotency_key
        msg["X-Portal-Reference"] = parcel.reference
        names = [parcel.pdf_name, parcel.xml_name]
        if o.include_attachments:
            names += [a.name for a in parcel.attachments]
        msg.set_content(
            f"Über die Online-Dienste ist ein Antrag eingegangen.\n\n"
            f"Leistung: {parcel.service_title}\nAktenzeichen: {parcel.reference}\n"
            f"Eingegangen: {parcel.submitted_at.isoformat(timespec='seconds')}\n\n"
            f"Anlagen:\n" + "".join(f"- {n}\n" for n in names)
            + "\nDas PDF ist elektronisch gesiegelt; die XML-Datei enthält die Antragsdaten "
              "für das Fachverfahren.\n")
        msg.add_attachment(parcel.pdf, maintype="application", subtype="pdf",
                           filename=parcel.pdf_name)
        msg.add_attachment(parcel.xml, maintype="application", subtype="xml",
                           filename=parcel.xml_name)
        if o.include_attachments:
            for a in parcel.attachments:
                main, _, sub = a.content_type.partition("/")
                msg.add_attachment(a.content, maintype=main, subtype=sub or "octet-stream",
                                   filename=a.name)
        return msg

    def deliver(self, parcel: Parcel) -> dict[str, Any]:
        o = self.opts
        msg = self.message(parcel)
        size = len(msg.as_bytes())
        if size > o.max_bytes:
            raise PermanentFailure(f"E-Mail wäre {size} Bytes groß (höchstens {o.max_bytes})")
        try:
            with smtplib.SMTP(o.host, o.port, timeout=o.timeout) as smtp:
                if o.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if o.username:
                    smtp.login(o.username, o.password or "")
                refused = smtp.send_message(msg)
        except smtplib.SMTPRecipientsRefused as exc:
            raise PermanentFailure(f"Empfänger abgelehnt: {exc.recipients}") from exc
        except smtplib.SMTPResponseException as exc:
            failure = PermanentFailure if 500 <= exc.smtp_code < 600 else DeliveryFailed
            raise failure(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}") from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryFailed(f"SMTP: {exc}") from exc
        return {"message_id": msg["Message-ID"], "bytes": size,
                "refused": sorted(refused) if refused else []}
