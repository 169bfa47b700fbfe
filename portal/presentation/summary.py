"""The whole declaration as rows of label and answer, for the review page and the copy."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from portal.definitions.codelists import CodeList
from portal.definitions.conditions import evaluate
from portal.definitions.fields import SUBFIELDS
from portal.definitions.messages import N_
from portal.definitions.model import FieldDef, FieldType, ServiceDefinition, Step
from portal.definitions.steps import visible_steps
from portal.presentation.i18n import filesize, fmt_date, money, msg, t


@dataclass
class Row:
    label: str
    lines: list[str]
    path: str
    upload: dict[str, Any] | None = None


@dataclass
class Block:
    title: str
    rows: list[Row] = field(default_factory=list)


@dataclass
class StepSummary:
    step: Step
    title: str
    rows: list[Row]
    blocks: list[Block]


def _label(codelists: Mapping[str, CodeList], f: FieldDef, code: str) -> str:
    if f.options is not None:
        return next((t(o.label) for o in f.options if o.code == code), code)
    if f.codelist is not None:
        entry = codelists[f.codelist].entry(code)
        return t(entry.name) if entry else code
    return code


def display(f: FieldDef, value: Any, codelists: Mapping[str, CodeList]) -> list[str]:
    if value is None or value == "" or value == []:
        return [msg({"text": N_("keine Angabe")})]
    if f.type == FieldType.ADDRESS:
        first = f"{value.get('street', '')} {value.get('house_number', '')}".strip()
        if value.get("addition"):
            first += f", {value['addition']}"
        return [first, f"{value.get('postcode', '')} {value.get('town', '')}".strip()]
    if f.type == FieldType.ADDRESS_ABROAD:
        country = codelists["staat"].entry(value.get("country", ""))
        return [value.get("street", ""), f"{value.get('postcode', '')} {value.get('town', '')}".strip(),
                t(country.name) if country else value.get("country", "")]
    if f.type == FieldType.PERSON_NAME:
        name = f"{value.get('given_names', '')} {value.get('family_name', '')}".strip()
        if value.get("birth_name"):
            name += " " + msg({"text": N_("(geb. %(name)s)"), "params": {"name": value["birth_name"]}})
        return [name]
    if f.type == FieldType.YES_NO:
        return [msg({"text": N_("Ja") if value else N_("Nein")})]
    if f.type == FieldType.DATE:
        return [fmt_date(value)]
    if f.type == FieldType.MONEY:
        return [money(value)]
    if f.type == FieldType.CHOICE:
        return [_label(codelists, f, str(value))]
    if f.type == FieldType.MULTI_CHOICE:
        return [", ".join(_label(codelists, f, str(v)) for v in value)]
    if f.type == FieldType.FILE:
        return [f"{value.get('filename', '')} ({filesize(int(value.get('size', 0)))})"]
    if f.type == FieldType.IBAN:
        return [" ".join(str(value)[i:i + 4] for i in range(0, len(str(value)), 4))]
    if f.type == FieldType.TEXTAREA:
        return str(value).split("\n")
    return [str(value)]


def summarize(service: ServiceDefinition, answers: Mapping[str, Any],
              codelists: Mapping[str, CodeList]) -> list[StepSummary]:
    out: list[StepSummary] = []
    for step in visible_steps(service, answers):
        rows: list[Row] = []
        blocks: list[Block] = []
        for f in step.fields:
            if not evaluate(f.visible_if, answers):
                continue
            if f.type == FieldType.GROUP:
                blocks.extend(_group_blocks(f, answers, codelists))
            else:
                value = answers.get(f.id)
                rows.append(Row(t(f.label), display(f, value, codelists), f.id,
                                value if f.type == FieldType.FILE and value else None))
        out.append(StepSummary(step, t(step.title), rows, blocks))
    return out


def _group_blocks(group: FieldDef, answers: Mapping[str, Any],
                  codelists: Mapping[str, CodeList]) -> list[Block]:
    assert group.fields is not None
    blocks = []
    for index, item in enumerate(answers.get(group.id) or []):
        title = f"{t(group.item_label or group.label)} {index + 1}"
        block = Block(title)
        for child in group.fields:
            if not evaluate(child.visible_if, answers, item):
                continue
            value = item.get(child.id)
            block.rows.append(Row(t(child.label), display(child, value, codelists),
                                  f"{group.id}.{index}.{child.id}",
                                  value if child.type == FieldType.FILE and value else None))
        blocks.append(block)
    return blocks


def is_composite(f: FieldDef) -> bool:
    return f.type in SUBFIELDS
