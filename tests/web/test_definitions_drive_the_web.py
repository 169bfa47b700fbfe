"""A service definition changes behaviour without Python changes, and the embedded default
(SQLite) runs every service end to end as well."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from portal import create_app
from portal.definitions.loader import json_schema
from portal.state import portal_state
from tests.conftest import FIXED_TODAY, CheckedClient, make_app, sign_in
from tests.factories import submit_reviewed
from tests.web.test_journey import SERVICES, fill_all_steps


def test_exported_json_schema_is_current() -> None:
    committed = json.loads(Path("forms/service-definition.schema.json").read_text(encoding="utf-8"))
    assert committed == json_schema(), "run `make forms-schema` after changing the definition model"


def test_a_new_field_appears_and_is_required_without_code(tmp_path: Path, database_url: str) -> None:
    forms = tmp_path / "forms"
    shutil.copytree("forms", forms)
    path = forms / "bewohnerparkausweis.yaml"
    definition = yaml.safe_load(path.read_text(encoding="utf-8"))
    definition["steps"][0]["fields"].append({
        "id": "employer", "type": "text", "required": True,
        "label": {"de": "Arbeitgeber", "en": "Employer"}})
    path.write_text(yaml.safe_dump(definition, allow_unicode=True), encoding="utf-8")
    app = make_app(database_url, FORMS_DIR=str(forms))
    client = app.test_client()
    sign_in(client)
    location = client.post("/leistungen/bewohnerparkausweis/starten").location
    page = client.get(location).get_data(as_text=True)
    assert 'name="employer"' in page and "Arbeitgeber" in page
    response = client.post(location, data={"action": "next"})
    assert response.status_code == 422
    assert "Bitte geben Sie „Arbeitgeber“ an." in response.get_data(as_text=True)


def test_a_broken_definition_stops_start_up(tmp_path: Path, database_url: str) -> None:
    forms = tmp_path / "forms"
    shutil.copytree("forms", forms)
    path = forms / "hundesteuer-abmeldung.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("type: date", "type: datum", 1),
                    encoding="utf-8")
    with pytest.raises(Exception, match=r"hundesteuer-abmeldung\.yaml: steps\[\d+\]\.fields\[\d+\]"):
        create_app({"ENV_NAME": "testing", "DATABASE_URL": database_url, "FORMS_DIR": str(forms)})


@pytest.mark.parametrize("service_id", SERVICES)
def test_embedded_default_completes_every_service(tmp_path: Path, service_id: str) -> None:
    from portal.adapters.db import migrate

    url = f"sqlite:///{tmp_path / 'portal.sqlite3'}"
    migrate.upgrade(url)
    app = create_app({"ENV_NAME": "development", "DATABASE_URL": url, "WTF_CSRF_ENABLED": False})
    app.test_client_class = CheckedClient
    portal_state(app).fixed_today = FIXED_TODAY
    client = app.test_client()
    sign_in(client)
    review = fill_all_steps(app, client, service_id)
    done = submit_reviewed(client, review)
    assert done.status_code == 302 and "/meine-antraege/" in done.location
    assert "Ihr Antrag ist eingegangen" in client.get(done.location).get_data(as_text=True)
