"""Idle timeout: the warning is on every page of a signed-in person, the session can be
extended, and an expired session is gone on the server side too."""

from __future__ import annotations

import time

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import make_app, sign_in


def test_warning_only_for_signed_in_people(client: FlaskClient) -> None:
    assert 'id="idle-warning"' not in client.get("/").get_data(as_text=True)
    assert client.post("/sitzung/verlaengern").status_code == 401
    sign_in(client)
    page = client.get("/").get_data(as_text=True)
    assert 'id="idle-warning"' in page and 'data-timeout="1800"' in page
    assert 'aria-labelledby="idle-warning-title"' in page and "Angemeldet bleiben" in page
    assert client.post("/sitzung/verlaengern").status_code == 204


def test_expired_page_signs_out(client: FlaskClient) -> None:
    sign_in(client)
    page = client.get("/sitzung/abgelaufen")
    assert page.status_code == 200 and "Sie wurden abgemeldet" in page.get_data(as_text=True)
    assert client.get("/meine-antraege").status_code == 302


def test_an_idle_session_is_refused_by_the_server(database_url: str) -> None:
    app: Flask = make_app(database_url, PERMANENT_SESSION_LIFETIME=1)
    client = app.test_client()
    sign_in(client)
    assert client.get("/meine-antraege").status_code == 200
    time.sleep(2.1)  # the cookie still exists in the test client; its signature is too old
    assert client.get("/meine-antraege").status_code == 302
