"""Mail errors name no addresses (they end up in logs and in delivery job errors), and mail
not sent in development goes to a file, not into the log."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from portal.adapters.mail.smtp import SmtpMailSender, mail_sender
from portal.services.mail import MailError, OutgoingMail
from tests.adapters.delivery.receivers import free_port

ADDRESS = "erika.mustermann@example.org"


class RefuseEveryone:
    async def handle_RCPT(self, _server: Any, _session: Any, _envelope: Any, _address: str,
                          _options: Any) -> str:
        return "550 5.1.1 <erika.mustermann@example.org>: user unknown"


def test_refused_recipient_is_reported_without_the_address() -> None:
    port = free_port()
    controller = Controller(RefuseEveryone(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        sender = SmtpMailSender("127.0.0.1", port, "portal@goslar.example", starttls=False)
        with pytest.raises(MailError) as caught:
            sender.send(OutgoingMail(to=ADDRESS, subject="Ihr Antrag", body="Hallo Erika"))
    finally:
        controller.stop()
    assert str(caught.value) == "recipient refused by the mail server (550)"


def test_development_mail_goes_to_a_file_not_the_log(tmp_path: Path,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    sender = mail_sender({"DEV_MAIL_DIR": str(tmp_path / "mail")})
    with caplog.at_level(logging.DEBUG):
        sender.send(OutgoingMail(to=ADDRESS, subject="Ihr Antrag", body="Hallo Erika"))
    files = list((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 1 and ADDRESS in files[0].read_text()
    assert ADDRESS not in caplog.text and "Hallo Erika" not in caplog.text
    assert str(files[0]) in caplog.text
