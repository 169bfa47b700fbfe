"""Citizens without eID: register, confirm the e-mail, sign in at level 1, get the account
raised at the counter and see it in "Mein Konto"."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from tests.idp.audit import entries
from tests.idp.fixtures import RecordingMail


def register(client: FlaskClient, app: Flask, email: str = "ana@example.org") -> str:
    response = client.post("/konto/registrieren", data={
        "given_names": "Ana", "family_name": "Beispiel", "email": email,
        "password": "correct horse battery", "password2": "correct horse battery"})
    assert response.status_code == 200, response.get_data(as_text=True)[:1500]
    assert "Bitte prüfen Sie Ihr E-Mail-Postfach" in response.get_data(as_text=True)
    mail = app.extensions["portal_mail"]
    assert isinstance(mail, RecordingMail)
    link = re.search(r"http://portal\.test(/konto/bestaetigen/\S+)", mail.sent[-1].body)
    assert link, mail.sent[-1].body
    return link.group(1)


def sign_in(client: FlaskClient, next_url: str = "/") -> object:
    return client.post("/anmelden/konto", data={"email": "ana@example.org",
                                                "password": "correct horse battery",
                                                "next": next_url})


def test_register_confirm_sign_in_and_see_the_account(saml_app: Flask) -> None:
    client = saml_app.test_client()
    link = register(client, saml_app)
    refused = sign_in(client)
    assert refused.status_code == 400  # type: ignore[attr-defined]
    assert "bestätigen Sie zuerst" in refused.get_data(as_text=True)  # type: ignore[attr-defined]
    confirmed = client.get(link)
    assert confirmed.status_code == 200 and "E-Mail-Adresse bestätigt" in confirmed.get_data(
        as_text=True)
    response = sign_in(client, "/leistungen/hundesteuer-anmeldung")
    assert response.status_code == 302  # type: ignore[attr-defined]
    account = client.get("/konto").get_data(as_text=True)
    assert "„niedrig“ (Stufe 1)" in account and "noch nicht geprüft" in account
    # Level 1 is not enough for a level-3 service: the known explanation, with the counter.
    start = client.post("/leistungen/hundesteuer-anmeldung/starten")
    assert start.status_code == 403 and "Bürgerbüro" in start.get_data(as_text=True)
    assert entries(saml_app, "login")[-1]["method"] == "konto"


def test_wrong_password_and_unknown_address_look_the_same(saml_app: Flask) -> None:
    client = saml_app.test_client()
    client.get(register(client, saml_app))
    wrong = client.post("/anmelden/konto", data={"email": "ana@example.org", "password": "x"})
    unknown = client.post("/anmelden/konto", data={"email": "nobody@example.org",
                                                   "password": "x"})
    assert wrong.status_code == unknown.status_code == 400
    for page in (wrong, unknown):
        assert "E-Mail-Adresse oder Passwort ist falsch." in page.get_data(as_text=True)


def test_registration_errors_are_shown_at_the_fields(saml_app: Flask) -> None:
    client = saml_app.test_client()
    response = client.post("/konto/registrieren", data={
        "given_names": "Ana", "family_name": "B", "email": "not-an-address",
        "password": "long enough pass", "password2": "long enough pass"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="email-error"' in html and 'aria-invalid="true"' in html
    mismatch = client.post("/konto/registrieren", data={
        "given_names": "Ana", "family_name": "B", "email": "a@example.org",
        "password": "long enough pass", "password2": "different pass!!"})
    assert "stimmen nicht überein" in mismatch.get_data(as_text=True)


def test_broken_confirmation_link_gets_a_page(saml_app: Flask) -> None:
    response = saml_app.test_client().get("/konto/bestaetigen/not-a-token")
    assert response.status_code == 400 and "Link ungültig" in response.get_data(as_text=True)


def test_login_chooser_offers_bundid_and_the_account(saml_app: Flask) -> None:
    html = saml_app.test_client().get("/anmelden?level=4&next=/leistungen/wohnsitz-anmeldung") \
        .get_data(as_text=True)
    assert "Weiter mit: BundID" in html and "Konto mit E-Mail-Adresse" in html
    assert "/anmelden/bundid?next=/leistungen/wohnsitz-anmeldung&amp;level=4" in html
