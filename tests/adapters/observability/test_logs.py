"""Logs are JSON lines with a request id and hold no personal data: every service's journey
plus a failed delivery, with every logger of every library at DEBUG, captured through the
portal's own formatter and searched for the test personas' data."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from portal.adapters.observability.logs import handler, redact
from portal.web.auth.dev import PERSONAS
from tests.adapters.delivery.receivers import HttpReceiver, SmtpReceiver
from tests.adapters.delivery.support import SECRET, channels, delivery_app, run_jobs
from tests.conftest import sign_in
from tests.factories import ABROAD, ADDRESS, NAME, submit_reviewed
from tests.web.test_journey import SERVICES, fill_all_steps


def personal_data() -> list[str]:
    """What must never appear in a log line: the personas' and the form data's names, birth
    data, addresses, e-mail addresses, IBANs and eID identifiers (subjects)."""
    values = []
    for key, persona in PERSONAS.items():
        values += [persona["family_name"], persona["given_names"], persona["email"],
                   persona["birth_date"], persona["birth_place"], f"dev:{key}",
                   ".".join(reversed(persona["birth_date"].split("-"))),
                   persona["address"]["street"]]
        if persona.get("birth_name"):
            values.append(persona["birth_name"])
    values += [NAME["family_name"], NAME["given_names"], ADDRESS["street"], ABROAD["street"],
               "erika@example.org", "DE02 1203 0000 0000 2020 51", "DE02120300000000202051",
               "Erika Mustermann", "Bello vom Rammelsberg", "15.05.1988", "1988-05-15"]
    return values


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """Every record of every logger, at DEBUG, through the portal's JSON formatter."""
    stream = io.StringIO()
    capture = handler(stream, "json")
    root = logging.getLogger()
    levels = {name: lg.level for name, lg in logging.root.manager.loggerDict.items()
              if isinstance(lg, logging.Logger)}
    old_root = root.level
    for name in levels:
        logging.getLogger(name).setLevel(logging.NOTSET)
    root.setLevel(logging.DEBUG)
    root.addHandler(capture)
    try:
        yield stream
    finally:
        root.removeHandler(capture)
        root.setLevel(old_root)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


def lines_of(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.startswith("{")]


def assert_no_personal_data(text: str) -> None:
    leaks = [value for value in personal_data() if value in text]
    assert not leaks, f"personal data in the logs: {leaks}"


@pytest.mark.parametrize("service_id", SERVICES)
def test_journey_and_failed_delivery_leave_no_personal_data_in_logs(
        clean_db: str, seal: dict[str, Any], captured: io.StringIO, service_id: str) -> None:
    # Every persona signs in somewhere; the resident parking zone needs Erika's street.
    persona = {"hundesteuer-anmeldung": "max", "hundesteuer-abmeldung": "ayse"}.get(
        service_id, "erika")
    with HttpReceiver(SECRET) as hook, SmtpReceiver() as smtp:
        hook.plan = ["500"]
        smtp.fail_next = 1
        app: Flask = delivery_app(clean_db, seal, channels(smtp.port, hook.url),
                                  DELIVERY_MAX_ATTEMPTS=1)
        citizen = app.test_client()
        sign_in(citizen, persona)
        review = fill_all_steps(app, citizen, service_id)
        done = submit_reviewed(citizen, review, confirm=True)
        assert done.status_code == 302
        citizen.get(done.location)
        citizen.get("/meine-antraege?suche=Mustermann&email=erika.mustermann@example.org")
        outcomes = sorted(o.status for o in run_jobs(app))
    assert outcomes == ["delivered", "failed", "failed"]
    text = captured.getvalue()
    assert "failed for good" in text  # the failure was logged …
    assert_no_personal_data(text)  # … and nothing personal
    records = lines_of(captured)
    assert len(records) == len(text.splitlines())  # every line is one JSON object
    requests = [r for r in records if r["logger"] == "portal.access"]
    assert requests and all(len(r["request_id"]) == 32 for r in requests)
    assert all("?" not in (r["route"] or "") for r in requests)
    jobs = [r for r in records if r["logger"] == "portal.adapters.jobs.tasks"]
    assert jobs and all(r.get("job_id") for r in jobs)


def test_redaction_masks_what_slips_through() -> None:
    line = ('SMTP refused {"erika.mustermann@example.org": (550, "no")} IBAN DE02 1203 0000 '
            '0000 2020 51 / DE02120300000000202051; 127.0.0.1 - - [x] "GET /posteingang'
            '?suche=Mustermann HTTP/1.1" 200')
    out = redact(line)
    assert "example.org" not in out and "2020 51" not in out and "202051" not in out
    assert "Mustermann" not in out
    assert '"GET /posteingang?… HTTP/1.1" 200' in out
    # The development server's request line: no client address, no query.
    stream = io.StringIO()
    logging.getLogger("werkzeug").addHandler(capture := handler(stream, "json"))
    try:
        logging.getLogger("werkzeug").warning('%s - - [%s] "%s" %s', "192.0.2.7", "x",
                                              "GET /suche?q=Mustermann HTTP/1.1", 200)
    finally:
        logging.getLogger("werkzeug").removeHandler(capture)
    assert json.loads(stream.getvalue())["message"] == '- - - [x] "GET /suche?… HTTP/1.1" 200'
    # Ids, references and times stay readable.
    kept = "HST-2026-000123 3fa85f64-5717-4562-b3fc-2c963f66afa6 2026-11-20T12:00:00"
    assert redact(kept) == kept
