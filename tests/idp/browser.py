"""Drive logins like a browser: the Flask test client for the portal, `requests` for the
IdP, and the IdP's auto-posted SAMLResponse carried back into the Flask test client."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
import requests
from flask.testing import FlaskClient


@dataclass
class Form:
    action: str
    fields: dict[str, str]


def form_of(html: str, base: str = "", index: int = 0, with_field: str | None = None) -> Form:
    doc = lxml.html.document_fromstring(html)
    forms = [f for f in doc.forms
             if with_field is None or f.xpath(f".//input[@name='{with_field}']")]
    assert forms, f"no form (with {with_field}) on the page: {html[:800]}"
    form = forms[index]
    fields = {i.get("name"): i.get("value") or "" for i in form.xpath(".//input[@name]")}
    return Form(urljoin(base, form.get("action") or ""), fields)


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def to_idp(client: FlaskClient, start: str) -> tuple[Form, Any]:
    """Open the portal's start URL; returns the auto-post form to the IdP."""
    response = client.get(start)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return form_of(response.get_data(as_text=True), with_field="SAMLRequest"), response


def idp_login(browser: requests.Session, request_form: Form, username: str,
              password: str) -> Form:
    """Post the AuthnRequest to the IdP, fill in its login form; returns the form the IdP
    auto-posts back to the portal (SAMLResponse, RelayState)."""
    page = browser.post(request_form.action, data=request_form.fields, timeout=20)
    if "SAMLResponse" not in page.text:  # no IdP session yet: the login form comes first
        login = form_of(page.text, page.url, with_field="username")
        login.fields.update({"username": username, "password": password})
        page = browser.post(login.action, data=login.fields, timeout=20)
    assert "SAMLResponse" in page.text, page.text[:1500]
    return form_of(page.text, page.url, with_field="SAMLResponse")


def post_to_portal(client: FlaskClient, form: Form) -> Any:
    """POST the IdP's form into the portal; follows the portal's own re-post (SameSite)."""
    response = client.post(path_of(form.action), data=form.fields)
    if response.status_code == 200 and b'name="resent"' in response.data:
        again = form_of(response.get_data(as_text=True), with_field="SAMLResponse")
        response = client.post(path_of(again.action), data=again.fields)
    return response


def login(client: FlaskClient, browser: requests.Session, username: str, password: str,
          start: str) -> tuple[Any, Form]:
    request_form, _ = to_idp(client, start)
    response_form = idp_login(browser, request_form, username, password)
    return post_to_portal(client, response_form), response_form
