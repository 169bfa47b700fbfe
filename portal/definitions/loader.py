"""Load and cross-check service definitions, code lists and the municipality file.

A broken definition stops start-up with a message that names the file, the path inside it
and the reason.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from portal.definitions.codelists import CodeList
from portal.definitions.fees import FEE_RULES
from portal.definitions.fields import COUNTRY_CODELIST, SUBFIELDS
from portal.definitions.model import Condition, FieldDef, FieldType, ServiceDefinition
from portal.definitions.municipality import Municipality
from portal.definitions.places import Places, PostcodeTable, StreetDirectory
from portal.definitions.validators import VALIDATORS

M = TypeVar("M", bound=BaseModel)


class DefinitionError(Exception):
    def __init__(self, file: Path | str, path: str, reason: str) -> None:
        super().__init__(f"{file}: {path or '(top level)'}: {reason}")
        self.file, self.path, self.reason = str(file), path, reason


@dataclass(frozen=True)
class Catalog:
    services: dict[str, ServiceDefinition]
    codelists: dict[str, CodeList]
    municipality: Municipality

    def service(self, service_id: str) -> ServiceDefinition | None:
        return self.services.get(service_id)


def _loc(loc: Iterable[int | str]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _read(path: Path, model: type[M]) -> M:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DefinitionError(path, "", f"not valid YAML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DefinitionError(path, "", f"cannot be read: {exc}") from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = [p for p in first["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
        more = f" (and {exc.error_count() - 1} more problem(s))" if exc.error_count() > 1 else ""
        raise DefinitionError(path, _loc(loc), first["msg"] + more) from None


def load_codelists(directory: Path) -> dict[str, CodeList]:
    lists: dict[str, CodeList] = {}
    for path in sorted(directory.glob("*.yaml")):
        codelist = _read(path, CodeList)
        if codelist.id != path.stem:
            raise DefinitionError(path, "id", f"must equal the file name '{path.stem}'")
        lists[codelist.id] = codelist
    return lists


def _walk(fields: list[FieldDef], prefix: str) -> Iterator[tuple[str, FieldDef]]:
    for index, f in enumerate(fields):
        path = f"{prefix}.fields[{index}]"
        yield path, f
        if f.fields:
            yield from _walk(f.fields, path)


def _conditions(f: FieldDef) -> Iterator[tuple[str, Condition]]:
    for name in ("visible_if", "required_if"):
        cond = getattr(f, name)
        if cond is not None:
            yield name, cond


def check_service(service: ServiceDefinition, file: Path, codelists: dict[str, CodeList],
                  municipality: Municipality) -> None:
    top = {f.id for f in service.all_fields()}
    if municipality.department(service.department) is None:
        raise DefinitionError(file, "department", f"unknown department '{service.department}'")
    if service.fee is not None:
        _check_fee(service, file, codelists, municipality)
    _check_references(service, file, municipality)
    for index, ref in enumerate(service.validators):
        if ref.name not in VALIDATORS:
            raise DefinitionError(file, f"validators[{index}].name",
                                  f"unknown validator '{ref.name}'")
    for s_index, step in enumerate(service.steps):
        prefix = f"steps[{s_index}]"
        if step.visible_if is not None:
            _check_refs(step.visible_if, top, file, f"{prefix}.visible_if")
        for path, f in _walk(step.fields, prefix):
            siblings = _siblings(service, f)
            for name, cond in _conditions(f):
                _check_refs(cond, top | siblings, file, f"{path}.{name}")
            if f.codelist is not None and f.codelist not in codelists:
                raise DefinitionError(file, f"{path}.codelist", f"unknown code list '{f.codelist}'")
            if f.codes is not None and f.codelist is not None:
                unknown = set(f.codes) - set(codelists[f.codelist].codes())
                if unknown:
                    raise DefinitionError(file, f"{path}.codes",
                                          f"not in '{f.codelist}': {', '.join(sorted(unknown))}")
            if f.prefill_item is not None:
                _check_prefill_item(f, top, file, f"{path}.prefill_item")
            if f.lock_if is not None:
                _check_refs(f.lock_if, top, file, f"{path}.lock_if")
            if f.type == FieldType.ADDRESS_ABROAD and COUNTRY_CODELIST not in codelists:
                raise DefinitionError(file, path, f"needs the code list '{COUNTRY_CODELIST}'")
            if f.type in SUBFIELDS and f.prefill is not None and f.type != FieldType.PERSON_NAME \
                    and f.type != FieldType.ADDRESS:
                raise DefinitionError(file, f"{path}.prefill", "cannot prefill this field type")
    _check_exclusions(service, file, top, municipality)


def _check_prefill_item(group: FieldDef, top: set[str], file: Path, path: str) -> None:
    assert group.prefill_item is not None and group.fields is not None
    children = {c.id for c in group.fields}
    if group.prefill_item.when is not None:
        _check_refs(group.prefill_item.when, top, file, f"{path}.when")
    unknown = set(group.prefill_item.fixed) - children
    if unknown:
        raise DefinitionError(file, f"{path}.fixed", f"unknown field(s) {', '.join(sorted(unknown))}")


def _check_exclusions(service: ServiceDefinition, file: Path, top: set[str],
                      municipality: Municipality) -> None:
    for index, exclusion in enumerate(service.exclusions):
        path = f"exclusions[{index}]"
        _check_refs(exclusion.when, top, file, f"{path}.when")
        if exclusion.field not in top:
            raise DefinitionError(file, f"{path}.field", f"unknown field '{exclusion.field}'")
        department = exclusion.department or service.department
        if municipality.department(department) is None:
            raise DefinitionError(file, f"{path}.department", f"unknown department '{department}'")


def _check_fee(service: ServiceDefinition, file: Path, codelists: dict[str, CodeList],
               municipality: Municipality) -> None:
    assert service.fee is not None
    rule = FEE_RULES.get(service.fee.rule)
    if rule is None:
        raise DefinitionError(file, "fee.rule", f"unknown fee rule '{service.fee.rule}'")
    if rule.tariff is None:
        return
    if service.fee.tariff not in municipality.tariffs:
        raise DefinitionError(file, "fee.tariff",
                              f"tariff '{service.fee.tariff}' is not in the municipality file")
    try:
        tariff = rule.tariff.model_validate(municipality.tariffs[service.fee.tariff])
    except ValidationError as exc:
        first = exc.errors()[0]
        raise DefinitionError(file, "fee.tariff", f"tariff '{service.fee.tariff}' of the "
                              f"municipality file: {_loc(first['loc'])}: {first['msg']}") from None
    problems = rule.check(service, tariff, codelists) if rule.check else []
    if problems:
        raise DefinitionError(file, "fee", "; ".join(problems))


def _check_references(service: ServiceDefinition, file: Path,
                      municipality: Municipality) -> None:
    """Field names used by the SEPA mandate and the one-application rule must exist."""
    top = {f.id for f in service.all_fields()}
    named: list[tuple[str, str | None]] = []
    if service.sepa_mandate is not None:
        if municipality.sepa is None:
            raise DefinitionError(file, "sepa_mandate", "the municipality file has no 'sepa' "
                                                        "creditor data")
        named += [(f"sepa_mandate.{k}", v) for k, v in service.sepa_mandate]
    if service.exclusive is not None:
        named += [(f"exclusive.keys[{i}]", k) for i, k in enumerate(service.exclusive.keys)]
        named += [("exclusive.valid_from", service.exclusive.valid_from),
                  ("exclusive.valid_months", service.exclusive.valid_months)]
    for path, name in named:
        if name is not None and name not in top:
            raise DefinitionError(file, path, f"refers to unknown field '{name}'")


def _siblings(service: ServiceDefinition, f: FieldDef) -> set[str]:
    for group in service.all_fields():
        if group.fields and f in group.fields:
            return {c.id for c in group.fields}
    return set()


def _check_refs(cond: Condition, known: set[str], file: Path, path: str) -> None:
    for name in cond.referenced_fields():
        if name not in known:
            raise DefinitionError(file, path, f"refers to unknown field '{name}'")


def load_catalog(forms_dir: Path, municipality_file: Path) -> Catalog:
    if not forms_dir.is_dir():
        raise DefinitionError(forms_dir, "", "the forms directory does not exist")
    municipality = _read(municipality_file, Municipality)
    municipality.with_places(load_places(municipality, municipality_file.parent))
    codelists = load_codelists(forms_dir / "codelists")
    services: dict[str, ServiceDefinition] = {}
    prefixes: dict[str, str] = {}
    for path in sorted(forms_dir.glob("*.yaml")):
        service = _read(path, ServiceDefinition)
        if service.id != path.stem:
            raise DefinitionError(path, "id", f"must equal the file name '{path.stem}'")
        check_service(service, path, codelists, municipality)
        if service.reference_prefix in prefixes:
            raise DefinitionError(path, "reference_prefix",
                                  f"already used by '{prefixes[service.reference_prefix]}'")
        prefixes[service.reference_prefix] = service.id
        services[service.id] = service
    if not services:
        raise DefinitionError(forms_dir, "", "no service definitions (*.yaml) found")
    return Catalog(services, codelists, municipality)


def load_places(municipality: Municipality, directory: Path) -> Places:
    """The data files the municipality file names, relative to its own directory."""
    table = (_read(directory / municipality.postcode_table, PostcodeTable)
             if municipality.postcode_table else None)
    streets = (_read(directory / municipality.street_directory, StreetDirectory)
               if municipality.street_directory else None)
    if table is not None:
        own = next((m for m in table.municipalities if m.ags == municipality.ags), None)
        if own is not None and set(own.postcodes) != set(municipality.postcodes):
            raise DefinitionError(directory / str(municipality.postcode_table), "municipalities",
                                  f"the postcodes of {municipality.ags} differ from the "
                                  "municipality file's 'postcodes'")
    return Places.build(municipality.ags, municipality.postcodes, table, streets)


def json_schema() -> dict[str, Any]:
    schema = ServiceDefinition.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Service definition (OZG portal)"
    return schema


def dump_json_schema(target: Path) -> None:
    target.write_text(json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n",
                      encoding="utf-8")
