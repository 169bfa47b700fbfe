"""The shipped service definitions, code lists and the Goslar municipality file load and are
consistent; broken definitions are rejected with a message naming file, path and reason."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from portal.definitions.codelists import CodeList
from portal.definitions.fees import compute_fee
from portal.definitions.fields import ParseContext, UploadRef
from portal.definitions.loader import (
    Catalog,
    DefinitionError,
    check_service,
    load_catalog,
    load_codelists,
)
from portal.definitions.model import FieldDef, FieldType, ServiceDefinition
from portal.definitions.municipality import Municipality
from portal.definitions.steps import check_step, parse_step, prune_hidden, visible_steps
from portal.definitions.validators import CheckContext, run_validators

ROOT = Path(__file__).resolve().parents[2]
FORMS = ROOT / "forms"
MUNICIPALITY = ROOT / "municipalities" / "goslar.yaml"
SERVICE_FILES = sorted(FORMS.glob("*.yaml"))
EXPECTED_SERVICES = {
    "hundesteuer-anmeldung": ("HST", "steueramt", 3),
    "hundesteuer-abmeldung": ("HSA", "steueramt", 3),
    "wohnsitz-anmeldung": ("WAN", "meldebehoerde", 4),
    "wohnsitz-ummeldung": ("WUM", "meldebehoerde", 4),
    # Abmeldung too: the Meldeschein is signed (§ 23 Abs. 1 BMG), online replaced by the eID
    # (§ 23 Abs. 7, § 10 Abs. 3 BMG, § 3a VwVfG).
    "wohnsitz-abmeldung": ("WAB", "meldebehoerde", 4),
    "bewohnerparkausweis": ("BPA", "verkehrsbehoerde", 3),
}
PREFILL_SOURCES = {"name": FieldType.PERSON_NAME, "address": FieldType.ADDRESS,
                   "birth_date": FieldType.DATE, "birth_place": FieldType.TEXT}
EU_EEA_CH = {  # destatis keys of the EU states, Iceland, Liechtenstein, Norway, Switzerland
    "000", "124", "125", "126", "127", "128", "129", "130", "131", "134", "135", "137", "139",
    "142", "143", "145", "148", "151", "152", "153", "154", "155", "157", "161", "164", "165",
    "181", "136", "141", "149", "158",
}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(FORMS, MUNICIPALITY)


@pytest.fixture(scope="module")
def municipality() -> Municipality:
    return Municipality.model_validate(yaml.safe_load(MUNICIPALITY.read_text(encoding="utf-8")))


# --------------------------------------------------------------------------- helpers


def texts(service: ServiceDefinition) -> Iterator[tuple[str, dict[str, str]]]:
    """Every localised text of a service definition, with where it is."""
    yield "title", service.title
    yield "description", service.description
    for i, req in enumerate(service.requirements):
        yield f"requirements[{i}]", req
    for s_index, step in enumerate(service.steps):
        yield f"steps[{s_index}].title", step.title
        if step.intro is not None:
            yield f"steps[{s_index}].intro", step.intro
        yield from _field_texts(step.fields, f"steps[{s_index}]")


def _field_texts(fields: list[FieldDef], prefix: str) -> Iterator[tuple[str, dict[str, str]]]:
    for index, f in enumerate(fields):
        path = f"{prefix}.fields[{index}]"
        yield f"{path}.label", f.label
        if f.help is not None:
            yield f"{path}.help", f.help
        if f.item_label is not None:
            yield f"{path}.item_label", f.item_label
        for o_index, option in enumerate(f.options or []):
            yield f"{path}.options[{o_index}].label", option.label
        if f.fields:
            yield from _field_texts(f.fields, path)


def all_fields(service: ServiceDefinition) -> Iterator[FieldDef]:
    for f in service.all_fields():
        yield f
        yield from f.fields or []


def group_children(service: ServiceDefinition) -> dict[str, set[str]]:
    return {f.id: {c.id for c in f.fields or []} for f in service.all_fields()
            if f.type == FieldType.GROUP}


def copy_forms(tmp_path: Path) -> Path:
    target = tmp_path / "forms"
    shutil.copytree(FORMS, target)
    return target


def edit(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def field_index(data: dict[str, Any], field_id: str) -> tuple[int, int]:
    for s_index, step in enumerate(data["steps"]):
        for f_index, f in enumerate(step["fields"]):
            if f["id"] == field_id:
                return s_index, f_index
    raise AssertionError(f"no field {field_id}")


def load_broken(forms: Path) -> DefinitionError:
    with pytest.raises(DefinitionError) as info:
        load_catalog(forms, MUNICIPALITY)
    return info.value


# --------------------------------------------------------------------------- the catalog


def test_catalog_loads_all_six_services(catalog: Catalog) -> None:
    assert set(catalog.services) == set(EXPECTED_SERVICES)
    assert len(SERVICE_FILES) == len(EXPECTED_SERVICES)
    for service_id, (prefix, department, level) in EXPECTED_SERVICES.items():
        service = catalog.services[service_id]
        assert service.reference_prefix == prefix
        assert service.department == department
        assert service.min_trust_level == level
        assert catalog.municipality.department(department) is not None


def test_catalog_has_the_code_lists(catalog: Catalog) -> None:
    assert set(catalog.codelists) == {
        "ags", "geschlecht", "staatsangehoerigkeit", "staat", "hunderasse",
        "hundesteuer_abmeldegrund", "befreiungsgrund", "wohnungsstatus", "verhaeltnis_fahrzeug",
        "hund_geschlecht",
        "familienstand", "religion", "ausweisdokument", "beziehung", "widerspruch", "meldefall",
        "bestaetigungsart", "abmeldegrund",
    }


def test_reference_prefixes_are_unique(catalog: Catalog) -> None:
    prefixes = [s.reference_prefix for s in catalog.services.values()]
    assert len(prefixes) == len(set(prefixes))


@pytest.mark.parametrize("path", SERVICE_FILES, ids=lambda p: p.name)
def test_service_definition_file(path: Path, catalog: Catalog) -> None:
    # It loads on its own, and the loader's cross-checks pass.
    service = ServiceDefinition.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    assert service.id == path.stem
    check_service(service, path, catalog.codelists, catalog.municipality)
    assert catalog.service(path.stem) == service

    # Every text has German and English.
    for where, text in texts(service):
        assert text.get("de", "").strip(), f"{path.name}: {where} lacks German"
        assert text.get("en", "").strip(), f"{path.name}: {where} lacks English"

    # Every step has at least one field; every group has an item label.
    for step in service.steps:
        assert step.fields, f"{path.name}: step {step.id} has no field"
    for f in all_fields(service):
        if f.type == FieldType.GROUP:
            assert f.item_label is not None
            assert f.id.endswith("s"), f"group ids are plural: {f.id}"

    # The reference prefix is used by no other service.
    others = [s.reference_prefix for s in catalog.services.values() if s.id != service.id]
    assert service.reference_prefix not in others

    # Prefill only from what the login provides, onto a field of the right type.
    for f in all_fields(service):
        if f.prefill is not None:
            assert PREFILL_SOURCES[f.prefill] == f.type, f"{path.name}: {f.id}"

    # A field that becomes required by a condition is also only visible then.
    for f in all_fields(service):
        if f.required_if is not None:
            assert f.visible_if is not None, f"{path.name}: {f.id}"
            assert not f.required, f"{path.name}: {f.id} is both required and required_if"

    # Fee arguments and validator arguments name fields that exist.
    top = {f.id for f in service.all_fields()}
    children = set().union(*group_children(service).values()) if group_children(service) else set()
    if service.fee is not None:
        for arg in service.fee.args.values():
            assert arg in top | children, f"{path.name}: fee argument '{arg}' is no field"
    for ref in service.validators:
        if "group" in ref.args:
            named = {ref.args[k] for k in ("earlier", "later", "field") if k in ref.args}
            assert named <= group_children(service)[ref.args["group"]]
        elif "field" in ref.args:
            assert ref.args["field"] in top


def test_codelist_texts_are_bilingual(catalog: Catalog) -> None:
    for codelist in catalog.codelists.values():
        assert codelist.title.get("en")
        assert codelist.source, f"{codelist.id} says where its values come from"
        codes = codelist.codes()
        assert len(codes) == len(set(codes)), f"duplicate code in {codelist.id}"
        for entry in codelist.entries:
            assert entry.name.get("de") and entry.name.get("en"), f"{codelist.id}: {entry.code}"


def test_geschlecht_matches_the_xinneres_schema(catalog: Catalog) -> None:
    xsd = ROOT / "xoev_schemas/xinneres/geschlecht/1/xinneres-geschlecht.xsd"
    ns = {"xs": "http://www.w3.org/2001/XMLSchema"}
    attribute = ET.parse(xsd).getroot().find(".//xs:attribute[@name='listURI']", ns)
    assert attribute is not None
    geschlecht = catalog.codelists["geschlecht"]
    assert geschlecht.uri == attribute.get("fixed")
    assert geschlecht.version == "1"
    assert geschlecht.codes() == ["m", "w", "d", "x"]


def test_destatis_lists(catalog: Catalog) -> None:
    nationality: CodeList = catalog.codelists["staatsangehoerigkeit"]
    state: CodeList = catalog.codelists["staat"]
    assert nationality.uri.endswith(":schluessel:staatsangehoerigkeit")
    assert state.uri.endswith(":schluessel:staat")
    for codelist in (nationality, state):
        assert all(len(c) == 3 and c.isdigit() for c in codelist.codes())
    assert set(nationality.codes()) >= EU_EEA_CH
    assert {"997", "998", "999"} <= set(nationality.codes())
    # Same keys for states, without the three special values that are no state.
    assert set(state.codes()) == set(nationality.codes()) - {"997", "998", "999"}
    named = {e.code: e.name["de"] for e in nationality.entries}
    assert named["000"] == "deutsch"
    assert named["997"] == "staatenlos"
    spot_checks = {"163": "Türkei", "166": "Ukraine", "168": "Vereinigtes Königreich",
                   "368": "Vereinigte Staaten", "423": "Afghanistan", "475": "Syrien",
                   "150": "Kosovo", "170": "Serbien", "479": "China", "224": "Eritrea"}
    for code, name in spot_checks.items():
        entry = state.entry(code)
        assert entry is not None and entry.name["de"] == name


def test_municipality_file(municipality: Municipality) -> None:
    assert municipality.ags == "03153017"
    assert municipality.postcodes == ["38640", "38642", "38644", "38690"]
    assert {d.id for d in municipality.departments} == {
        "steueramt", "meldebehoerde", "verkehrsbehoerde"}
    for department in municipality.departments:
        assert department.name.get("en")
        assert department.email and department.email.endswith("@goslar.de")
    assert {"first", "second", "further", "dangerous", "dangerous_breeds", "reliefs",
            "counting"} <= set(municipality.tariff("hundesteuer"))
    streets = [s for zone in municipality.parking_zones for s in zone.streets]
    assert len(streets) == len(set(streets)), "a street belongs to one zone only"
    assert 3 <= len(municipality.parking_zones) <= 4
    assert "demo data" in MUNICIPALITY.read_text(encoding="utf-8").lower()


# --------------------------------------------------------------------------- broken definitions


def test_wrong_field_type(tmp_path: Path) -> None:
    forms = copy_forms(tmp_path)
    target = forms / "hundesteuer-abmeldung.yaml"
    edit(target, lambda d: d["steps"][0]["fields"][1].update(type="adress"))
    error = load_broken(forms)
    assert error.file == str(target)
    assert error.path == "steps[0].fields[1].type"
    assert "Input should be" in error.reason and "'address'" in error.reason
    assert str(error).startswith(f"{target}: steps[0].fields[1].type: ")


def test_wrong_field_type_inside_a_group(tmp_path: Path) -> None:
    forms = copy_forms(tmp_path)
    target = forms / "hundesteuer-anmeldung.yaml"
    edit(target, lambda d: d["steps"][1]["fields"][2]["fields"][7].update(type="chip"))
    error = load_broken(forms)
    assert error.file == str(target)
    assert error.path == "steps[1].fields[2].fields[7].type"


def test_unknown_codelist(tmp_path: Path) -> None:
    forms = copy_forms(tmp_path)
    target = forms / "hundesteuer-abmeldung.yaml"

    def change(d: dict[str, Any]) -> None:
        s, f = field_index(d, "breed")
        d["steps"][s]["fields"][f]["codelist"] = "hunderassen"

    edit(target, change)
    error = load_broken(forms)
    assert error.file == str(target)
    assert error.path == "steps[1].fields[1].codelist"
    assert error.reason == "unknown code list 'hunderassen'"
    assert "hundesteuer-abmeldung.yaml" in str(error)


def test_condition_on_unknown_field(tmp_path: Path) -> None:
    forms = copy_forms(tmp_path)
    target = forms / "hundesteuer-anmeldung.yaml"

    def change(d: dict[str, Any]) -> None:
        s, f = field_index(d, "account_holder")
        d["steps"][s]["fields"][f]["visible_if"]["field"] = "holder_differs"

    edit(target, change)
    error = load_broken(forms)
    assert error.file == str(target)
    assert error.path == "steps[2].fields[3].visible_if"
    assert error.reason == "refers to unknown field 'holder_differs'"


def test_condition_on_a_field_of_another_group_item_is_unknown(tmp_path: Path) -> None:
    # A top-level field cannot depend on a field inside a group.
    forms = copy_forms(tmp_path)
    target = forms / "hundesteuer-anmeldung.yaml"

    def change(d: dict[str, Any]) -> None:
        s, f = field_index(d, "sepa_mandate")
        d["steps"][s]["fields"][f]["visible_if"] = {"field": "dangerous", "equals": True}

    edit(target, change)
    error = load_broken(forms)
    assert error.path == "steps[2].fields[0].visible_if"
    assert "'dangerous'" in error.reason


def test_unknown_validator(tmp_path: Path) -> None:
    forms = copy_forms(tmp_path)
    target = forms / "wohnsitz-anmeldung.yaml"
    edit(target, lambda d: d["validators"][0].update(name="bmg_deadline"))
    error = load_broken(forms)
    assert error.file == str(target)
    assert error.path == "validators[0].name"
    assert error.reason == "unknown validator 'bmg_deadline'"


def test_invalid_yaml(tmp_path: Path) -> None:
    forms = copy_forms(tmp_path)
    target = forms / "bewohnerparkausweis.yaml"
    target.write_text("id: bewohnerparkausweis\nsteps: [\n  - id: x\n", encoding="utf-8")
    error = load_broken(forms)
    assert error.file == str(target)
    assert error.path == ""
    assert error.reason.startswith("not valid YAML")
    assert "(top level)" in str(error)


def test_invalid_yaml_in_a_codelist(tmp_path: Path) -> None:
    forms = copy_forms(tmp_path)
    target = forms / "codelists" / "geschlecht.yaml"
    target.write_text("id: geschlecht\nentries: {code: m\n", encoding="utf-8")
    error = load_broken(forms)
    assert error.file == str(target)
    assert error.reason.startswith("not valid YAML")


def test_label_without_german(tmp_path: Path) -> None:
    forms = copy_forms(tmp_path)
    target = forms / "wohnsitz-abmeldung.yaml"
    edit(target, lambda d: d["steps"][1]["fields"][1].update(label={"en": "Date you move out"}))
    error = load_broken(forms)
    assert error.path == "steps[1].fields[1].label"
    assert "German" in error.reason


def test_label_in_unknown_language(tmp_path: Path) -> None:
    forms = copy_forms(tmp_path)
    target = forms / "wohnsitz-abmeldung.yaml"
    edit(target, lambda d: d["steps"][1]["fields"][1]["label"].update(fr="Date de départ"))
    error = load_broken(forms)
    assert error.path == "steps[1].fields[1].label"
    assert "unknown language(s): fr" in error.reason


def test_unquoted_numeric_option_code(tmp_path: Path) -> None:
    # `code: 6` is an int in YAML; option codes must be strings ("6").
    forms = copy_forms(tmp_path)
    target = forms / "bewohnerparkausweis.yaml"

    def change(d: dict[str, Any]) -> None:
        s, f = field_index(d, "validity_months")
        d["steps"][s]["fields"][f]["options"][0]["code"] = 6

    edit(target, change)
    error = load_broken(forms)
    assert error.path == "steps[2].fields[2].options[0].code"
    assert "string" in error.reason


def test_duplicate_reference_prefix(tmp_path: Path) -> None:
    forms = copy_forms(tmp_path)
    copy = forms / "zz-hundesteuer-kopie.yaml"
    shutil.copy(forms / "hundesteuer-anmeldung.yaml", copy)
    edit(copy, lambda d: d.update(id="zz-hundesteuer-kopie"))
    error = load_broken(forms)
    assert error.file == str(copy)
    assert error.path == "reference_prefix"
    assert "hundesteuer-anmeldung" in error.reason


def test_id_must_equal_file_name(tmp_path: Path) -> None:
    forms = copy_forms(tmp_path)
    target = forms / "wohnsitz-ummeldung.yaml"
    edit(target, lambda d: d.update(id="ummeldung"))
    error = load_broken(forms)
    assert (error.path, error.reason) == ("id", "must equal the file name 'wohnsitz-ummeldung'")


def test_unknown_department_and_fee_rule(tmp_path: Path) -> None:
    forms = copy_forms(tmp_path)
    target = forms / "bewohnerparkausweis.yaml"
    edit(target, lambda d: d.update(department="ordnungsamt"))
    error = load_broken(forms)
    assert (error.path, error.reason) == ("department", "unknown department 'ordnungsamt'")

    edit(target, lambda d: d.update(department="verkehrsbehoerde"))
    edit(target, lambda d: d["fee"].update(rule="parking"))
    error = load_broken(forms)
    assert (error.path, error.reason) == ("fee.rule", "unknown fee rule 'parking'")


def test_fee_tariff_missing_in_municipality(tmp_path: Path) -> None:
    forms = copy_forms(tmp_path)
    target = forms / "hundesteuer-anmeldung.yaml"
    edit(target, lambda d: d["fee"].update(tariff="hundesteuer_2027"))
    error = load_broken(forms)
    assert error.path == "fee.tariff"
    assert "hundesteuer_2027" in error.reason


def test_group_without_repeat(tmp_path: Path) -> None:
    forms = copy_forms(tmp_path)
    target = forms / "wohnsitz-abmeldung.yaml"
    edit(target, lambda d: d["steps"][2]["fields"][0].pop("repeat"))
    error = load_broken(forms)
    assert error.path == "steps[2].fields[0]"
    assert "repeat" in error.reason


def test_step_without_fields(tmp_path: Path) -> None:
    forms = copy_forms(tmp_path)
    target = forms / "wohnsitz-abmeldung.yaml"
    edit(target, lambda d: d["steps"][2].update(fields=[]))
    error = load_broken(forms)
    assert error.path == "steps[2].fields"


def test_codelist_id_must_equal_file_name(tmp_path: Path) -> None:
    forms = copy_forms(tmp_path)
    target = forms / "codelists" / "staat.yaml"
    edit(target, lambda d: d.update(id="staaten"))
    error = load_broken(forms)
    assert error.file == str(target)
    assert error.path == "id"


def test_load_codelists_reads_every_file() -> None:
    lists = load_codelists(FORMS / "codelists")
    assert set(lists) == {p.stem for p in (FORMS / "codelists").glob("*.yaml")}


# --------------------------------------------------------------------------- filling in every form


Form = dict[str, list[str]]


def _address(prefix: str, street: str, number: str, postcode: str, town: str) -> Form:
    return {f"{prefix}.street": [street], f"{prefix}.house_number": [number],
            f"{prefix}.postcode": [postcode], f"{prefix}.town": [town]}


def _name(prefix: str, family: str, given: str) -> Form:
    return {f"{prefix}.family_name": [family], f"{prefix}.given_names": [given]}


def _person(i: int, family: str, given: str, born: str, relationship: str) -> Form:
    return {**_name(f"persons.{i}.name", family, given), f"persons.{i}.birth_date": [born],
            f"persons.{i}.birth_place": ["Braunschweig"], f"persons.{i}.birth_country": ["000"],
            f"persons.{i}.sex": ["w"], f"persons.{i}.nationalities": ["000", "129"],
            f"persons.{i}.relationship": [relationship], f"persons.{i}.religion": ["ev"],
            f"persons.{i}.marital_status": ["LD"], f"persons.{i}.housing_status": ["AW"],
            f"persons.{i}.id_document_type": ["KEIN"]}


UPLOAD = UploadRef("u-1", "nachweis.pdf", "application/pdf", 2048)
HAPPY_PATHS: dict[str, tuple[Form, dict[str, UploadRef], str]] = {
    "hundesteuer-anmeldung": ({
        **_name("name", "Muster", "Anna"), "birth_date": ["12.04.1985"],
        **_address("address", "Marktstraße", "5", "38640", "Goslar"),
        "phone": ["05321 704-0"], "email": ["anna@example.de"],
        "dogs_already_taxed": ["1"], "dogs.count": ["1"],
        "dogs.0.name": ["Luna"], "dogs.0.breed": ["mischling"],
        "dogs.0.listed_breed_cross": ["no"], "dogs.0.colour": ["braun"],
        "dogs.0.sex": ["huendin"], "dogs.0.birth_date": ["01.05.2024"],
        "dogs.0.chip": ["276098100123456"], "dogs.0.keeping_since": ["15.03.2026"],
        "dogs.0.dangerous": ["no"], "dogs.0.relief_requested": ["no"],
        "dogs.0.moved_from_elsewhere": ["yes"],
        "dogs.0.previous_municipality": ["Bad Harzburg"],
        "sepa_mandate": ["yes"], "iban": ["DE02 1203 0000 0000 2020 51"],
        "account_holder_differs": ["no"],
    }, {}, "192.00"),
    "hundesteuer-abmeldung": ({
        **_name("name", "Muster", "Anna"),
        **_address("address", "Marktstraße", "5", "38640", "Goslar"),
        "tax_tag_number": ["0815"], "dog_name": ["Bello"], "breed": ["beagle"],
        "chip": ["276098100123456"], "reason": ["verstorben"], "event_date": ["20.03.2026"],
    }, {"proof": UPLOAD}, "0.00"),
    "wohnsitz-anmeldung": ({
        "registration_for": ["SELBST"],
        **_address("new_address", "Bäckerstraße", "3", "38640", "Goslar"),
        "move_in_date": ["20.03.2026"], "has_other_dwellings": ["no"],
        "previous_home_in_germany": ["yes"],
        **_address("previous_address", "Bohlweg", "1", "38100", "Braunschweig"),
        "persons.count": ["2"],
        **_person(0, "Muster", "Anna", "12.04.1985", "S"),
        **_person(1, "Muster", "Lena", "01.09.2015", "K"),
        "persons.1.rep_registrant": ["yes"], "persons.1.rep_partner": ["no"],
        "persons.1.rep_other": ["no"],
        "landlord_confirmation_kind": ["ELEKTRONISCH"], "landlord_reference": ["WGB-2026-4711"],
    }, {}, "0.00"),
    "wohnsitz-ummeldung": ({
        "registration_for": ["SELBST"],
        **_address("new_address", "Peterstraße", "12", "38640", "Goslar"),
        "move_in_date": ["20.03.2026"], "has_other_dwellings": ["yes"],
        "other_dwellings.count": ["1"],
        **_address("other_dwellings.0.address", "Bohlweg", "1", "38100", "Braunschweig"),
        "other_dwellings.0.status": ["NW"],
        **_address("previous_address", "Marktstraße", "5", "38640", "Goslar"),
        "persons.count": ["1"], **_person(0, "Muster", "Anna", "12.04.1985", "S"),
        "persons.0.housing_status": ["HW"],
        "landlord_confirmation_kind": ["SCHRIFTLICH"], "landlord_name": ["Erika Beispiel"],
        **_address("landlord_address", "Marktstraße", "7", "38640", "Goslar"),
        "landlord_is_owner": ["yes"], "landlord_confirmed_move_in": ["20.03.2026"],
        "landlord_confirmation_complete": ["yes"],
    }, {"landlord_confirmation_upload": UPLOAD}, "0.00"),
    "wohnsitz-abmeldung": ({
        "registration_for": ["SELBST"],
        "reason": ["AUSLAND"], "move_out_date": ["31.03.2026"],
        **_address("address", "Marktstraße", "5", "38640", "Goslar"),
        "new_address_abroad.street": ["Stephansplatz 1"], "new_address_abroad.postcode": ["1010"],
        "new_address_abroad.town": ["Wien"], "new_address_abroad.country": ["151"],
        "persons.count": ["1"], **_name("persons.0.name", "Muster", "Anna"),
        "persons.0.birth_date": ["12.04.1985"], "persons.0.relationship": ["S"],
    }, {}, "0.00"),
    "bewohnerparkausweis": ({
        **_name("name", "Muster", "Anna"),
        **_address("address", "Bäckerstraße", "3", "38640", "Goslar"),
        "registration_mark": ["gs ab 123"], "vehicle_make": ["Opel"],
        "vehicle_relation": ["dauernutzer"], "keeper_name": ["Harzer Pflegedienst GmbH"],
        **_address("keeper_address", "Kornstraße", "8", "38640", "Goslar"),
        "private_parking_available": ["no"], "validity_months": ["6"],
        "start_date": ["01.04.2026"],
    }, {"keeper_confirmation": UPLOAD, "registration_certificate": UPLOAD}, "15.35"),
}


@pytest.mark.parametrize("service_id", sorted(HAPPY_PATHS))
def test_filling_in_the_form(catalog: Catalog, service_id: str) -> None:
    form, uploads, amount = HAPPY_PATHS[service_id]
    service = catalog.services[service_id]
    ctx = ParseContext(codelists=catalog.codelists, today=date(2026, 3, 27),
                       uploads=dict(uploads))
    answers: dict[str, Any] = {}
    for step in visible_steps(service, answers):
        result = parse_step(service, step, form, answers, ctx)
        assert result.errors == [], f"{step.id}: {result.errors}"
        answers.update(result.values)
    for step in visible_steps(service, answers):
        assert check_step(step, answers) == []
    assert prune_hidden(service, answers) == answers
    fee = compute_fee(service.fee, answers, catalog.municipality)
    assert fee.amount == Decimal(amount)
    found = run_validators([(r.name, r.args) for r in service.validators], answers,
                           CheckContext(date(2026, 3, 27), catalog.municipality))
    assert found.errors == []
