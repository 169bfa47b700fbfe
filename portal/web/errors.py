"""Every error is a page in the citizen's language; never a bare server error."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, render_template
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


def _page(status: int, title: str, text: str) -> Any:
    return render_template("error.html", status=status, title=title, text=text), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(_exc: CSRFError) -> Any:
        return _page(400, gettext("Sitzung abgelaufen"), gettext(
            "Ihre Sitzung ist abgelaufen oder das Formular war veraltet. Bitte laden Sie die Seite "
            "neu und senden Sie Ihre Angaben noch einmal. Gespeicherte Angaben bleiben erhalten."))

    @app.errorhandler(413)
    def too_large(_exc: HTTPException) -> Any:
        return _page(413, gettext("Dateien zu groß"), gettext(
            "Die gesendeten Dateien sind zusammen zu groß. Bitte laden Sie kleinere Dateien hoch "
            "(höchstens 10 MB je Datei) und versuchen Sie es erneut."))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Any:
        status = exc.code or 500
        texts = {
            400: (gettext("Ungültige Anfrage"),
                  gettext("Die Anfrage konnte nicht verarbeitet werden. Bitte versuchen Sie es "
                          "erneut.")),
            403: (gettext("Kein Zugriff"), gettext("Sie haben keinen Zugriff auf diese Seite.")),
            404: (gettext("Seite nicht gefunden"),
                  gettext("Diese Seite gibt es nicht, oder Sie haben keinen Zugriff darauf.")),
            405: (gettext("Nicht möglich"),
                  gettext("Diese Aktion ist auf dieser Seite nicht möglich.")),
        }
        title, text = texts.get(status, (gettext("Fehler"), gettext(
            "Es ist ein Fehler aufgetreten. Bitte versuchen Sie es später erneut.")))
        return _page(status, title, text)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Any:
        log.exception("unexpected error", exc_info=exc)
        return _page(500, gettext("Technischer Fehler"), gettext(
            "Es ist ein technischer Fehler aufgetreten. Ihre gespeicherten Angaben bleiben "
            "erhalten. Bitte versuchen Sie es später erneut."))
