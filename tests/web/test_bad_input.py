"""Bad input of every kind gets a clear message in the citizen's language, never a 500,
and what was typed is kept."""

from __future__ import annotations

import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.state import portal_state
from tests.conftest import FIXED_TODAY, make_app, sign_in
from tests.factories import PDF, PNG, multipart


def dog_step(client: FlaskClient) -> str:
    sign_in(client, level=3)
    location = client.post("/leistungen/hundesteuer-anmeldung/starten").location
    app = client.application
    keeper = portal_state(app).catalog.services["hundesteuer-anmeldung"].steps[0]
    first = client.post(location, data=multipart(keeper, portal_state(app).catalog, FIXED_TODAY),
                        content_type="multipart/form-data")
    assert first.status_code == 302, first.get_data(as_text=True)[:300]
    assert first.location.endswith("/schritt/dogs")
    return first.location


def valid_dog(app: Flask, **overrides: str) -> dict[str, object]:
    service = portal_state(app).catalog.services["hundesteuer-anmeldung"]
    step = service.step("dogs")
    assert step is not None
    data = multipart(step, portal_state(app).catalog, FIXED_TODAY)
    data.update(overrides)
    return data


def error_texts(html: str) -> list[str]:
    return re.findall(r'<li><a class="kern-link" href="#[^"]+">([^<]+)</a>', html)


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("dogs.0.name", "x" * 100_000, "darf höchstens 60 Zeichen lang sein"),
    ("dogs.0.name", "Bello\x00\x07", "unzulässige Steuerzeichen"),
    ("dogs.0.name", "Bello 🐶", "Zeichen, die Behörden nicht verarbeiten können: 🐶"),
    ("dogs.0.colour", "黒", "nicht verarbeiten können: 黒"),
    ("dogs_already_taxed", "drei", "muss eine ganze Zahl sein"),
    ("dogs_already_taxed", "-1", "muss mindestens 0 sein"),
    ("dogs.0.birth_date", "31.02.2024", "muss ein gültiges Datum sein"),
    ("dogs.0.birth_date", "01.01.0200", "muss ein gültiges Datum sein"),
    ("dogs.0.chip", "12345", "genau 15 Ziffern"),
    ("dogs.0.dangerous", "vielleicht", "mit Ja oder Nein"),
    ("dogs.0.breed", "'; DROP TABLE drafts; --", "Auswahl bei „Hund 1: Rasse“ ist ungültig"),
    ("dogs.0.sex", "<script>", "ist ungültig"),
])
def test_wrong_values_are_explained(app: Flask, client: FlaskClient, field: str, value: str,
                                    expected: str) -> None:
    location = dog_step(client)
    response = client.post(location, data=valid_dog(app, **{field: value}),
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert any(expected in text for text in error_texts(html)), error_texts(html)
    assert "<script>" not in html.split("<main", 1)[1]  # echoed input is escaped
    # What was typed is still there to correct (except what cannot be shown back).
    if len(value) < 100 and "\x00" not in value:
        assert f'value="{value}"' in html or value in html or "&" in html


def test_error_messages_follow_the_language(app: Flask, client: FlaskClient) -> None:
    location = dog_step(client)
    client.get("/?lang=en")
    response = client.post(location, data=valid_dog(app, **{"dogs.0.chip": "1"}),
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'lang="en"' in html
    assert any("Dog 1" in text for text in error_texts(html)), error_texts(html)


def test_invalid_input_is_kept_in_the_draft(app: Flask, client: FlaskClient) -> None:
    location = dog_step(client)
    client.post(location, data=valid_dog(app, **{"dogs.0.chip": "12-34", "dogs.0.colour": "gestromt"}),
                content_type="multipart/form-data")
    again = client.get(location).get_data(as_text=True)
    assert 'value="12-34"' in again and 'value="gestromt"' in again


@pytest.mark.parametrize(("content", "name", "expected"), [
    (b"MZ\x90\x00" + b"\x00" * 200, "rechnung.pdf", "nicht erlaubtes Format"),
    (b"<html><script>alert(1)</script></html>", "nachweis.pdf", "nicht erlaubtes Format"),
    (b"", "leer.pdf", None),  # an empty file input means "no file chosen"
    (PDF, "../../etc/passwd", "ok"),
    (PNG, "foto.pdf", "ok"),
])
def test_uploads_are_checked_by_content(app: Flask, client: FlaskClient, content: bytes, name: str,
                                        expected: str | None) -> None:
    sign_in(client, level=3)
    location = client.post("/leistungen/bewohnerparkausweis/starten").location
    draft = location.split("/")[2]
    data = {"action": "save", "registration_certificate": (io.BytesIO(content), name)}
    response = client.post(f"/antraege/{draft}/schritt/vehicle", data=data,
                           content_type="multipart/form-data")
    assert response.status_code in (302, 422)
    page = client.get(f"/antraege/{draft}/schritt/vehicle").get_data(as_text=True)
    if expected == "ok":
        assert "Hochgeladen:" in page
        stored = re.search(r'href="(/dateien/[^"]+)">([^<]+)</a>', page)
        assert stored is not None and "/" not in stored.group(2) and ".." not in stored.group(2)
        download = client.get(stored.group(1))
        assert download.status_code == 200 and download.data == content
    else:
        assert "Hochgeladen:" not in page
    if expected and expected != "ok":
        response = client.post(f"/antraege/{draft}/schritt/vehicle",
                               data={**data, "action": "next",
                                     "registration_certificate": (io.BytesIO(content), name)},
                               content_type="multipart/form-data")
        assert response.status_code == 422
        assert expected in response.get_data(as_text=True)


def test_too_large_upload_for_the_field(app: Flask, client: FlaskClient) -> None:
    sign_in(client, level=3)
    draft = client.post("/leistungen/bewohnerparkausweis/starten").location.split("/")[2]
    big = PDF + b"0" * (10 * 1024 * 1024 + 10)
    response = client.post(f"/antraege/{draft}/schritt/vehicle", data={
        "action": "next", "registration_certificate": (io.BytesIO(big), "scan.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert "ist zu groß (höchstens 10 MB)" in response.get_data(as_text=True)


def test_request_over_the_limit_gets_a_page_not_a_crash(database_url: str) -> None:
    app = make_app(database_url, MAX_CONTENT_LENGTH=1024)
    client = app.test_client()
    sign_in(client)
    draft = client.post("/leistungen/bewohnerparkausweis/starten").location.split("/")[2]
    response = client.post(f"/antraege/{draft}/schritt/vehicle",
                           data={"registration_certificate": (io.BytesIO(b"%PDF-" + b"x" * 5000),
                                                              "a.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 413
    assert "zu groß" in response.get_data(as_text=True)


def test_unknown_ids_and_actions(app: Flask, client: FlaskClient) -> None:
    assert client.get("/leistungen/gibt-es-nicht").status_code == 404
    sign_in(client)
    assert client.get("/antraege/00000000-0000-0000-0000-000000000000/schritt/keeper").status_code == 404
    assert client.get("/antraege/'%20OR%201=1--/schritt/keeper").status_code == 404
    assert client.get("/meine-antraege/HST-2026-999999").status_code == 404
    assert client.get("/dateien/nope").status_code == 404
    location = client.post("/leistungen/hundesteuer-anmeldung/starten").location
    assert client.get(location.rsplit("/", 1)[0] + "/nope").status_code == 404
    odd = client.post(location, data={"action": "remove:nope:99"})
    assert odd.status_code in (302, 400, 422)
    weird = client.post(location, data={"action": "\x00\x01"})
    assert weird.status_code in (302, 422)


def test_csrf_protection_explains_itself(database_url: str) -> None:
    app = make_app(database_url, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = client.post("/anmelden/entwicklung", data={"persona": "erika", "level": "4"})
    assert response.status_code == 400
    assert "Sitzung ist abgelaufen" in response.get_data(as_text=True)
    page = client.get("/anmelden/entwicklung").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    ok = client.post("/anmelden/entwicklung",
                     data={"persona": "erika", "level": "4", "csrf_token": token.group(1)})
    assert ok.status_code == 302


@pytest.mark.parametrize("count", ["2000", "99999999999999", "-5"])
def test_a_forged_group_count_cannot_blow_up_the_page(app: Flask, client: FlaskClient,
                                                      count: str) -> None:
    location = dog_step(client)
    response = client.post(location, data={**valid_dog(app), "dogs.count": count},
                           content_type="multipart/form-data")
    assert response.status_code in (302, 422)
    page = client.get(location).get_data(as_text=True)
    assert len(page) < 400_000
    assert page.count('class="kern-fieldset portal-group__item"') <= 10
