"""Real BundID-style logins against SimpleSAMLphp: level 4 and level 3 services, prefill
(locked when it comes from the eID), cancellation, a too-low level, single logout."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import requests
from flask import Flask

from portal.adapters.db.models import Draft
from portal.state import portal_state
from tests.idp.audit import entries, refusals
from tests.idp.browser import login, path_of, post_to_portal, to_idp
from tests.idp.simplesaml import IdpServer

ANMELDUNG = "/anmelden/bundid?level=4&next=/leistungen/wohnsitz-anmeldung"
HUNDESTEUER = "/anmelden/bundid?level=3&next=/leistungen/hundesteuer-anmeldung"


def test_level_4_login_prefills_and_locks_eid_data(saml_app: Flask, idp: IdpServer,
                                                   browser: requests.Session) -> None:
    client = saml_app.test_client()
    client.get("/?lang=de")
    before = client.get_cookie("session")
    response, _form = login(client, browser, "erika", "eid-erika", ANMELDUNG)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert response.location == "/leistungen/wohnsitz-anmeldung"
    after = client.get_cookie("session")
    assert before is not None and after is not None and before.value != after.value
    assert "Erika Mustermann" in client.get("/").get_data(as_text=True)
    started = client.post("/leistungen/wohnsitz-anmeldung/starten")
    assert started.status_code == 302, started.get_data(as_text=True)[:1000]
    step_url = started.location.rsplit("/", 1)[0] + "/previous_flat"
    step = client.get(step_url).get_data(as_text=True)
    assert "Aus Ihrem Online-Ausweis übernommen" in step
    assert "Bäckerstraße 12" in step and "38640 Goslar" in step
    # Data from the eID cannot be changed, not even by a hand-made POST.
    client.post(step_url, data={"moved_from_abroad": "no", "previous_address.street": "Fake",
                                "previous_address.house_number": "1",
                                "previous_address.postcode": "12345",
                                "previous_address.town": "Anderswo"})
    assert "Fake" not in client.get(step_url).get_data(as_text=True)
    draft_id = started.location.split("/antraege/")[1].split("/")[0]
    with portal_state(saml_app).db.session() as db:
        answers = db.get(Draft, draft_id).answers
    assert answers["previous_address"]["street"] == "Bäckerstraße"
    assert answers["previous_address"]["house_number"] == "12"
    login_entries = entries(saml_app, "login")
    assert login_entries[-1]["method"] == "bundid" and login_entries[-1]["trust_level"] == 4
    assert login_entries[-1]["actor"] == "bPK2-erika-0001"


def test_level_3_login_prefills_without_locking(saml_app: Flask, idp: IdpServer,
                                                browser: requests.Session) -> None:
    client = saml_app.test_client()
    response, _ = login(client, browser, "max", "elster-max", HUNDESTEUER)
    assert response.status_code == 302 and response.location.endswith("hundesteuer-anmeldung")
    started = client.post("/leistungen/hundesteuer-anmeldung/starten")
    assert started.status_code == 302
    keeper = client.get(started.location.rsplit("/", 1)[0] + "/keeper").get_data(as_text=True)
    assert 'value="Meier"' in keeper and 'value="Hoher Weg"' in keeper
    assert 'value="1990-03-27"' in keeper or 'value="27.03.1990"' in keeper
    assert "Aus Ihrem Online-Ausweis übernommen" not in keeper  # level 3: editable


def test_level_below_the_service_minimum_is_refused_with_a_way_forward(
        saml_app: Flask, idp: IdpServer, browser: requests.Session) -> None:
    client = saml_app.test_client()
    response, _ = login(client, browser, "max", "elster-max", ANMELDUNG)
    html = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "Vertrauensniveau nicht ausreichend" in html
    assert "„hoch“ (Stufe 4)" in html and "Online-Ausweisfunktion" in html
    retry = next(a for a in html.split('"') if a.startswith("/anmelden/bundid?"))
    assert "level=4" in retry and "neu=1" in retry
    assert ("level", "level_too_low") in refusals(saml_app)
    assert "Max Peter" not in client.get("/").get_data(as_text=True)  # not signed in
    # The offered retry asks the IdP for a fresh login (ForceAuthn) at level 4.
    form, _ = to_idp(client, retry.replace("&amp;", "&"))
    assert form.fields["SAMLRequest"]


def test_cancel_at_the_idp_is_explained_and_audited(saml_app: Flask, idp: IdpServer,
                                                    browser: requests.Session) -> None:
    client = saml_app.test_client()
    response, _ = login(client, browser, "abbruch", "abbruch", ANMELDUNG)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Anmeldung abgebrochen" in html
    assert refusals(saml_app)[-1] == ("cancelled", "status")


def test_sp_initiated_single_logout(saml_app: Flask, idp: IdpServer,
                                    browser: requests.Session) -> None:
    client = saml_app.test_client()
    login(client, browser, "erika", "eid-erika", ANMELDUNG)
    response = client.post("/abmelden")
    assert response.status_code == 302 and response.location.startswith(idp.base_url)
    assert "SAMLRequest" in parse_qs(urlsplit(response.location).query)
    assert "Erika" not in client.get("/").get_data(as_text=True)  # local session is gone
    at_idp = browser.get(response.location, allow_redirects=False, timeout=20)
    while at_idp.status_code in (302, 303) and at_idp.headers["Location"].startswith(idp.base_url):
        at_idp = browser.get(at_idp.headers["Location"], allow_redirects=False, timeout=20)
    back = at_idp.headers["Location"]
    assert back.startswith("http://portal.test/saml/sls?") and "SAMLResponse=" in back
    done = client.get(path_of(back))
    assert done.status_code == 302 and "signed_out=1" in done.location
    # The IdP session is over too: a new login asks for the password again.
    form, _ = to_idp(client, ANMELDUNG)
    page = browser.post(form.action, data=form.fields, timeout=20)
    assert 'name="password"' in page.text
    assert entries(saml_app, "logout")[-1]["initiated_by"] == "sp"


def test_idp_initiated_single_logout(saml_app: Flask, idp: IdpServer,
                                     browser: requests.Session) -> None:
    client = saml_app.test_client()
    login(client, browser, "erika", "eid-erika", ANMELDUNG)
    assert "Erika" in client.get("/").get_data(as_text=True)
    step = browser.get(f"{idp.base_url}/saml2/idp/initSLO.php",
                       params={"RelayState": f"{idp.base_url}/"}, allow_redirects=False,
                       timeout=20)
    while step.status_code in (302, 303) and step.headers["Location"].startswith(idp.base_url):
        step = browser.get(step.headers["Location"], allow_redirects=False, timeout=20)
    to_portal = step.headers["Location"]
    assert to_portal.startswith("http://portal.test/saml/sls?") and "SAMLRequest=" in to_portal
    answer = client.get(path_of(to_portal))
    assert answer.status_code == 302 and answer.location.startswith(idp.base_url)
    assert "SAMLResponse" in parse_qs(urlsplit(answer.location).query)
    assert "Erika" not in client.get("/").get_data(as_text=True)
    assert entries(saml_app, "logout")[-1]["initiated_by"] == "idp"
    browser.get(answer.location, timeout=20)  # the IdP finishes its logout round


def test_unsigned_logout_request_is_refused(saml_app: Flask, idp: IdpServer,
                                            browser: requests.Session) -> None:
    client = saml_app.test_client()
    login(client, browser, "erika", "eid-erika", ANMELDUNG)
    response = client.get("/saml/sls?SAMLRequest=bm90IGEgcmVxdWVzdA%3D%3D")
    assert response.status_code == 400
    assert "nicht bestätigt" in response.get_data(as_text=True)
    assert refusals(saml_app)[-1] == ("invalid", "logout")


def test_repost_when_the_lax_cookie_did_not_come_along(saml_app: Flask, idp: IdpServer,
                                                       browser: requests.Session) -> None:
    client = saml_app.test_client()
    request_form, _ = to_idp(client, ANMELDUNG)
    from tests.idp.browser import idp_login

    response_form = idp_login(browser, request_form, "erika", "eid-erika")
    cookie = client.get_cookie("session")
    assert cookie is not None
    client.delete_cookie("session")  # the IdP's cross-site POST carries no Lax cookie
    first = client.post(path_of(response_form.action), data=response_form.fields)
    assert first.status_code == 200 and b'name="resent"' in first.data
    client.set_cookie("session", cookie.value)  # the same-site re-post does
    final = post_to_portal(client, response_form)
    assert final.status_code == 302
