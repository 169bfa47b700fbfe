"""The development sign-in, trust levels per service, and safe redirects."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal import create_app
from portal.config import ConfigError
from tests.conftest import sign_in
from tests.production import production_municipality


def test_level_too_low_is_explained_with_a_way_forward(client: FlaskClient) -> None:
    sign_in(client, level=3)
    response = client.post("/leistungen/wohnsitz-anmeldung/starten")
    html = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "verlangt das Vertrauensniveau „hoch“ (Stufe 4)" in html
    assert "Online-Ausweisfunktion" in html
    assert "level=4" in html


def test_level_three_is_enough_for_dog_tax(client: FlaskClient) -> None:
    sign_in(client, level=3)
    assert client.post("/leistungen/hundesteuer-anmeldung/starten").status_code == 302


def test_start_requires_sign_in_and_comes_back(client: FlaskClient) -> None:
    response = client.post("/leistungen/hundesteuer-anmeldung/starten")
    assert response.status_code == 302 and response.location.startswith("/anmelden?next=")
    page = client.get("/leistungen/hundesteuer-anmeldung").get_data(as_text=True)
    assert "Anmelden und Antrag starten" in page and "level=3" in page


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example",
                                    "javascript:alert(1)"])
def test_no_open_redirect_after_sign_in(client: FlaskClient, target: str) -> None:
    response = client.post("/anmelden/entwicklung",
                           data={"persona": "erika", "level": "3", "next": target})
    assert response.status_code == 302 and response.location == "/"


def test_session_is_renewed_at_sign_in(client: FlaskClient) -> None:
    client.get("/?lang=en")
    before = client.get_cookie("session")
    sign_in(client)
    after = client.get_cookie("session")
    assert before is not None and after is not None and before.value != after.value
    assert 'lang="en"' in client.get("/").get_data(as_text=True)  # the language choice survives


def test_unknown_persona_or_level_is_refused(client: FlaskClient) -> None:
    response = client.post("/anmelden/entwicklung", data={"persona": "mallory", "level": "9"})
    assert response.status_code == 400
    assert "Bitte wählen Sie eine Testperson" in response.get_data(as_text=True)


def test_sign_out(client: FlaskClient) -> None:
    sign_in(client)
    response = client.post("/abmelden")
    assert response.status_code == 302
    assert "Sie sind abgemeldet" in client.get(response.location).get_data(as_text=True)
    assert client.get("/meine-antraege").status_code == 302


def test_dev_sign_in_is_refused_in_production(database_url: str, tmp_path: Path) -> None:
    production = {"ENV_NAME": "production", "SECRET_KEY": "x" * 40, "DATABASE_URL": database_url,
                  "MUNICIPALITY_FILE": str(production_municipality(tmp_path))}
    app = create_app(production)
    client = app.test_client()
    assert client.get("/anmelden/entwicklung").status_code == 404
    assert client.post("/anmelden/entwicklung", data={"persona": "erika", "level": "4"}).status_code in (
        400, 404)
    with pytest.raises(ConfigError, match="development sign-in"):
        create_app({**production, "DEV_SIGNIN": True})


def test_production_needs_a_secret_and_a_database() -> None:
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app({"ENV_NAME": "production", "DATABASE_URL": "postgresql://x/y"})
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        create_app({"ENV_NAME": "production", "SECRET_KEY": "y" * 40})


def test_pages_render_in_english(app: Flask, client: FlaskClient) -> None:
    html = client.get("/leistungen/hundesteuer-anmeldung?lang=en").get_data(as_text=True)
    assert 'lang="en"' in html
    assert "Register a dog for dog tax" in html or "dog tax" in html.lower()
