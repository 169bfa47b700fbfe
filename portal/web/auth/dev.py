"""Development sign-in: pick a test persona and a trust level. Refused outside development
and testing; production configuration cannot enable it (see `portal.config`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext

from portal.services.identity import Identity
from portal.web.auth.base import AuthMethod
from portal.web.auth.navigation import finish_login, safe_next

PERSONAS: dict[str, dict[str, Any]] = {
    "erika": {
        "family_name": "Mustermann", "given_names": "Erika", "birth_name": "Gabler",
        "birth_date": "1964-08-12", "birth_place": "Berlin", "nationality": "000",
        "email": "erika.mustermann@example.org",
        "address": {"street": "Bäckerstraße", "house_number": "12", "postcode": "38640",
                    "town": "Goslar"},
    },
    "max": {
        "family_name": "Meier", "given_names": "Max Peter", "birth_date": "1990-03-27",
        "birth_place": "Hannover", "nationality": "000", "email": "max.meier@example.org",
        "address": {"street": "Hoher Weg", "house_number": "5", "addition": "2. OG",
                    "postcode": "38640", "town": "Goslar"},
    },
    "ayse": {
        "family_name": "Yılmaz", "given_names": "Ayşe", "birth_date": "1985-11-02",
        "birth_place": "İzmir", "nationality": "163", "email": "ayse.yilmaz@example.org",
        "address": {"street": "Am Heiligen Grabe", "house_number": "3", "postcode": "38640",
                    "town": "Goslar"},
    },
}
LEVELS = (1, 2, 3, 4)


class DevSignIn(AuthMethod):
    id = "dev"
    label = {"de": "Entwicklungs-Anmeldung", "en": "Development sign-in"}
    description = {"de": "Nur für Entwicklung und Tests: Testperson und Vertrauensniveau wählen.",
                   "en": "Development and tests only: choose a test persona and trust level."}

    def is_enabled(self, config: Mapping[str, Any]) -> bool:
        return bool(config.get("DEV_SIGNIN")) and config.get("ENV_NAME") != "production"

    def max_trust_level(self, config: Mapping[str, Any]) -> int:
        return 4

    def start_endpoint(self) -> str:
        return "auth_dev.start"

    def blueprint(self) -> Blueprint:
        bp = Blueprint("auth_dev", __name__, url_prefix="/anmelden/entwicklung")

        @bp.before_request
        def _only_in_development() -> None:
            if not self.is_enabled(current_app.config):
                abort(404)

        @bp.route("", methods=["GET", "POST"])
        def start() -> Any:
            level = _int(request.values.get("level"), 3)
            next_url = safe_next(request.values.get("next"))
            error = None
            if request.method == "POST":
                persona = request.form.get("persona", "")
                if persona not in PERSONAS or level not in LEVELS:
                    error = gettext("Bitte wählen Sie eine Testperson und ein Vertrauensniveau.")
                else:
                    return finish_login(identity_for(persona, level), next_url)
            return render_template("auth/dev.html", personas=PERSONAS, levels=LEVELS,
                                   level=level, next_url=next_url, error=error), (
                400 if error else 200)

        return bp


def identity_for(persona: str, level: int) -> Identity:
    data = PERSONAS[persona]
    # An eID (level 4) vouches for name, birth data and address; lower levels do not.
    verified = ("name", "birth_date", "birth_place", "address", "nationality") if level == 4 else ()
    return Identity(method="dev", subject=f"dev:{persona}", trust_level=level,
                    verified=verified, **data)


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default
