"""Drafts: start an application, save it step by step, resume it later."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.adapters.db.models import Draft, Upload, now
from portal.definitions.exclusions import exclusion_errors
from portal.definitions.fields import ParseContext, UploadRef
from portal.definitions.loader import Catalog
from portal.definitions.messages import FieldError, Message
from portal.definitions.model import FieldType, ServiceDefinition, Step
from portal.definitions.steps import parse_step, visible_steps
from portal.definitions.validators import CheckContext, run_validators
from portal.services import audit, exclusive
from portal.services.errors import NotFound, TrustLevelTooLow
from portal.services.identity import Identity
from portal.services.prefill import apply_locked, is_locked_path, locked_values, verified_fields

Form = Mapping[str, list[str]]


@dataclass(frozen=True)
class Env:
    """What the services need from the outside world, passed in so tests can fix it."""

    catalog: Catalog
    today: date
    invalid_chars: Callable[[str], list[str]] = lambda _s: []
    invalid_name_chars: Callable[[str], list[str]] = lambda _s: []

    def parse_context(self, uploads: Mapping[str, UploadRef | Message] | None = None) -> ParseContext:
        return ParseContext(self.catalog.codelists, self.today, self.invalid_chars, uploads or {},
                            self.invalid_name_chars)

    def check_context(self, verified: frozenset[str] | None = None) -> CheckContext:
        return CheckContext(self.today, self.catalog.municipality, verified)


@dataclass
class StepOutcome:
    errors: list[FieldError] = field(default_factory=list)
    next_step: Step | None = None


def service_or_404(env: Env, service_id: str) -> ServiceDefinition:
    service = env.catalog.service(service_id)
    if service is None:
        raise NotFound(service_id)
    return service


def start_draft(session: Session, env: Env, user_id: str, service_id: str, identity: Identity,
                channel: str = "online") -> Draft:
    service = service_or_404(env, service_id)
    if identity.trust_level < service.min_trust_level:
        raise TrustLevelTooLow(service.min_trust_level, identity.trust_level)
    answers = {f.id: identity.prefill(f.prefill) for f in service.all_fields() if f.prefill}
    draft = Draft(user_id=user_id, service_id=service.id, service_version=service.version,
                  answers={k: v for k, v in answers.items() if v is not None}, channel=channel)
    session.add(draft)
    session.flush()
    audit.record(session, identity.subject, "draft.started", draft.id, service=service.id)
    return draft


def draft_for_user(session: Session, draft_id: str, user_id: str) -> Draft:
    draft = session.scalar(select(Draft).where(Draft.id == draft_id, Draft.user_id == user_id))
    if draft is None:
        raise NotFound(draft_id)
    return draft


def drafts_of_user(session: Session, user_id: str) -> list[Draft]:
    return list(session.scalars(select(Draft).where(
        Draft.user_id == user_id, Draft.submission_id.is_(None)).order_by(Draft.updated_at.desc())))


def delete_draft(session: Session, draft: Draft) -> None:
    if draft.submission_id is not None:
        raise NotFound(draft.id)
    for upload in session.scalars(select(Upload).where(Upload.draft_id == draft.id)):
        session.delete(upload)
    session.delete(draft)


RAW_LIMIT = 100_000


def keepable(form: Form) -> dict[str, list[str]]:
    """Typed input as it can be stored for correction: NUL cannot be stored (PostgreSQL JSON
    refuses it) and nothing longer than any field allows is worth keeping."""
    return {k.replace("\x00", "")[:200]: [v.replace("\x00", "")[:RAW_LIMIT] for v in values[:50]]
            for k, values in form.items() if not k.startswith("csrf")}


def _step_fields(step: Step) -> set[str]:
    return {f.id for f in step.fields}


def errors_for_step(step: Step, errors: list[FieldError]) -> list[FieldError]:
    names = _step_fields(step)
    return [e for e in errors if e.path.split(".")[0] in names]


def save_step(session: Session, env: Env, draft: Draft, step_id: str, form: Form,
              uploads: Mapping[str, UploadRef | Message], identity: Identity) -> StepOutcome:
    """Store this step's answers; invalid input is kept as typed so nothing is lost."""
    service = service_or_404(env, draft.service_id)
    step = service.step(step_id)
    if step is None:
        raise NotFound(step_id)
    result = parse_step(service, step, form, draft.answers, env.parse_context(uploads))
    locked = locked_values(service, identity, {**draft.answers, **result.values})
    values = apply_locked(result.values, locked, _step_fields(step))
    errors = [e for e in result.errors if not is_locked_path(e.path, locked)]
    answers = {k: v for k, v in draft.answers.items() if k not in _step_fields(step)}
    answers.update(values)
    if not errors:
        found = run_validators([(v.name, v.args) for v in service.validators], answers,
                               env.check_context(verified_fields(locked)))
        errors = errors_for_step(step, found.errors + exclusion_errors(service, answers))
    if not errors and service.exclusive is not None:
        errors = errors_for_step(step, exclusive.conflicts(session, service, answers,
                                                           draft.user_id, env.today))
    raw = dict(draft.raw_inputs)
    completed = [s for s in draft.completed_steps if s != step_id]
    if errors:
        raw[step_id] = keepable(form)
    else:
        raw.pop(step_id, None)
        completed.append(step_id)
    draft.answers, draft.raw_inputs, draft.completed_steps = answers, raw, completed
    draft.updated_at = now()
    return StepOutcome(errors, None if errors else next_step(service, answers, step))


def next_step(service: ServiceDefinition, answers: Mapping[str, Any], current: Step) -> Step | None:
    steps = visible_steps(service, answers)
    ids = [s.id for s in steps]
    if current.id not in ids:
        return steps[0] if steps else None
    index = ids.index(current.id)
    return steps[index + 1] if index + 1 < len(steps) else None


def previous_step(service: ServiceDefinition, answers: Mapping[str, Any], current: Step) -> Step | None:
    steps = visible_steps(service, answers)
    ids = [s.id for s in steps]
    if current.id not in ids or ids.index(current.id) == 0:
        return None
    return steps[ids.index(current.id) - 1]


def change_group(session: Session, env: Env, draft: Draft, step_id: str, form: Form,
                 uploads: Mapping[str, UploadRef | Message], identity: Identity,
                 group_id: str, remove_index: int | None) -> None:
    """Add an item to a repeatable group, or remove one, keeping everything typed so far."""
    service = service_or_404(env, draft.service_id)
    step = service.step(step_id)
    group = next((f for f in (step.fields if step else []) if f.id == group_id), None)
    if step is None or group is None or group.type != FieldType.GROUP or group.repeat is None:
        raise NotFound(group_id)
    save_step(session, env, draft, step_id, form, uploads, identity)
    raw = keepable(form)
    items = list(draft.answers.get(group_id) or [])
    count = min(_count(raw, group_id, len(items)), group.repeat.max)
    if remove_index is None:
        if count < group.repeat.max:
            raw[f"{group_id}.count"] = [str(count + 1)]
            items.append({})
    elif 0 <= remove_index < count and not any(
            p.startswith(f"{group_id}.{remove_index}.")
            for p in locked_values(service, identity, draft.answers)):
        raw = _shift(raw, group_id, remove_index)
        raw[f"{group_id}.count"] = [str(count - 1)]
        if remove_index < len(items):
            items.pop(remove_index)
    draft.answers = {**draft.answers, group_id: items}
    draft.raw_inputs = {**draft.raw_inputs, step_id: raw}
    draft.completed_steps = [s for s in draft.completed_steps if s != step_id]


def _count(raw: dict[str, list[str]], group_id: str, default: int) -> int:
    try:
        return int((raw.get(f"{group_id}.count") or [""])[0])
    except ValueError:
        return default


def _shift(raw: dict[str, list[str]], group_id: str, removed: int) -> dict[str, list[str]]:
    pattern = re.compile(rf"^{re.escape(group_id)}\.(\d+)\.(.+)$")
    out: dict[str, list[str]] = {}
    for key, value in raw.items():
        match = pattern.match(key)
        if not match:
            out[key] = value
            continue
        index = int(match.group(1))
        if index == removed:
            continue
        new_index = index - 1 if index > removed else index
        out[f"{group_id}.{new_index}.{match.group(2)}"] = value
    return out
