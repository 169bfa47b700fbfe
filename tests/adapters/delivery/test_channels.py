"""Every channel against a real receiver: the whole job (XÖV message, validation, sealed PDF,
delivery) on PostgreSQL, an aiosmtpd server, an HTTP server and a directory."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

from lxml import etree
from sqlalchemy import select

from portal.adapters.db.delivery import StoredMessage
from portal.adapters.db.documents import Document
from portal.adapters.delivery.dms import process_id
from portal.state import portal_state
from tests.adapters.delivery.receivers import HttpReceiver, SmtpReceiver
from tests.adapters.delivery.support import (
    SECRET,
    channels,
    delivery_app,
    jobs_by_channel,
    run_jobs,
    submit_dog_tax,
)


def test_one_submission_reaches_every_channel_once(clean_db: str, seal: dict[str, Any],
                                                   tmp_path: Path) -> None:
    dms = tmp_path / "dms"
    dms.mkdir()
    with SmtpReceiver() as smtp, HttpReceiver(SECRET) as hook:
        app = delivery_app(clean_db, seal, channels(smtp.port, hook.url, dms))
        try:
            submission_id = submit_dog_tax(app)
            by_channel = jobs_by_channel(app, [submission_id])
            assert sorted(by_channel) == ["amt-mail", "dms", "fachverfahren", "inbox"]
            assert all(j[0].status == "pending" for j in by_channel.values())

            outcomes = run_jobs(app)
            assert sorted(o.status for o in outcomes) == ["delivered"] * 4, outcomes
            assert run_jobs(app) == []  # nothing left, nothing sent twice

            with portal_state(app).db.session() as session:
                xml = session.scalar(select(StoredMessage).where(
                    StoredMessage.submission_id == submission_id, StoredMessage.kind == "antrag"))
                pdf = session.scalar(select(Document).where(Document.submission_id == submission_id))
                assert xml is not None and pdf is not None
                reference = pdf.filename.removesuffix(".pdf")
            key = f"{submission_id}/amt-mail"

            # E-mail: one message with the sealed PDF and the XÖV XML attached.
            assert smtp.keys() == {key: 1}
            mail = smtp.messages[0]
            assert reference in str(mail["Subject"])
            parts = {p.get_filename(): p.get_content() for p in mail.iter_attachments()}
            assert parts[pdf.filename] == pdf.content
            assert parts[xml.filename] == xml.content
            assert mail["Message-ID"].endswith("@goslar.example>")

            # Webhook: signed as FIT-Connect callbacks are, carrying the same bytes.
            hook_key = f"{submission_id}/fachverfahren"
            assert hook.cases == {hook_key: 1} and hook.bad_signatures == 0
            body = hook.bodies[hook_key]
            assert body["reference"] == reference
            assert base64.b64decode(body["xml"]["content"]) == xml.content
            assert body["pdf"]["sha256"] == hashlib.sha256(pdf.content).hexdigest()

            # DMS: one complete xdomea transfer, no temporary file left behind.
            files = sorted(p.name for p in dms.iterdir())
            assert files == [f"{process_id(submission_id)}_FVDaten.SGOAblegen.0605.zip"]
            with zipfile.ZipFile(io.BytesIO((dms / files[0]).read_bytes())) as zf:
                names = zf.namelist()
                message = etree.fromstring(zf.read(names[0]))
                assert message.tag.endswith("FVDaten.SGOAblegen.0605")
                contents = [zf.read(n) for n in names[1:]]
            assert xml.content in contents and pdf.content in contents

            jobs = jobs_by_channel(app, [submission_id])
            assert all(j[0].status == "delivered" and j[0].attempts == 1 for j in jobs.values())
            assert jobs["fachverfahren"][0].receipt["status"] == 200
        finally:
            portal_state(app).db.engine.dispose()


def test_webhook_signature_is_hmac_sha512_over_timestamp_and_body() -> None:
    from portal.adapters.delivery.webhook import sign, verify

    body = json.dumps({"a": "ä"}).encode()
    expected = __import__("hmac").new(SECRET.encode(), b"1700000000." + body,
                                      hashlib.sha512).hexdigest()
    assert sign(SECRET, "1700000000", body) == expected
    assert verify(SECRET, "1700000000", body, expected, now=1700000100)
    assert not verify(SECRET, "1700000000", body, expected, now=1700009999)  # too old
    assert not verify(SECRET, "1700000000", body + b" ", expected, now=1700000100)
    assert not verify("x" * 40, "1700000000", body, expected, now=1700000100)


def test_dms_files_appear_whole_and_are_never_replaced(tmp_path: Path) -> None:
    from portal.adapters.delivery.dms import write_atomically

    assert write_atomically(tmp_path, "a.zip", b"first")
    assert not write_atomically(tmp_path, "a.zip", b"second")
    assert (tmp_path / "a.zip").read_bytes() == b"first"
    assert [p.name for p in tmp_path.iterdir()] == ["a.zip"]  # no temporary file left
