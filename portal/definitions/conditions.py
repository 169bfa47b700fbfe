"""Evaluate `visible_if` / `required_if` conditions against answers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from portal.definitions.model import Condition

Answers = Mapping[str, Any]


def lookup(name: str, answers: Answers, item: Answers | None) -> Any:
    """A sibling inside the current group item wins over a top-level answer of the same name."""
    if item is not None and name in item:
        return item[name]
    return answers.get(name)


def is_set(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str | list | dict):
        return bool(value)
    return True


def evaluate(cond: Condition | None, answers: Answers, item: Answers | None = None) -> bool:
    if cond is None:
        return True
    if cond.all is not None:
        return all(evaluate(c, answers, item) for c in cond.all)
    if cond.any is not None:
        return any(evaluate(c, answers, item) for c in cond.any)
    assert cond.field is not None
    value = lookup(cond.field, answers, item)
    if cond.is_set is not None:
        return is_set(value) == cond.is_set
    if cond.in_ is not None:
        if isinstance(value, list):
            return any(v in cond.in_ for v in value)
        return value in cond.in_
    if cond.not_equals is not None:
        return value != cond.not_equals
    if isinstance(value, list):
        return cond.equals in value
    return bool(value == cond.equals)
