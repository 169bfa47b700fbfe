"""What the step template needs to render a step: values as typed, errors, ids, options."""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from portal.definitions.codelists import CodeList
from portal.definitions.conditions import evaluate
from portal.definitions.fields import SUBFIELDS, SubField, codelist_codes
from portal.definitions.messages import N_, FieldError
from portal.definitions.model import Condition, FieldDef, FieldType, Step
from portal.presentation.i18n import fmt_date, msg, t
from portal.services.prefill import is_locked_path


def html_id(path: str) -> str:
    return "f-" + path.replace(".", "-").replace("_", "-")


def lookup_path(answers: Mapping[str, Any], path: str) -> Any:
    value: Any = answers
    for part in path.split("."):
        if isinstance(value, Mapping):
            value = value.get(part)
        elif isinstance(value, list) and part.isascii() and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def as_input(field_type: FieldType | str, value: Any) -> str:
    """A stored answer as the text the citizen would type."""
    if value is None:
        return ""
    if field_type == FieldType.DATE:
        return fmt_date(value)
    if field_type == FieldType.MONEY:
        return f"{Decimal(str(value)):.2f}".replace(".", ",")
    if field_type == FieldType.YES_NO or isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


class FormView:
    def __init__(self, step: Step, answers: Mapping[str, Any], raw: Mapping[str, list[str]] | None,
                 errors: list[FieldError], codelists: Mapping[str, CodeList],
                 locked: set[str]) -> None:
        self.step, self.answers, self.raw = step, answers, raw
        self.codelists, self.locked = codelists, locked
        self.errors: dict[str, str] = {}
        for error in errors:
            self.errors.setdefault(error.path, msg(error.message))
        self.local_ids = {f.id for f in step.fields}

    # values ---------------------------------------------------------------
    def _type_of(self, path: str) -> FieldType | str:
        field = self.field_at(path)
        return field.type if field else "text"

    def field_at(self, path: str) -> FieldDef | None:
        parts = path.split(".")
        field = next((f for f in self.step.fields if f.id == parts[0]), None)
        if field and field.fields and len(parts) >= 3:
            return next((c for c in field.fields if c.id == parts[2]), None)
        return field

    def value(self, path: str, field_type: FieldType | str | None = None) -> str:
        if self.raw is not None and not self.locked_at(path):
            return (self.raw.get(path) or [""])[0]
        return as_input(field_type or self._type_of(path), lookup_path(self.answers, path))

    def values(self, path: str) -> list[str]:
        if self.raw is not None:
            return list(self.raw.get(path) or [])
        value = lookup_path(self.answers, path)
        return [str(v) for v in value] if isinstance(value, list) else []

    def stored(self, path: str) -> Any:
        return lookup_path(self.answers, path)

    # structure --------------------------------------------------------------
    def id(self, path: str) -> str:
        return html_id(path)

    def error(self, path: str) -> str | None:
        return self.errors.get(path)

    def anchor(self, path: str) -> str:
        """Where the error summary links to: the first input that belongs to `path`."""
        if path.endswith(".count"):
            return "group-" + path.rsplit(".", 1)[0]
        locked = next((p for p in self.locked if path == p or path.startswith(p + ".")), None)
        if locked is not None:
            return html_id(locked)
        f = self.field_at(path)
        if f is None or f.type in SUBFIELDS:
            return html_id(path)
        if f.type in (FieldType.YES_NO, FieldType.MULTI_CHOICE) or (
                f.type == FieldType.CHOICE and len(self.options(f)) <= 6):
            return html_id(path) + "-1"
        return html_id(path)

    def error_list(self) -> list[tuple[str, str]]:
        return [(self.anchor(path), text) for path, text in self.errors.items()]

    def error_under(self, path: str) -> str | None:
        """The first error on `path` or one of its parts (for fields shown read-only)."""
        return next((text for p, text in self.errors.items()
                     if p == path or p.startswith(path + ".")), None)

    def composite_error(self, path: str) -> bool:
        return any(p.startswith(path + ".") for p in self.errors)

    def subfields(self, field: FieldDef) -> list[SubField]:
        return SUBFIELDS[field.type]

    def options(self, field: FieldDef) -> list[tuple[str, str]]:
        if field.options is not None:
            return [(o.code, t(o.label)) for o in field.options]
        if field.codelist is not None:
            codes = set(codelist_codes(field, self.codelists))
            return [(e.code, t(e.name)) for e in self.codelists[field.codelist].entries
                    if e.code in codes]
        return []

    def countries(self) -> list[tuple[str, str]]:
        return [(e.code, t(e.name)) for e in self.codelists["staat"].entries]

    def group_count(self, field: FieldDef) -> int:
        limit = field.repeat.max if field.repeat else 1
        if self.raw is not None and f"{field.id}.count" in self.raw:
            try:
                return min(max(0, int(self.raw[f"{field.id}.count"][0])), limit)
            except (ValueError, IndexError):
                pass
        items = self.answers.get(field.id)
        minimum = field.repeat.min if field.repeat else 1
        return min(max(len(items) if isinstance(items, list) else 0, minimum), limit)

    def is_locked(self, field: FieldDef) -> bool:
        return field.id in self.locked

    def locked_at(self, path: str) -> bool:
        """The input at `path` (or the composite it belongs to) comes from the eID."""
        return is_locked_path(path, self.locked)

    # conditions -------------------------------------------------------------
    def _is_local(self, cond: Condition, siblings: set[str]) -> bool:
        return any(name in self.local_ids or name in siblings for name in cond.referenced_fields())

    def shown(self, field: FieldDef, index: int | None = None, group: FieldDef | None = None) -> bool:
        """Hidden on the server only when the condition depends on earlier steps."""
        if field.visible_if is None:
            return True
        siblings = {c.id for c in (group.fields or [])} if group else set()
        if self._is_local(field.visible_if, siblings):
            return True
        item = self.stored(f"{group.id}.{index}") if group and index is not None else None
        return evaluate(field.visible_if, self.answers, item if isinstance(item, Mapping) else None)

    def show_if(self, field: FieldDef, prefix: str = "",
                group: FieldDef | None = None) -> str | None:
        """JSON for the script that reveals conditional fields; None when always shown."""
        if field.visible_if is None:
            return None
        siblings = {c.id for c in (group.fields or [])} if group else set()
        if not self._is_local(field.visible_if, siblings):
            return None
        return json.dumps(self._js_condition(field.visible_if, prefix, siblings))

    def _js_condition(self, cond: Condition, prefix: str, siblings: set[str]) -> dict[str, Any]:
        if cond.all is not None:
            return {"all": [self._js_condition(c, prefix, siblings) for c in cond.all]}
        if cond.any is not None:
            return {"any": [self._js_condition(c, prefix, siblings) for c in cond.any]}
        assert cond.field is not None
        name = prefix + cond.field if cond.field in siblings else cond.field
        out: dict[str, Any] = {"name": name}
        for key in ("equals", "not_equals", "is_set"):
            if getattr(cond, key) is not None:
                out[key] = _js_value(getattr(cond, key))
        if cond.in_ is not None:
            out["in"] = [_js_value(v) for v in cond.in_]
        return out

    def condition_hint(self, field: FieldDef, group: FieldDef | None = None) -> str:
        """Shown without JavaScript: when the field applies."""
        cond = field.visible_if
        if cond is not None and cond.any:
            # Either condition: name each ("… oder wenn …").
            hints = [self._hint(c, group) for c in cond.any]
            return msg({"text": N_(" – oder – ")}).join(h for h in hints if h)
        return self._hint(cond, group)

    def _hint(self, cond: Condition | None, group: FieldDef | None) -> str:
        if cond is None or cond.field is None:
            return ""
        target = self._find(cond.field, group)
        label = t(target.label) if target else cond.field
        wanted = [cond.equals] if cond.equals is not None else list(cond.in_ or [])
        if not wanted:
            return ""
        answer = msg({"text": N_("„ oder „")}).join(self._answer_label(target, w) for w in wanted)
        return msg({"text": N_("Nur ausfüllen, wenn Sie bei „%(label)s“ „%(answer)s“ angegeben "
                               "haben."), "params": {"label": label, "answer": answer}})

    def _find(self, name: str, group: FieldDef | None) -> FieldDef | None:
        if group and group.fields:
            found = next((c for c in group.fields if c.id == name), None)
            if found:
                return found
        return next((f for f in self.step.fields if f.id == name), None)

    def _answer_label(self, field: FieldDef | None, value: Any) -> str:
        if isinstance(value, bool):
            return msg({"text": N_("Ja") if value else N_("Nein")})
        if field is not None:
            for code, label in self.options(field):
                if code == value:
                    return label
        return str(value)


def _js_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value
