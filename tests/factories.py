"""Test data made from the service definitions themselves, so every new field is covered."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from portal.definitions.fields import SUBFIELDS, codelist_codes
from portal.definitions.loader import Catalog
from portal.definitions.model import FieldDef, FieldType, ServiceDefinition, Step

# A street inside a Goslar parking zone, so the resident-parking check passes.
ADDRESS = {"street": "Bäckerstraße", "house_number": "12a", "addition": "",
           "postcode": "38640", "town": "Goslar"}
ABROAD = {"street": "Rue de la Loi 16", "postcode": "1000", "town": "Bruxelles", "country": "124"}
NAME = {"family_name": "Müller-Lüdenscheidt", "given_names": "Jürgen Ömer", "birth_name": ""}
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f"
       b"\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00"
       b"IEND\xaeB`\x82")


def date_for(f: FieldDef, today: date) -> date:
    if "birth" in f.id:
        return date(2019, 5, 15) if f.id == "birth_date" and f.dates else date(1988, 5, 15)
    wanted = today - timedelta(days=3)
    if f.dates is not None:
        if f.dates.min_days is not None:
            wanted = max(wanted, today + timedelta(days=f.dates.min_days))
        if f.dates.max_days is not None:
            wanted = min(wanted, today + timedelta(days=f.dates.max_days))
    return wanted


# Yes/no answers where "yes" would break a cross-field rule of the definition: with other homes
# kept, the first-choice "sole dwelling" of a person is wrong (§ 21 BMG).
NO_ANSWERS = {"has_other_dwellings"}


def scalar_input(f: FieldDef, catalog: Catalog, today: date) -> list[str]:
    t = f.type
    if t == FieldType.YES_NO and f.id in NO_ANSWERS:
        return ["no"]
    if t in (FieldType.CHOICE, FieldType.MULTI_CHOICE):
        codes = [o.code for o in f.options] if f.options else codelist_codes(f, catalog.codelists)
        # Prefer a code that exercises conditions: the first option is usually the common case.
        return [codes[0]]
    return [{
        FieldType.TEXT: "Bello vom Rammelsberg"[:f.limit].strip(),
        FieldType.TEXTAREA: "Zeile eins mit Umlauten: äöü ß €\nZeile zwei",
        FieldType.NUMBER: str(int(f.min) if f.min is not None else 1),
        FieldType.MONEY: "12,50",
        FieldType.DATE: date_for(f, today).strftime("%d.%m.%Y"),
        FieldType.YES_NO: "yes",
        FieldType.EMAIL: "erika@example.org",
        FieldType.PHONE: "05321 704-0",
        FieldType.IBAN: "DE02 1203 0000 0000 2020 51",
        FieldType.POSTCODE: "38640",
        FieldType.VEHICLE_REGISTRATION: "gs ab 123",
        FieldType.MICROCHIP: "276098100123456",
    }[t]]


def field_inputs(f: FieldDef, path: str, catalog: Catalog, today: date) -> dict[str, list[str]]:
    if f.type in SUBFIELDS:
        source = {FieldType.ADDRESS: ADDRESS, FieldType.ADDRESS_ABROAD: ABROAD,
                  FieldType.PERSON_NAME: NAME}[f.type]
        return {f"{path}.{sub.id}": [source[sub.id]] for sub in SUBFIELDS[f.type]}
    if f.type == FieldType.FILE:
        return {}
    if f.type == FieldType.GROUP:
        assert f.fields is not None and f.repeat is not None
        count = max(1, f.repeat.min)
        out: dict[str, list[str]] = {f"{f.id}.count": [str(count)]}
        for index in range(count):
            for child in f.fields:
                out.update(field_inputs(child, f"{f.id}.{index}.{child.id}", catalog, today))
        return out
    return {path: scalar_input(f, catalog, today)}


def step_form(step: Step, catalog: Catalog, today: date,
              overrides: dict[str, list[str]] | None = None) -> dict[str, list[str]]:
    form: dict[str, list[str]] = {}
    for f in step.fields:
        form.update(field_inputs(f, f.id, catalog, today))
    form.update(overrides or {})
    return form


def file_paths(step: Step) -> list[str]:
    paths = []
    for f in step.fields:
        if f.type == FieldType.FILE:
            paths.append(f.id)
        elif f.type == FieldType.GROUP and f.fields and f.repeat:
            for index in range(max(1, f.repeat.min)):
                paths.extend(f"{f.id}.{index}.{c.id}" for c in f.fields if c.type == FieldType.FILE)
    return paths


def multipart(step: Step, catalog: Catalog, today: date, action: str = "next",
              overrides: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """Data for the Flask test client: form fields plus a small PDF for every file input."""
    import io

    data: dict[str, Any] = {k: v for k, v in step_form(step, catalog, today, overrides).items()}
    for path in file_paths(step):
        data[path] = (io.BytesIO(PDF), "nachweis.pdf", "application/pdf")
    data["action"] = action
    return data


def steps_of(service: ServiceDefinition) -> list[Step]:
    return list(service.steps)


def submit_reviewed(client: Any, review_url: str, confirm: bool = True) -> Any:
    """Submit as a citizen does: from the review page, with the fingerprint it carries."""
    import re

    page = client.get(review_url).get_data(as_text=True)
    found = re.search(r'name="reviewed" value="([0-9a-f]{64})"', page)
    assert found is not None, "the review page offers no submit form"
    data = {"reviewed": found.group(1), **({"confirm": "yes"} if confirm else {})}
    return client.post(review_url.replace("/pruefen", "/absenden"), data=data)
