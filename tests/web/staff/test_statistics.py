"""The administrators' statistics page and `flask stats export`: anonymous counts per
service, channel and month with processing times, and each service's retention periods."""

from __future__ import annotations

import csv
import io
import json

from flask import Flask

from tests.adapters.delivery.support import submit_dog_tax
from tests.web.inbox.test_inbox import clerk


def test_admin_sees_and_downloads_statistics_others_do_not(app: Flask) -> None:
    submit_dog_tax(app)
    submit_dog_tax(app, persona="max")
    admin = clerk(app, "admin@goslar.example", [], ["admin"])
    page = admin.get("/mitarbeiter/statistik")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Statistik und Löschfristen" in html and "Hund zur Hundesteuer anmelden" in html
    assert "365 Tage nach Abschluss" in html and "§ 58 Abs. 2 VwGO" in html
    assert "Mustermann" not in html and "Meier" not in html
    assert "/mitarbeiter/statistik" in admin.get("/mitarbeiter").get_data(as_text=True)

    rows = list(csv.DictReader(io.StringIO(
        admin.get("/mitarbeiter/statistik.csv").get_data(as_text=True))))
    assert [(r["service_id"], r["channel"], r["submitted"]) for r in rows] == [
        ("hundesteuer-anmeldung", "online", "2")]
    data = admin.get("/mitarbeiter/statistik.json").get_json()
    assert data["publisher"] == "Stadt Goslar" and data["rows"][0]["submitted"] == 2
    assert admin.get("/mitarbeiter/statistik.xml").status_code == 404

    office = clerk(app, "steuer@goslar.example", ["steueramt"])
    assert office.get("/mitarbeiter/statistik").status_code == 403
    assert office.get("/mitarbeiter/statistik.csv").status_code == 403
    assert "/mitarbeiter/statistik" not in office.get("/mitarbeiter").get_data(as_text=True)

    runner = app.test_cli_runner()
    exported = runner.invoke(args=["stats", "export", "--format", "json"])
    assert exported.exit_code == 0
    assert json.loads(exported.output)["rows"] == data["rows"]
    as_csv = runner.invoke(args=["stats", "export"])
    assert as_csv.output.startswith("month,service_id,channel,submitted,decided,rejected")
