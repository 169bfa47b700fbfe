"""Turn a submission into the document's HTML with the app's templates and translations.

The summary rows and the translated labels need a Flask app context; this adapter provides
one, so the service that calls it stays free of Flask. The document is always German: it
is the authority's record, and the citizen's copy must be the same file.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask
from flask_babel import force_locale

from portal.adapters.documents.content import DocumentInput, DocumentTools, IssuedInput
from portal.adapters.documents.render import PdfRenderer
from portal.adapters.documents.seal import Sealer, SealSettings
from portal.adapters.documents.verify import load_trust_roots
from portal.adapters.xoev.model import TEST_AUTH_METHODS
from portal.definitions.sepa import mandate
from portal.presentation.i18n import level_name, t
from portal.presentation.summary import summarize
from portal.state import portal_state

LANGUAGE = "de"
CHANNELS = {"online": "Online-Dienst", "counter": "Vor Ort (Bürgerbüro)"}
# Methods that are no sign-in of the citizen's own, so not in the sign-in registry.
AUTH_LABELS = {"counter": "Persönlich vorgesprochen, Ausweisdokument geprüft"}
GENERIC_TEMPLATE = "documents/submission.html"
EXTENSION_KEY = "portal.documents"


def local_date(value: datetime, zone: str) -> date:
    return value.astimezone(ZoneInfo(zone)).date()


def local_time(value: datetime, zone: str) -> str:
    """The authority's local time (TIMEZONE), whatever time zone the server runs in."""
    return value.astimezone(ZoneInfo(zone)).strftime("%d.%m.%Y, %H:%M:%S Uhr")


class FlaskComposer:
    def __init__(self, app: Flask) -> None:
        self.app = app

    def __call__(self, doc: DocumentInput) -> str:
        state = portal_state(self.app)
        municipality = state.catalog.municipality
        submission = doc.submission
        zone = self.app.config.get("TIMEZONE", "Europe/Berlin")
        with self.app.app_context(), force_locale(LANGUAGE):
            method = state.auth.get(submission.auth_method)
            method_label = (t(method.label) if method else
                            AUTH_LABELS.get(submission.auth_method, submission.auth_method))
            level = submission.trust_level
            context: dict[str, Any] = {
                "service": doc.service,
                "submission": submission,
                "summary": summarize(doc.service, submission.answers, state.catalog.codelists),
                "municipality": municipality,
                "department": municipality.department(submission.department),
                "submitted_at": local_time(submission.submitted_at,
                                           self.app.config.get("TIMEZONE", "Europe/Berlin")),
                "channel": CHANNELS.get(submission.channel, submission.channel),
                "auth_method": method_label,
                "trust_level": f"{level_name(level)} (STORK-QAA-Level-{level})",
                "files": doc.files,
                "xml_name": doc.xml_name,
                "xml_sha256": doc.xml_sha256,
                "seal_holder": doc.seal_holder,
                "seal_level": doc.seal_level,
                "mandate": mandate(doc.service, submission.answers, municipality,
                                   submission.reference, local_date(submission.submitted_at,
                                                                    zone)),
                "test_submission": submission.auth_method in TEST_AUTH_METHODS,
            }
            # A service may bring its own layout: templates/documents/<service id>.html.
            template = self.app.jinja_env.select_template(
                [f"documents/{doc.service.id}.html", GENERIC_TEMPLATE])
            return template.render(context)


class FlaskIssuedComposer:
    """Renders an issued document (template named by the service definition), in German: it
    is an official document of the authority."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def __call__(self, doc: IssuedInput) -> str:
        state = portal_state(self.app)
        municipality = state.catalog.municipality
        zone = self.app.config.get("TIMEZONE", "Europe/Berlin")
        with self.app.app_context(), force_locale(LANGUAGE):
            codelists = state.catalog.codelists

            def code_name(list_id: str, code: Any) -> str:
                entry = codelists[list_id].entry(str(code)) if list_id in codelists else None
                return t(entry.name) if entry else str(code or "")

            template = self.app.jinja_env.get_template(doc.spec.template)
            return template.render(
                service=doc.service, spec=doc.spec, submission=doc.submission,
                answers=doc.submission.answers, municipality=municipality,
                department=municipality.department(doc.submission.department),
                registered_on=local_time(doc.submission.submitted_at, zone)[:10],
                issued_at=local_time(doc.issued_at, zone), code_name=code_name,
                seal_holder=doc.seal_holder, seal_level=doc.seal_level)


def tools_for(app: Flask) -> DocumentTools:
    """The process's document tools, created on first use. Keyed by process id: a PKCS#11
    session or a decrypted key must not be inherited across fork (gunicorn, job workers)."""
    cached = app.extensions.get(EXTENSION_KEY)
    if cached is not None and cached[0] == os.getpid():
        tools: DocumentTools = cached[1]
        return tools
    settings = SealSettings.from_config(app.config)
    tools = DocumentTools(compose=FlaskComposer(app), renderer=PdfRenderer(),
                          sealer=Sealer.from_settings(settings),
                          trust_roots=load_trust_roots(settings.trust_roots),
                          compose_issued=FlaskIssuedComposer(app))
    app.extensions[EXTENSION_KEY] = (os.getpid(), tools)
    return tools
