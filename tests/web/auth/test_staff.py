"""Staff sign-in with password + TOTP, lock-out, roles, counter verification (UI), the
staff IdP login, and the development sign-in being refused in production."""

from __future__ import annotations

import pyotp
import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from portal import create_app
from portal.adapters.db.models import now
from portal.config import ConfigError
from portal.services import staff
from portal.state import portal_state
from tests.idp.audit import entries
from tests.idp.browser import login as saml_login
from tests.idp.simplesaml import IdpServer
from tests.web.auth.test_local_accounts import register

DEPARTMENTS = ["steueramt", "meldebehoerde", "verkehrsbehoerde"]
PASSWORD = "clerk password long"


def create(app: Flask, email: str, roles: list[str], departments: list[str] | None = None,
           password: str | None = PASSWORD) -> pyotp.TOTP:
    with portal_state(app).db.session() as db:
        _account, uri = staff.create_staff(db, email, "Clara Clerk", roles, departments or [],
                                           password, DEPARTMENTS)
        db.commit()
    return pyotp.parse_uri(uri)


def staff_sign_in(client: FlaskClient, email: str, totp: pyotp.TOTP) -> None:
    first = client.post("/mitarbeiter/anmelden", data={"email": email, "password": PASSWORD})
    assert first.status_code == 302 and first.location.endswith("/mitarbeiter/anmelden/code")
    second = client.post("/mitarbeiter/anmelden/code", data={"code": totp.now()})
    assert second.status_code == 302, second.get_data(as_text=True)[:1000]


def test_password_alone_is_not_enough(saml_app: Flask) -> None:
    create(saml_app, "clerk@goslar.example", ["counter"])
    client = saml_app.test_client()
    client.post("/mitarbeiter/anmelden", data={"email": "clerk@goslar.example",
                                               "password": PASSWORD})
    assert client.get("/mitarbeiter").status_code == 302  # still at the code step
    page = client.get("/mitarbeiter/anmelden/code").get_data(as_text=True)
    assert "Bestätigungscode eingeben" in page and 'autocomplete="one-time-code"' in page
    wrong = client.post("/mitarbeiter/anmelden/code", data={"code": "12"})
    assert wrong.status_code == 400 and "Der Code ist falsch" in wrong.get_data(as_text=True)


def test_staff_sign_in_with_totp_and_roles(saml_app: Flask) -> None:
    totp = create(saml_app, "sb@goslar.example", ["back_office"], ["steueramt"])
    client = saml_app.test_client()
    staff_sign_in(client, "sb@goslar.example", totp)
    home = client.get("/mitarbeiter")
    assert home.status_code == 200 and "Steueramt" in home.get_data(as_text=True)
    assert client.get("/mitarbeiter/schalter").status_code == 403  # not a counter clerk
    assert "identity" not in (client.get("/") and {})  # the citizen side has no identity
    assert entries(saml_app, "staff.login")[-1]["method"] == "password+totp"
    client.post("/mitarbeiter/abmelden")
    assert client.get("/mitarbeiter").status_code == 302


def test_lock_out_after_repeated_failures(saml_app: Flask) -> None:
    totp = create(saml_app, "clerk@goslar.example", ["counter"])
    client = saml_app.test_client()
    for _ in range(4):
        bad = client.post("/mitarbeiter/anmelden", data={"email": "clerk@goslar.example",
                                                         "password": "wrong password"})
        assert "E-Mail-Adresse oder Passwort ist falsch" in bad.get_data(as_text=True)
    client.post("/mitarbeiter/anmelden", data={"email": "clerk@goslar.example",
                                               "password": PASSWORD})
    locked = client.post("/mitarbeiter/anmelden/code", data={"code": "000000"})
    assert locked.status_code == 403 and "gesperrt" in locked.get_data(as_text=True)
    again = client.post("/mitarbeiter/anmelden", data={"email": "clerk@goslar.example",
                                                       "password": PASSWORD})
    assert again.status_code == 400 and "gesperrt" in again.get_data(as_text=True)
    assert entries(saml_app, "staff.locked")
    result = saml_app.test_cli_runner().invoke(args=["staff", "unlock", "--email",
                                                     "clerk@goslar.example"])
    assert result.exit_code == 0
    staff_sign_in(client, "clerk@goslar.example", totp)


def test_counter_verification_end_to_end(saml_app: Flask) -> None:
    citizen = saml_app.test_client()
    citizen.get(register(citizen, saml_app))
    totp = create(saml_app, "clerk@goslar.example", ["counter"])
    clerk = saml_app.test_client()
    staff_sign_in(clerk, "clerk@goslar.example", totp)
    found = clerk.get("/mitarbeiter/schalter?email=ANA@example.org").get_data(as_text=True)
    assert "Ana Beispiel" in found and "(bestätigt)" in found
    account_id = found.split('action="/mitarbeiter/schalter/')[1].split('"')[0]
    incomplete = clerk.post(f"/mitarbeiter/schalter/{account_id}", data={
        "document_type": "personalausweis", "given_names": "Ana", "family_name": "Beispiel",
        "birth_date": "31.02.1980"})
    html = incomplete.get_data(as_text=True)
    assert incomplete.status_code == 400 and "TT.MM.JJJJ" in html and "im Original" in html
    done = clerk.post(f"/mitarbeiter/schalter/{account_id}", data={
        "document_type": "personalausweis", "given_names": "Ana Maria",
        "family_name": "Beispiel", "birth_date": "02.01.1980", "checked": "yes"})
    assert done.status_code == 200 and "Stufe 3" in done.get_data(as_text=True)
    audit = entries(saml_app, "account.counter_verified")[-1]
    assert audit["document_type"] == "personalausweis" and audit["level"] == 3
    citizen.post("/anmelden/konto", data={"email": "ana@example.org",
                                          "password": "correct horse battery"})
    page = citizen.get("/konto").get_data(as_text=True)
    assert "„substanziell“ (Stufe 3)" in page and "Clara Clerk" in page
    assert "Personalausweis" in page
    assert citizen.post("/leistungen/hundesteuer-anmeldung/starten").status_code == 302
    assert citizen.post("/leistungen/wohnsitz-anmeldung/starten").status_code == 403


def test_counter_page_needs_the_counter_role(saml_app: Flask) -> None:
    client = saml_app.test_client()
    response = client.get("/mitarbeiter/schalter")
    assert response.status_code == 302 and "/mitarbeiter/anmelden" in response.location


def test_cli_creates_staff_and_prints_the_totp_uri(saml_app: Flask) -> None:
    runner = saml_app.test_cli_runner()
    result = runner.invoke(args=["staff", "create", "--email", "neu@goslar.example", "--name",
                                 "Neu", "--role", "back_office", "--department",
                                 "meldebehoerde"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "otpauth://totp/" in result.output
    bad = runner.invoke(args=["staff", "create", "--email", "x@goslar.example", "--name", "X",
                              "--role", "back_office", "--department", "bauamt"],
                        input=f"{PASSWORD}\n{PASSWORD}\n")
    assert bad.exit_code == 1 and "steueramt" in bad.output


def test_staff_sign_in_through_the_municipality_idp(saml_app: Flask, idp: IdpServer,
                                                    browser: requests.Session) -> None:
    create(saml_app, "sachbearbeitung@goslar.example", ["back_office"], ["meldebehoerde"],
           password=None)
    client = saml_app.test_client()
    response, _ = saml_login(client, browser, "clerk", "clerk-pass",
                             "/mitarbeiter/anmelden/saml")
    assert response.status_code == 302, response.get_data(as_text=True)[:1500]
    home = client.get("/mitarbeiter")
    assert home.status_code == 200 and "Bürgerbüro – Meldebehörde" in home.get_data(
        as_text=True)
    assert entries(saml_app, "staff.login")[-1]["method"] == "saml"


def test_idp_login_without_a_staff_account_is_refused(saml_app: Flask, idp: IdpServer,
                                                      browser: requests.Session) -> None:
    client = saml_app.test_client()
    response, _ = saml_login(client, browser, "clerk", "clerk-pass",
                             "/mitarbeiter/anmelden/saml")
    assert response.status_code == 400
    assert client.get("/mitarbeiter").status_code == 302


def test_development_sign_in_is_refused_by_production_config(database_url: str) -> None:
    with pytest.raises(ConfigError, match="development sign-in"):
        create_app({"ENV_NAME": "production", "SECRET_KEY": "x" * 40,
                    "DATABASE_URL": database_url, "DEV_SIGNIN": True})


def test_deactivated_staff_loses_access_at_once(saml_app: Flask) -> None:
    totp = create(saml_app, "clerk@goslar.example", ["counter"])
    client = saml_app.test_client()
    staff_sign_in(client, "clerk@goslar.example", totp)
    with portal_state(saml_app).db.session() as db:
        account = staff.staff_by_email(db, "clerk@goslar.example")
        assert account is not None
        account.active = False
        account.last_login_at = now()
        db.commit()
    assert client.get("/mitarbeiter/schalter").status_code == 302
