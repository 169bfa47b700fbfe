"""Every kind of bad response is refused with a clear page and an audit entry. Crafted
variants start from a real IdP response and differ from it in one respect (see forge.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests
from flask import Flask
from lxml import etree

from tests.idp import forge
from tests.idp.audit import refusals
from tests.idp.browser import Form, idp_login, login, post_to_portal, to_idp
from tests.idp.fixtures import SpKeys
from tests.idp.simplesaml import IdpServer

START = "/anmelden/bundid?level=3&next=/leistungen/hundesteuer-anmeldung"


def fresh_response(client: Any, browser: requests.Session) -> Form:
    """A genuine response to a login this client started, not yet posted."""
    request_form, _ = to_idp(client, START)
    return idp_login(browser, request_form, "erika", "eid-erika")


def keys(idp: IdpServer, sp_keys: SpKeys) -> dict[str, bytes]:
    return {"sp_key": sp_keys.key_pem, "sp_cert": sp_keys.cert_pem, "idp_key": idp.key_pem,
            "idp_cert": idp.cert_pem}


def post_variant(client: Any, form: Form, saml_response: str) -> Any:
    return post_to_portal(client, Form(form.action, {**form.fields,
                                                     "SAMLResponse": saml_response}))


def assert_refused(app: Flask, response: Any, kind: str, reason: str, text: str) -> None:
    html = response.get_data(as_text=True)
    assert response.status_code == 400, html[:1500]
    assert text in html
    assert refusals(app)[-1] == (kind, reason)
    assert "Abmelden (" not in html  # nobody got signed in


def test_the_forging_helper_itself_yields_an_accepted_response(
        saml_app: Flask, idp: IdpServer, browser: requests.Session, sp_keys: SpKeys) -> None:
    client = saml_app.test_client()
    form = fresh_response(client, browser)
    copy = forge.rebuild(form.fields["SAMLResponse"], **keys(idp, sp_keys))
    response = post_variant(client, form, copy)
    assert response.status_code == 302, response.get_data(as_text=True)[:1500]


def _tamper(assertion: etree._Element) -> None:
    forge.set_attribute(assertion, "urn:oid:2.5.4.42", "Mallory")


def _audience(assertion: etree._Element) -> None:
    assertion.xpath(".//saml:Audience", namespaces=forge.NS)[0].text = "https://other.example/sp"


CRAFTED: dict[str, tuple[Callable[[str, dict[str, bytes]], str], str, str]] = {
    # a signed value changed after signing, nothing re-signed (no IdP key used)
    "tampered": (lambda r, k: forge.encode(forge.encrypt(_tampered(r, k), k["sp_cert"])),
                 "invalid", "signature_invalid"),
    "unsigned": (lambda r, k: forge.rebuild(r, **k, sign_assertion=False, sign_response=False),
                 "invalid", "signature_missing"),
    "wrapped": (lambda r, k: forge.wrap_assertion(r, sp_key=k["sp_key"], sp_cert=k["sp_cert"]),
                "invalid", "signature_wrapping"),
    "audience": (lambda r, k: forge.rebuild(r, **k, change=_audience), "invalid", "audience"),
    "expired": (lambda r, k: forge.rebuild(r, **k, change=forge.shift_times(-3600)),
                "invalid", "expired"),
    "sha1": (lambda r, k: forge.rebuild(r, **k, algorithms=forge.SHA1),
             "invalid", "deprecated_algorithm"),
}


def _tampered(saml_response: str, k: dict[str, bytes]) -> etree._Element:
    root = forge.decrypt(forge.parse(saml_response), k["sp_key"])
    _tamper(forge.assertion_of(root))
    return root


@pytest.mark.parametrize("variant", sorted(CRAFTED))
def test_crafted_responses_are_refused(saml_app: Flask, idp: IdpServer,
                                       browser: requests.Session, sp_keys: SpKeys,
                                       variant: str) -> None:
    make, kind, reason = CRAFTED[variant]
    client = saml_app.test_client()
    form = fresh_response(client, browser)
    response = post_variant(client, form, make(form.fields["SAMLResponse"],
                                               keys(idp, sp_keys)))
    assert_refused(saml_app, response, kind, reason, "Anmeldung konnte nicht geprüft werden")


def test_plaintext_assertion_is_refused_when_encryption_is_required(
        saml_app: Flask, idp: IdpServer, browser: requests.Session, sp_keys: SpKeys) -> None:
    client = saml_app.test_client()
    form = fresh_response(client, browser)
    k = keys(idp, sp_keys)
    root = forge.decrypt(forge.parse(form.fields["SAMLResponse"]), k["sp_key"])
    plain = forge.encode(forge.sign(root, k["idp_key"], k["idp_cert"]))
    response = post_variant(client, form, plain)
    assert_refused(saml_app, response, "invalid", "not_encrypted",
                   "Anmeldung konnte nicht geprüft werden")


def test_replayed_response_is_refused(saml_app: Flask, idp: IdpServer,
                                      browser: requests.Session) -> None:
    client = saml_app.test_client()
    first, form = login(client, browser, "erika", "eid-erika", START)
    assert first.status_code == 302
    client.post("/abmelden")
    to_idp(client, START)  # a new login is pending, so only the replay check can stop it
    again = post_to_portal(client, form)
    assert_refused(saml_app, again, "replay", "replay", "Anmeldung bereits verwendet")


def test_replay_into_another_browser_is_refused(saml_app: Flask, idp: IdpServer,
                                                browser: requests.Session) -> None:
    victim, attacker = saml_app.test_client(), saml_app.test_client()
    first, form = login(victim, browser, "erika", "eid-erika", START)
    assert first.status_code == 302
    to_idp(attacker, START)
    assert_refused(saml_app, post_to_portal(attacker, form), "replay", "replay",
                   "Anmeldung bereits verwendet")


def test_unsolicited_response_is_refused(saml_app: Flask, idp: IdpServer,
                                         browser: requests.Session) -> None:
    client = saml_app.test_client()
    to_idp(client, START)  # even with a login of its own pending
    page = browser.get(f"{idp.base_url}/saml2/idp/SSOService.php",
                       params={"spentityid": "http://portal.test/saml/metadata"}, timeout=20)
    from tests.idp.browser import form_of

    login_form = form_of(page.text, page.url, with_field="username")
    login_form.fields.update({"username": "erika", "password": "eid-erika"})
    answer = browser.post(login_form.action, data=login_form.fields, timeout=20)
    idp_initiated = form_of(answer.text, answer.url, with_field="SAMLResponse")
    response = post_to_portal(client, idp_initiated)
    assert_refused(saml_app, response, "unsolicited", "unsolicited",
                   "Anmeldung nicht angefordert")


def test_response_for_another_browsers_request_is_refused(
        saml_app: Flask, idp: IdpServer, browser: requests.Session) -> None:
    victim, attacker = saml_app.test_client(), saml_app.test_client()
    to_idp(victim, START)
    attackers_response = fresh_response(attacker, browser)
    response = post_to_portal(victim, attackers_response)
    assert_refused(saml_app, response, "in_response_to", "in_response_to",
                   "Anmeldung passt nicht zu Ihrer Sitzung")


@pytest.mark.parametrize("payload", ["", "not base64 at all!", "PGZvbz48L2Zvbz4=",
                                     "A" * 300_000])
def test_garbage_gets_a_page_not_a_500(saml_app: Flask, idp: IdpServer, payload: str) -> None:
    client = saml_app.test_client()
    to_idp(client, START)
    response = client.post("/saml/acs", data={"SAMLResponse": payload})
    assert response.status_code == 400
    assert "Anmeldung konnte nicht geprüft werden" in response.get_data(as_text=True)
    assert refusals(saml_app)[-1][0] == "invalid"
