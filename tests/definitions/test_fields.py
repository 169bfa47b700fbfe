"""Parsing answers: every field type, composites, uploads, conditions and repeatable groups."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from portal.definitions import messages as m
from portal.definitions.codelists import CodeList
from portal.definitions.fields import (
    SUBFIELDS,
    ParseContext,
    UploadRef,
    iban_valid,
    normalize_registration,
    parse_date,
)
from portal.definitions.loader import load_catalog, load_codelists
from portal.definitions.messages import FieldError, Message
from portal.definitions.model import FieldType, ServiceDefinition
from portal.definitions.steps import (
    StepResult,
    check_step,
    parse_step,
    prune_hidden,
    visible_steps,
)

ROOT = Path(__file__).resolve().parents[2]
CODELISTS: dict[str, CodeList] = load_codelists(ROOT / "forms" / "codelists")
CATALOG = load_catalog(ROOT / "forms", ROOT / "municipalities" / "goslar.yaml")
TODAY = date(2026, 3, 27)
LABEL = {"de": "Feld", "en": "Field"}
Form = dict[str, list[str]]


def ctx(**kwargs: Any) -> ParseContext:
    return ParseContext(codelists=CODELISTS, today=TODAY, **kwargs)


def service_with(*fields: dict[str, Any], steps: list[dict[str, Any]] | None = None,
                 ) -> ServiceDefinition:
    return ServiceDefinition.model_validate({
        "id": "test", "version": "1.0.0", "title": "Test", "description": "Test",
        "department": "steueramt", "reference_prefix": "TST", "min_trust_level": 1,
        "steps": steps or [{"id": "main", "title": "Schritt", "fields": list(fields)}],
    })


def field(type_: str, **kwargs: Any) -> dict[str, Any]:
    return {"id": "f", "type": type_, "label": LABEL, **kwargs}


def run(service: ServiceDefinition, form: Form, answers: dict[str, Any] | None = None,
        step: int = 0, context: ParseContext | None = None) -> StepResult:
    return parse_step(service, service.steps[step], form, answers or {}, context or ctx())


def errors(result: StepResult) -> dict[str, str]:
    return {e.path: e.message.text for e in result.errors}


def german(label: object) -> object:
    """Message labels travel as {language: text}; a plain string is German."""
    return label["de"] if isinstance(label, Mapping) else label


# --------------------------------------------------------------------------- scalar types

OPTIONS = [{"code": "a", "label": {"de": "A", "en": "A"}},
           {"code": "b", "label": {"de": "B", "en": "B"}}]

VALID = [
    ("text", {}, ["  Bello   der\tHund "], "Bello der Hund"),
    ("text", {"max_length": 5}, ["Bello"], "Bello"),
    ("textarea", {}, ["  Zeile 1\r\nZeile 2\tEnde  "], "Zeile 1\nZeile 2\tEnde"),
    ("number", {"min": 0, "max": 20}, [" 3 "], 3),
    ("number", {"min": 0, "max": 20}, ["0"], 0),
    ("money", {}, ["1.234,50"], "1234.50"),
    ("money", {}, ["12,5"], "12.50"),
    ("money", {}, ["€ 7"], "7.00"),
    ("date", {}, ["27.03.2026"], "2026-03-27"),
    ("date", {}, ["2026-03-27"], "2026-03-27"),
    ("date", {}, ["1.2.2026"], "2026-02-01"),
    ("date", {"dates": {"max_days": 0}}, ["27.03.2026"], "2026-03-27"),
    ("date", {"dates": {"min_days": 0, "max_days": 90}}, ["25.06.2026"], "2026-06-25"),
    ("yes_no", {}, ["yes"], True),
    ("yes_no", {}, ["no"], False),
    ("choice", {"options": OPTIONS}, ["b"], "b"),
    ("choice", {"codelist": "geschlecht"}, ["d"], "d"),
    ("multi_choice", {"codelist": "staatsangehoerigkeit"}, ["166", "000"], ["000", "166"]),
    ("multi_choice", {"options": OPTIONS}, ["", "a"], ["a"]),
    ("email", {}, [" Anna.Muster@Example.de "], "Anna.Muster@Example.de"),
    ("phone", {}, ["05321  704-0"], "05321 704-0"),
    ("phone", {}, ["+49 5321 704-0"], "+49 5321 704-0"),
    ("iban", {}, ["de02 1203 0000 0000 2020 51"], "DE02120300000000202051"),
    ("iban", {}, ["AT61 1904 3002 3457 3201"], "AT611904300234573201"),
    ("postcode", {}, ["38640"], "38640"),
    ("postcode", {}, [" 38 640 "], "38640"),
    ("vehicle_registration", {}, ["GS AB 123"], "GS-AB 123"),
    ("vehicle_registration", {}, ["gs-ab123"], "GS-AB 123"),
    ("vehicle_registration", {}, ["GS-E 12E"], "GS-E 12E"),
    ("vehicle_registration", {}, ["gö x 1"], "GÖ-X 1"),
    ("vehicle_registration", {}, ["B-MW 1234H"], "B-MW 1234H"),
    ("microchip", {}, ["276 098 100 123 456"], "276098100123456"),
]

INVALID = [
    ("text", {"max_length": 10}, ["x" * 11], m.TOO_LONG),
    ("text", {}, ["x" * 201], m.TOO_LONG),
    ("text", {}, ["Bello\x00"], m.CONTROL_CHARS),
    ("text", {}, ["Bel\x1blo"], m.CONTROL_CHARS),
    ("text", {}, ["Bel\x7flo"], m.CONTROL_CHARS),
    ("textarea", {}, ["Zeile\x07"], m.CONTROL_CHARS),
    ("textarea", {"max_length": 20}, ["Zeile\n" * 5], m.TOO_LONG),
    ("number", {}, ["3,5"], m.NOT_A_NUMBER),
    ("number", {}, ["drei"], m.NOT_A_NUMBER),
    ("number", {"min": 0}, ["-1"], m.NUMBER_TOO_SMALL),
    ("number", {"max": 20}, ["21"], m.NUMBER_TOO_LARGE),
    ("money", {}, ["12,505"], m.NOT_MONEY),
    ("date", {}, ["31.02.2026"], m.NOT_A_DATE),
    ("date", {}, ["27/03/2026"], m.NOT_A_DATE),
    ("date", {}, ["morgen"], m.NOT_A_DATE),
    ("date", {}, ["01.01.2040"], m.NOT_A_DATE),
    ("date", {}, ["01.01.1849"], m.NOT_A_DATE),
    ("date", {"dates": {"max_days": 0}}, ["01.01.0200"], m.NOT_A_DATE),
    ("date", {"dates": {"min_days": 0}}, ["01.01.9999"], m.NOT_A_DATE),
    ("date", {"dates": {"max_days": 0}}, ["28.03.2026"], m.DATE_TOO_LATE),
    ("date", {"dates": {"min_days": 0}}, ["26.03.2026"], m.DATE_TOO_EARLY),
    ("yes_no", {}, ["ja"], m.NOT_YES_NO),
    ("choice", {"options": OPTIONS}, ["c"], m.NOT_AN_OPTION),
    ("choice", {"codelist": "geschlecht"}, ["q"], m.NOT_AN_OPTION),
    ("multi_choice", {"codelist": "staatsangehoerigkeit"}, ["000", "xyz"], m.NOT_AN_OPTION),
    ("email", {}, ["anna@example"], m.BAD_EMAIL),
    ("email", {}, ["anna.example.de"], m.BAD_EMAIL),
    ("phone", {}, ["call me"], m.BAD_PHONE),
    ("iban", {}, ["DE03 1203 0000 0000 2020 51"], m.BAD_IBAN),
    ("iban", {}, ["DE02 1203 0000 0000 2020 5"], m.BAD_IBAN_FORMAT),
    ("iban", {}, ["12345"], m.BAD_IBAN_FORMAT),
    ("postcode", {}, ["3864"], m.BAD_POSTCODE),
    ("postcode", {}, ["38640a"], m.BAD_POSTCODE),
    ("vehicle_registration", {}, ["GSAB123"], m.BAD_REGISTRATION),
    ("vehicle_registration", {}, ["GS-AB 12345"], m.BAD_REGISTRATION),
    ("vehicle_registration", {}, ["GS-123"], m.BAD_REGISTRATION),
    ("microchip", {}, ["27609810012345"], m.BAD_CHIP),
    ("microchip", {}, ["27609810012345A"], m.BAD_CHIP),
    ("microchip", {}, ["2760981001234567"], m.BAD_CHIP),
]


@pytest.mark.parametrize(("type_", "extra", "raw", "expected"), VALID,
                         ids=[f"{t}:{r}" for t, _, r, _ in VALID])
def test_valid_values_are_normalised(type_: str, extra: dict[str, Any], raw: list[str],
                                     expected: Any) -> None:
    result = run(service_with(field(type_, **extra)), {"f": raw})
    assert result.errors == []
    assert result.values == {"f": expected}


@pytest.mark.parametrize(("type_", "extra", "raw", "message"), INVALID,
                         ids=[f"{t}:{r!r}"[:60] for t, _, r, _ in INVALID])
def test_invalid_values_give_an_error_on_the_field(type_: str, extra: dict[str, Any],
                                                   raw: list[str], message: str) -> None:
    result = run(service_with(field(type_, required=True, **extra)), {"f": raw})
    assert result.values == {}
    assert len(result.errors) == 1
    error = result.errors[0]
    assert error.path == "f"
    assert error.message.text == message
    assert german(error.message.params["label"]) == "Feld"


def test_error_parameters() -> None:
    result = run(service_with(field("text", max_length=10)), {"f": ["x" * 12]})
    params = result.errors[0].message.params
    assert (german(params["label"]), params["max"], params["length"]) == ("Feld", 10, 12)
    result = run(service_with(field("date", dates={"max_days": 0})), {"f": ["28.03.2026"]})
    assert result.errors[0].message.params["date"] == "27.03.2026"


def test_every_field_type_is_covered() -> None:
    covered = {t for t, *_ in VALID} | {t for t, *_ in INVALID}
    covered |= {"address", "address_abroad", "person_name", "file", "group"}  # tests below
    assert covered == {t.value for t in FieldType}


@pytest.mark.parametrize("type_", ["text", "number", "date", "email", "iban", "postcode",
                                   "vehicle_registration", "microchip", "phone", "money"])
def test_empty_answer_is_none_and_required_is_reported(type_: str) -> None:
    optional = run(service_with(field(type_)), {"f": ["   "]})
    assert optional.values == {} and optional.errors == []
    required = run(service_with(field(type_, required=True)), {})
    assert errors(required) == {"f": m.REQUIRED}


@pytest.mark.parametrize(("type_", "extra"), [("choice", {"options": OPTIONS}),
                                              ("multi_choice", {"options": OPTIONS}),
                                              ("yes_no", {})])
def test_required_choice_message(type_: str, extra: dict[str, Any]) -> None:
    assert errors(run(service_with(field(type_, required=True, **extra)), {})) == {
        "f": m.REQUIRED_CHOICE}


def test_invalid_characters_hook() -> None:
    def not_latin(text: str) -> list[str]:
        return [c for c in text if c == "☺"]

    result = run(service_with(field("text")), {"f": ["Bello ☺"]}, context=ctx(
        invalid_chars=not_latin))
    assert errors(result) == {"f": m.BAD_CHARS}
    assert result.errors[0].message.params["chars"] == "☺"


def test_helpers() -> None:
    assert iban_valid("DE02120300000000202051")
    assert not iban_valid("DE02120300000000202052")
    assert normalize_registration("GS  AB  123") == "GS-AB 123"
    assert normalize_registration("nonsense") is None
    assert parse_date("2026-3-7") == date(2026, 3, 7)
    assert parse_date("7.3.2026") == date(2026, 3, 7)
    assert parse_date("2026-02-30") is None


# --------------------------------------------------------------------------- composites

ADDRESS = {"address.street": ["Marktstraße"], "address.house_number": ["1"],
           "address.postcode": ["38640"], "address.town": ["Goslar"]}


def address_field(type_: str = "address", **kwargs: Any) -> dict[str, Any]:
    return {"id": "address", "type": type_, "label": {"de": "Anschrift", "en": "Address"},
            **kwargs}


def test_address_complete() -> None:
    result = run(service_with(address_field(required=True)),
                 {**ADDRESS, "address.street": ["  Marktstraße "]})
    assert result.errors == []
    assert result.values == {"address": {"street": "Marktstraße", "house_number": "1",
                                         "postcode": "38640", "town": "Goslar"}}


def test_address_with_addition() -> None:
    result = run(service_with(address_field()), {**ADDRESS, "address.addition": ["Hinterhaus"],
                                                 "address.house_number": ["12 a"]})
    assert result.values["address"]["addition"] == "Hinterhaus"
    assert result.values["address"]["house_number"] == "12 a"


def test_required_address_missing_parts() -> None:
    form = {k: v for k, v in ADDRESS.items() if k != "address.house_number"}
    result = run(service_with(address_field(required=True)), form)
    assert errors(result) == {"address.house_number": m.REQUIRED}
    assert german(result.errors[0].message.params["label"]) == "Anschrift: Hausnummer"


def test_required_address_empty_names_every_required_part() -> None:
    result = run(service_with(address_field(required=True)), {})
    assert set(errors(result)) == {"address.street", "address.house_number",
                                   "address.postcode", "address.town"}


def test_optional_address_started_must_be_completed() -> None:
    result = run(service_with(address_field()), {"address.street": ["Marktstraße"]})
    assert set(errors(result)) == {"address.house_number", "address.postcode", "address.town"}
    assert run(service_with(address_field()), {}).errors == []


@pytest.mark.parametrize(("part", "raw", "message"), [
    ("house_number", "a12", m.BAD_HOUSE_NUMBER),
    ("house_number", "12345", m.BAD_HOUSE_NUMBER),
    ("postcode", "3864", m.BAD_POSTCODE),
    ("street", "Markt\x00straße", m.CONTROL_CHARS),
    ("street", "M" * 56, m.TOO_LONG),
])
def test_address_part_errors(part: str, raw: str, message: str) -> None:
    result = run(service_with(address_field(required=True)), {**ADDRESS, f"address.{part}": [raw]})
    assert errors(result) == {f"address.{part}": message}


def test_address_abroad() -> None:
    service = service_with(address_field("address_abroad", required=True))
    form = {"address.street": ["12 Rue de la Paix"], "address.postcode": ["75002"],
            "address.town": ["Paris"], "address.country": ["129"]}
    assert run(service, form).values == {"address": {
        "street": "12 Rue de la Paix", "postcode": "75002", "town": "Paris", "country": "129"}}
    assert errors(run(service, {**form, "address.country": ["FR"]})) == {
        "address.country": m.NOT_AN_OPTION}
    missing = {k: v for k, v in form.items() if k != "address.country"}
    assert errors(run(service, missing)) == {"address.country": m.REQUIRED_CHOICE}
    no_postcode = {k: v for k, v in form.items() if k != "address.postcode"}
    assert run(service, no_postcode).errors == []


def test_person_name() -> None:
    service = service_with({"id": "name", "type": "person_name", "label": "Name",
                            "required": True})
    form = {"name.family_name": ["Müller-Lüdenscheidt"], "name.given_names": ["Anna  Maria"]}
    assert run(service, form).values == {"name": {"family_name": "Müller-Lüdenscheidt",
                                                  "given_names": "Anna Maria"}}
    assert errors(run(service, {"name.family_name": ["Müller"]})) == {
        "name.given_names": m.REQUIRED}
    assert errors(run(service, {**form, "name.birth_name": ["x" * 121]})) == {
        "name.birth_name": m.TOO_LONG}
    assert errors(run(service, {**form, "name.family_name": ["Mül\x08ler"]})) == {
        "name.family_name": m.CONTROL_CHARS}


def test_subfield_ids() -> None:
    assert [s.id for s in SUBFIELDS[FieldType.ADDRESS]] == [
        "street", "house_number", "addition", "postcode", "town"]
    assert [s.id for s in SUBFIELDS[FieldType.PERSON_NAME]] == [
        "family_name", "given_names", "birth_name"]


# --------------------------------------------------------------------------- files

UPLOAD = UploadRef("u-1", "nachweis.pdf", "application/pdf", 1234)


def file_service(**kwargs: Any) -> ServiceDefinition:
    return service_with({"id": "proof", "type": "file", "label": "Nachweis", **kwargs})


def test_file_upload() -> None:
    result = run(file_service(required=True), {}, context=ctx(uploads={"proof": UPLOAD}))
    assert result.values == {"proof": UPLOAD.as_value()}


def test_file_upload_rejected_keeps_previous() -> None:
    rejected = Message(m.UPLOAD_WRONG_TYPE, {"label": "Nachweis", "allowed": "PDF"})
    result = run(file_service(), {}, answers={"proof": UPLOAD.as_value()},
                 context=ctx(uploads={"proof": rejected}))
    assert result.errors == [FieldError("proof", rejected)]
    assert result.values == {"proof": UPLOAD.as_value()}


def test_file_required_previous_and_remove() -> None:
    service = file_service(required=True)
    assert errors(run(service, {})) == {"proof": m.REQUIRED_FILE}
    kept = run(service, {}, answers={"proof": UPLOAD.as_value()})
    assert kept.values == {"proof": UPLOAD.as_value()} and kept.errors == []
    removed = run(service, {"proof.remove": ["1"]}, answers={"proof": UPLOAD.as_value()})
    assert errors(removed) == {"proof": m.REQUIRED_FILE}


# --------------------------------------------------------------------------- conditions


def hst() -> ServiceDefinition:
    return CATALOG.services["hundesteuer-anmeldung"]


def hst_step(step_id: str) -> int:
    return [s.id for s in hst().steps].index(step_id)


def test_hidden_field_is_dropped_without_errors() -> None:
    result = run(hst(), {"sepa_mandate": ["no"], "iban": ["not an iban"],
                         "account_holder": ["Anna"]}, step=hst_step("payment"))
    assert result.errors == []
    assert result.values == {"sepa_mandate": False}


def test_required_if_makes_a_visible_field_required() -> None:
    result = run(hst(), {"sepa_mandate": ["yes"]}, step=hst_step("payment"))
    assert errors(result) == {"iban": m.REQUIRED, "account_holder_differs": m.REQUIRED_CHOICE}
    result = run(hst(), {"sepa_mandate": ["yes"], "iban": ["DE03120300000000202051"],
                         "account_holder_differs": ["no"]}, step=hst_step("payment"))
    assert errors(result) == {"iban": m.BAD_IBAN}


def test_condition_chain() -> None:
    step = hst_step("payment")
    result = run(hst(), {"sepa_mandate": ["yes"], "iban": ["DE02120300000000202051"],
                         "account_holder_differs": ["yes"]}, step=step)
    assert set(errors(result)) == {"account_holder", "account_holder_address.street",
                                   "account_holder_address.house_number",
                                   "account_holder_address.postcode",
                                   "account_holder_address.town"}
    # The browser may still send the inputs of hidden fields: a hidden answer must not keep
    # the fields that depend on it visible or required.
    result = run(hst(), {"sepa_mandate": ["no"], "account_holder_differs": ["yes"],
                         "account_holder": ["x"]}, step=step)
    assert result.errors == [] and result.values == {"sepa_mandate": False}
    pruned = prune_hidden(hst(), {"sepa_mandate": False, "account_holder_differs": True,
                                  "account_holder": "x"})
    assert pruned == {"sepa_mandate": False}


def test_condition_with_in() -> None:
    service = CATALOG.services["hundesteuer-abmeldung"]
    step = [s.id for s in service.steps].index("reason")
    died = run(service, {"reason": ["verstorben"], "event_date": ["20.03.2026"]}, step=step)
    assert errors(died) == {"proof": m.REQUIRED_FILE}
    moved = run(service, {"reason": ["weggezogen"], "event_date": ["20.03.2026"]}, step=step)
    assert moved.errors == []
    given = run(service, {"reason": ["abgegeben"], "event_date": ["20.03.2026"]}, step=step,
                context=ctx(uploads={"proof": UPLOAD}))
    assert set(errors(given)) == {
        "new_keeper_name.family_name", "new_keeper_name.given_names",
        "new_keeper_address.street", "new_keeper_address.house_number",
        "new_keeper_address.postcode", "new_keeper_address.town"}


def test_condition_on_an_earlier_step() -> None:
    service = service_with(steps=[
        {"id": "one", "title": "Eins", "fields": [{"id": "abroad", "type": "yes_no",
                                                   "label": "Ausland", "required": True}]},
        {"id": "two", "title": "Zwei", "fields": [
            {"id": "country_town", "type": "text", "label": "Ort im Ausland",
             "visible_if": {"field": "abroad", "equals": True},
             "required_if": {"field": "abroad", "equals": True}}]},
        {"id": "three", "title": "Drei", "visible_if": {"field": "abroad", "equals": False},
         "fields": [{"id": "town", "type": "text", "label": "Ort", "required": True}]},
    ])
    assert errors(run(service, {}, answers={"abroad": True}, step=1)) == {
        "country_town": m.REQUIRED}
    assert run(service, {}, answers={"abroad": False}, step=1).errors == []
    assert [s.id for s in visible_steps(service, {"abroad": True})] == ["one", "two"]
    assert [s.id for s in visible_steps(service, {"abroad": False})] == ["one", "two", "three"]
    pruned = prune_hidden(service, {"abroad": True, "country_town": "Paris", "town": "Goslar"})
    assert pruned == {"abroad": True, "country_town": "Paris"}


def test_combined_conditions() -> None:
    service = service_with(
        {"id": "a", "type": "yes_no", "label": "A"},
        {"id": "b", "type": "yes_no", "label": "B"},
        {"id": "c", "type": "text", "label": "C",
         "required_if": {"all": [{"field": "a", "equals": True}, {"field": "b", "equals": True}]},
         "visible_if": {"any": [{"field": "a", "equals": True}, {"field": "b", "is_set": True}]}},
    )
    assert errors(run(service, {"a": ["yes"], "b": ["yes"]})) == {"c": m.REQUIRED}
    assert run(service, {"a": ["yes"], "b": ["no"]}).errors == []
    assert run(service, {"c": ["x"]}).values == {}
    assert run(service, {"b": ["no"], "c": ["x"]}).values == {"b": False, "c": "x"}


# --------------------------------------------------------------------------- groups


def dog(i: int, **override: str) -> Form:
    base = {"name": "Bello", "breed": "labrador_retriever", "colour": "schwarz",
            "sex": "ruede", "birth_date": "01.05.2024", "keeping_since": "01.03.2026",
            "dangerous": "no", "relief_requested": "no", "moved_from_elsewhere": "no"}
    base.update(override)
    return {f"dogs.{i}.{k}": [v] for k, v in base.items()}


def dogs_form(*items: Form, count: int | None = None) -> Form:
    form: Form = {"dogs_already_taxed": ["0"],
                  "dogs.count": [str(len(items) if count is None else count)]}
    for item in items:
        form.update(item)
    return form


def test_group_items_are_parsed() -> None:
    result = run(hst(), dogs_form(dog(0), dog(1, name="Luna", sex="huendin",
                                             chip="276098100123456")), step=hst_step("dogs"))
    assert result.errors == []
    assert result.values["dogs_already_taxed"] == 0
    first, second = result.values["dogs"]
    assert first == {"name": "Bello", "breed": "labrador_retriever", "colour": "schwarz",
                     "sex": "ruede", "birth_date": "2024-05-01", "keeping_since": "2026-03-01",
                     "dangerous": False, "relief_requested": False,
                     "moved_from_elsewhere": False}
    assert second["chip"] == "276098100123456"


def test_group_error_paths() -> None:
    result = run(hst(), dogs_form(dog(0), dog(1, chip="123")), step=hst_step("dogs"))
    assert errors(result) == {"dogs.1.chip": m.BAD_CHIP}
    missing = dog(0)
    del missing["dogs.0.colour"]
    assert errors(run(hst(), dogs_form(missing), step=hst_step("dogs"))) == {
        "dogs.0.colour": m.REQUIRED}


def test_group_sibling_conditions() -> None:
    step = hst_step("dogs")
    hidden = run(hst(), dogs_form(dog(0, previous_municipality="Bad Harzburg")), step=step)
    assert "previous_municipality" not in hidden.values["dogs"][0]
    shown = run(hst(), dogs_form(dog(0, moved_from_elsewhere="yes",
                                     previous_municipality="Bad Harzburg")), step=step)
    assert shown.values["dogs"][0]["previous_municipality"] == "Bad Harzburg"
    other = run(hst(), dogs_form(dog(0, breed="sonstige", listed_breed_cross="no")), step=step)
    assert errors(other) == {"dogs.0.breed_details": m.REQUIRED}
    mix = run(hst(), dogs_form(dog(0, breed="mischling", listed_breed_cross="no")), step=step)
    assert mix.errors == []
    # Hundesteuersatzung Goslar: a listed breed (or a cross with one) is asked for its
    # temperament test, and a passed test needs its certificate.
    listed = run(hst(), dogs_form(dog(0, breed="pit_bull_terrier")), step=step)
    assert errors(listed) == {"dogs.0.temperament_test": m.REQUIRED_CHOICE}
    cross = run(hst(), dogs_form(dog(0, breed="mischling", listed_breed_cross="yes",
                                     temperament_test="yes")), step=step)
    assert errors(cross) == {"dogs.0.temperament_test_certificate": m.REQUIRED_FILE}
    untested = run(hst(), dogs_form(dog(0, breed="mastino", temperament_test="no")), step=step)
    assert untested.errors == [] and untested.values["dogs"][0]["temperament_test"] is False
    # Another breed is never asked: the answer is dropped.
    plain = run(hst(), dogs_form(dog(0, temperament_test="no")), step=step)
    assert "temperament_test" not in plain.values["dogs"][0]


def test_group_minimum() -> None:
    result = run(hst(), dogs_form(count=0), step=hst_step("dogs"))
    assert errors(result) == {"dogs.count": m.TOO_FEW_ITEMS}
    params = result.errors[0].message.params
    assert (german(params["label"]), params["min"]) == ("Hunde", 1)


def test_group_maximum() -> None:
    result = run(hst(), dogs_form(*[dog(i) for i in range(11)]), step=hst_step("dogs"))
    assert errors(result) == {"dogs.count": m.TOO_MANY_ITEMS}
    params = result.errors[0].message.params
    assert (german(params["label"]), params["max"]) == ("Hunde", 10)


def test_group_count_is_capped_and_defaults() -> None:
    huge = run(hst(), dogs_form(count=10**6), step=hst_step("dogs"))
    assert len(huge.values.get("dogs", [])) <= 50
    # Without a count, the number of stored items (or the minimum) is used.
    form = dog(0)
    form["dogs_already_taxed"] = ["0"]
    assert len(run(hst(), form, step=hst_step("dogs")).values["dogs"]) == 1
    stored = [{"name": "A"}, {"name": "B"}]
    two = run(hst(), {**dog(0), **dog(1), "dogs_already_taxed": ["0"]}, answers={"dogs": stored},
              step=hst_step("dogs"))
    assert len(two.values["dogs"]) == 2


def test_check_step_and_prune_hidden() -> None:
    service = hst()
    payment = service.steps[hst_step("payment")]
    assert {e.path for e in check_step(payment, {"sepa_mandate": True})} == {
        "iban", "account_holder_differs"}
    dogs_step = service.steps[hst_step("dogs")]
    assert {e.path for e in check_step(dogs_step, {"dogs_already_taxed": 0, "dogs": [
        {"name": "Bello"}]})} >= {"dogs.0.breed", "dogs.0.colour", "dogs.0.dangerous"}
    assert {e.path for e in check_step(dogs_step, {"dogs_already_taxed": 0, "dogs": []})} == {
        "dogs.count"}
    pruned = prune_hidden(service, {
        "sepa_mandate": False, "iban": "DE02120300000000202051",
        "dogs": [{"name": "Bello", "moved_from_elsewhere": False,
                  "previous_municipality": "Bad Harzburg"}]})
    assert pruned == {"sepa_mandate": False,
                      "dogs": [{"name": "Bello", "moved_from_elsewhere": False}]}
