"""Answers that come from the sign-in: prefilled, and locked where the eID vouches for them.

Top-level fields name an identity value with `prefill`. A group whose first item is the signed-in
person (`prefill_item`) takes its children's `prefill` values and its `fixed` values into that
item while the group's condition holds. Locked values are addressed by input path: `name` or
`persons.0.name`.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from portal.definitions.conditions import evaluate, is_set
from portal.definitions.model import FieldDef, FieldType, ServiceDefinition
from portal.services.identity import Identity

FIRST = 0


def _person_groups(service: ServiceDefinition, answers: Mapping[str, Any]) -> list[FieldDef]:
    return [f for f in service.all_fields()
            if f.type == FieldType.GROUP and f.prefill_item is not None
            and evaluate(f.prefill_item.when, answers)]


def locked_values(service: ServiceDefinition, identity: Identity,
                  answers: Mapping[str, Any]) -> dict[str, Any]:
    """Path -> value for everything the citizen cannot change in the form."""
    locked: dict[str, Any] = {
        f.id: identity.prefill(f.prefill) for f in service.all_fields()
        if f.prefill and f.lock_verified and identity.is_verified(f.prefill)
        and evaluate(f.lock_if, answers)}
    for group in _person_groups(service, answers):
        assert group.fields is not None and group.prefill_item is not None
        for child in group.fields:
            path = f"{group.id}.{FIRST}.{child.id}"
            if child.id in group.prefill_item.fixed:
                locked[path] = group.prefill_item.fixed[child.id]
            elif child.prefill and child.lock_verified and identity.is_verified(child.prefill):
                locked[path] = identity.prefill(child.prefill)
    return locked


def verified_fields(locked: Mapping[str, Any]) -> frozenset[str]:
    """The top-level answers the eID vouches for, out of `locked_values`: what validators such
    as `eid_verified` ask about. Paths into groups are left out; some are fixed values (e.g.
    "the person registering"), not the eID's."""
    return frozenset(path for path in locked if "." not in path)


def with_prefilled_items(service: ServiceDefinition, identity: Identity,
                         answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers with the signed-in person's values in the first item of such groups: locked
    values always, other identity values only where the item has no answer yet."""
    out = copy.deepcopy(dict(answers))
    locked = locked_values(service, identity, answers)
    for group in _person_groups(service, answers):
        assert group.fields is not None
        items = out.setdefault(group.id, [])
        if not items:
            items.append({})
        first = items[FIRST]
        for child in group.fields:
            path = f"{group.id}.{FIRST}.{child.id}"
            if path in locked:
                first[child.id] = copy.deepcopy(locked[path])
            elif child.prefill and not is_set(first.get(child.id)):
                value = identity.prefill(child.prefill)
                if value is not None:
                    first[child.id] = value
    return out


def apply_locked(values: dict[str, Any], locked: Mapping[str, Any],
                 step_fields: set[str]) -> dict[str, Any]:
    """Put the locked values of this step's fields into parsed step values."""
    out = dict(values)
    for path, value in locked.items():
        parts = path.split(".")
        if parts[0] not in step_fields:
            continue
        if len(parts) == 1:
            out[path] = value
            continue
        items = [dict(i) for i in (out.get(parts[0]) or [])] or [{}]
        items[int(parts[1])][parts[2]] = copy.deepcopy(value)
        out[parts[0]] = items
    return out


def is_locked_path(path: str, locked: Mapping[str, Any] | set[str]) -> bool:
    """A locked path or one of its parts (`persons.0.name.family_name`)."""
    return any(path == p or path.startswith(p + ".") for p in locked)
