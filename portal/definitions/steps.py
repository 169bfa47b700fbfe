"""Parse one step's inputs into answers, applying visibility, requirement and group rules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from portal.definitions import messages as m
from portal.definitions.conditions import evaluate, is_set
from portal.definitions.fields import (
    SUBFIELDS,
    ParseContext,
    UploadRef,
    join_labels,
    label_of,
    missing_parts,
    parse_composite,
    parse_scalar,
)
from portal.definitions.messages import FieldError, Message
from portal.definitions.model import FieldDef, FieldType, ServiceDefinition, Step

Form = Mapping[str, list[str]]
MAX_GROUP_INPUT = 50


@dataclass
class StepResult:
    values: dict[str, Any]
    errors: list[FieldError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def group_count(f: FieldDef, form: Form, previous: list[Any] | None) -> int:
    raw = (form.get(f"{f.id}.count") or [""])[0]
    try:
        count = int(raw)
    except ValueError:
        count = len(previous or []) or (f.repeat.min if f.repeat else 1)
    # One more than allowed still reaches the "at most" message; never more than that.
    limit = (f.repeat.max + 1) if f.repeat else MAX_GROUP_INPUT
    return max(0, min(count, limit, MAX_GROUP_INPUT))


def _parse_one(f: FieldDef, form: Form, path: str, previous: Any,
               ctx: ParseContext) -> tuple[Any, list[FieldError]]:
    if f.type in SUBFIELDS:
        return parse_composite(f, form, path, ctx)
    if f.type == FieldType.FILE:
        return _parse_file(f, form, path, previous, ctx)
    return parse_scalar(f, form.get(path) or [], path, ctx)


def _parse_file(f: FieldDef, form: Form, path: str, previous: Any,
                ctx: ParseContext) -> tuple[Any, list[FieldError]]:
    upload = ctx.uploads.get(path)
    if isinstance(upload, Message):
        return previous, [FieldError(path, upload)]
    if isinstance(upload, UploadRef):
        return upload.as_value(), []
    if (form.get(f"{path}.remove") or [""])[0] == "1":
        return None, []
    return previous, []


def _check_required(f: FieldDef, value: Any, path: str, answers: Mapping[str, Any],
                    item: Mapping[str, Any] | None) -> list[FieldError]:
    required = f.required or (f.required_if is not None and evaluate(f.required_if, answers, item))
    if f.type in SUBFIELDS:
        return missing_parts(f, value, path) if (required or value) else []
    if not required or is_set(value):
        return []
    text = {
        FieldType.FILE: m.REQUIRED_FILE,
        FieldType.CHOICE: m.REQUIRED_CHOICE,
        FieldType.MULTI_CHOICE: m.REQUIRED_CHOICE,
        FieldType.YES_NO: m.REQUIRED_CHOICE,
    }.get(f.type, m.REQUIRED)
    return [FieldError(path, Message(text, {"label": label_of(f)}))]


def _parse_group(f: FieldDef, form: Form, answers: dict[str, Any], previous: list[Any] | None,
                 ctx: ParseContext) -> tuple[list[dict[str, Any]], list[FieldError]]:
    assert f.fields is not None and f.repeat is not None
    items: list[dict[str, Any]] = []
    errors: list[FieldError] = []
    for index in range(group_count(f, form, previous)):
        before = (previous or [])[index] if index < len(previous or []) else {}
        item: dict[str, Any] = {}
        raw_errors: dict[str, list[FieldError]] = {}
        for child in f.fields:
            path = f"{f.id}.{index}.{child.id}"
            item[child.id], raw_errors[child.id] = _parse_one(child, form, path,
                                                              before.get(child.id), ctx)
        for child in f.fields:
            path = f"{f.id}.{index}.{child.id}"
            if not evaluate(child.visible_if, answers, item):
                item[child.id] = None
                continue
            errors.extend(raw_errors[child.id] or _check_required(child, item[child.id], path,
                                                                  answers, item))
        items.append({k: v for k, v in item.items() if v is not None})
    errors = [_in_item(e, f) for e in errors]
    label = label_of(f)
    if len(items) < f.repeat.min:
        errors.append(FieldError(f"{f.id}.count",
                                 Message(m.TOO_FEW_ITEMS, {"label": label, "min": f.repeat.min})))
    if len(items) > f.repeat.max:
        errors.append(FieldError(f"{f.id}.count",
                                 Message(m.TOO_MANY_ITEMS, {"label": label, "max": f.repeat.max})))
    return items, errors


def _in_item(error: FieldError, group: FieldDef) -> FieldError:
    """Name the item in the message: 'Hund 2: Name des Hundes'."""
    parts = error.path.split(".")
    label = error.message.params.get("label")
    if len(parts) < 3 or not isinstance(label, Mapping):
        return error
    item = dict(group.item_label or group.label)
    prefix = {lang: f"{text} {int(parts[1]) + 1}" for lang, text in item.items()}
    params = {**error.message.params, "label": join_labels(prefix, label)}
    return FieldError(error.path, Message(error.message.text, params))


def parse_step(service: ServiceDefinition, step: Step, form: Form, answers: Mapping[str, Any],
               ctx: ParseContext) -> StepResult:
    """Parse the inputs of `step`; `answers` are the answers given so far (other steps)."""
    merged: dict[str, Any] = dict(answers)
    raw_errors: dict[str, list[FieldError]] = {}
    groups = [f for f in step.fields if f.type == FieldType.GROUP]
    for f in step.fields:
        if f.type != FieldType.GROUP:
            merged[f.id], raw_errors[f.id] = _parse_one(f, form, f.id, answers.get(f.id), ctx)
    # Groups last: their conditions may refer to top-level answers of this step.
    for f in groups:
        merged[f.id], raw_errors[f.id] = _parse_group(f, form, merged, answers.get(f.id), ctx)
    values: dict[str, Any] = {}
    errors: list[FieldError] = []
    for f in step.fields:
        if not evaluate(f.visible_if, merged):
            merged[f.id] = None  # a hidden answer must not keep later fields visible/required
            continue
        value = merged[f.id]
        if f.type == FieldType.GROUP:
            errors.extend(raw_errors[f.id])
        else:
            errors.extend(raw_errors[f.id] or _check_required(f, value, f.id, merged, None))
        if is_set(value):
            values[f.id] = value
    return StepResult(values, errors)


def check_step(step: Step, answers: Mapping[str, Any]) -> list[FieldError]:
    """Re-check requirement of stored answers (e.g. after an earlier answer changed)."""
    errors: list[FieldError] = []
    for f in step.fields:
        if not evaluate(f.visible_if, answers):
            continue
        if f.type == FieldType.GROUP:
            assert f.fields is not None and f.repeat is not None
            items = answers.get(f.id) or []
            for index, item in enumerate(items):
                for child in f.fields:
                    if evaluate(child.visible_if, answers, item):
                        errors.extend(_in_item(e, f) for e in _check_required(
                            child, item.get(child.id), f"{f.id}.{index}.{child.id}", answers, item))
            if len(items) < f.repeat.min:
                errors.append(FieldError(f"{f.id}.count", Message(
                    m.TOO_FEW_ITEMS, {"label": label_of(f), "min": f.repeat.min})))
        else:
            errors.extend(_check_required(f, answers.get(f.id), f.id, answers, None))
    return errors


def visible_steps(service: ServiceDefinition, answers: Mapping[str, Any]) -> list[Step]:
    return [s for s in service.steps if evaluate(s.visible_if, answers)]


def prune_hidden(service: ServiceDefinition, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Drop answers whose step or field is not visible, so nothing hidden is submitted.

    Repeated until nothing changes: a dropped answer may hide further fields that depend on it.
    """
    current = dict(answers)
    while True:
        pruned = _prune_once(service, current)
        if pruned == current:
            return pruned
        current = pruned


def _prune_once(service: ServiceDefinition, answers: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for step in visible_steps(service, answers):
        for f in step.fields:
            if f.id not in answers or not evaluate(f.visible_if, answers):
                continue
            value = answers[f.id]
            if f.type == FieldType.GROUP and isinstance(value, list):
                assert f.fields is not None
                value = [
                    {c.id: item[c.id] for c in f.fields
                     if c.id in item and evaluate(c.visible_if, answers, item)}
                    for item in value
                ]
            out[f.id] = value
    return out
