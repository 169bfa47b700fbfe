"""One step of an application form: show it, save it, move on."""

from __future__ import annotations

import re
from typing import Any

from flask import abort, current_app, redirect, render_template, request, url_for
from sqlalchemy.orm import Session

from portal.adapters.db.models import Draft
from portal.definitions.exclusions import exclusions_hit
from portal.definitions.fields import UploadRef
from portal.definitions.messages import Message
from portal.definitions.model import FieldDef, FieldType, ServiceDefinition, Step
from portal.definitions.sepa import mandate_text
from portal.definitions.steps import visible_steps
from portal.services.drafts import (
    change_group,
    draft_for_user,
    previous_step,
    save_step,
)
from portal.services.errors import NotFound
from portal.services.identity import Identity
from portal.services.prefill import locked_values, with_prefilled_items
from portal.services.uploads import store_upload
from portal.state import portal_state
from portal.web.auth.session import current_identity, current_user_id, login_required
from portal.web.citizen import bp
from portal.web.formview import FormView

ACTION = re.compile(r"^(next|back|save|add:[a-z0-9_]+|remove:[a-z0-9_]+:\d{1,2})$")


def load_draft(session: Session, draft_id: str) -> tuple[Draft, ServiceDefinition]:
    user_id = current_user_id()
    assert user_id is not None
    try:
        draft = draft_for_user(session, draft_id, user_id)
    except NotFound:
        abort(404)
    service = portal_state(current_app).catalog.service(draft.service_id)
    if service is None:
        abort(404)
    return draft, service


def _file_fields(step: Step) -> list[tuple[str, FieldDef]]:
    """Input names of file fields, for the items of groups as they were sent."""
    out: list[tuple[str, FieldDef]] = []
    for f in step.fields:
        if f.type == FieldType.FILE:
            out.append((f.id, f))
        elif f.type == FieldType.GROUP and f.fields:
            for name in request.files:
                match = re.match(rf"^{f.id}\.(\d+)\.([a-z0-9_]+)$", name)
                child = next((c for c in f.fields if match and c.id == match.group(2)), None)
                if child is not None and child.type == FieldType.FILE:
                    out.append((name, child))
    return out


def _store_files(session: Session, draft: Draft, step: Step) -> dict[str, UploadRef | Message]:
    uploads: dict[str, UploadRef | Message] = {}
    for name, f in _file_fields(step):
        file = request.files.get(name)
        if file is None or not file.filename:
            continue
        data = file.stream.read(f.max_size_mb * 1024 * 1024 + 1)
        uploads[name] = store_upload(
            session, user_id=draft.user_id, draft_id=draft.id, field_path=name,
            filename=file.filename, data=data, accept=f.accept, max_size_mb=f.max_size_mb,
            label=dict(f.label))
    return uploads


def render_step(draft: Draft, service: ServiceDefinition, step: Step, identity: Identity,
                errors: list[Any], status: int = 200, saved: bool = False) -> Any:
    state = portal_state(current_app)
    steps = visible_steps(service, draft.answers)
    ids = [s.id for s in steps]
    number = ids.index(step.id) + 1 if step.id in ids else 1
    raw = draft.raw_inputs.get(step.id)
    answers = with_prefilled_items(service, identity, draft.answers)
    view = FormView(step, answers, raw, errors, state.catalog.codelists,
                    set(locked_values(service, identity, answers)))
    step_fields = {f.id for f in step.fields}
    offices = [(state.catalog.municipality.office(e.department or service.department),
                state.catalog.municipality.department(e.department or service.department))
               for e in exclusions_hit(service, draft.answers) if e.field in step_fields]
    sepa = service.sepa_mandate
    mandate = state.catalog.municipality.sepa if sepa and sepa.consent in step_fields else None
    return render_template("citizen/step.html", draft=draft, service=service, step=step,
                           steps=steps, number=number, total=len(steps), view=view,
                           previous=previous_step(service, draft.answers, step),
                           saved=saved, offices=offices, mandate=mandate,
                           mandate_text=mandate_text(state.catalog.municipality)
                           if mandate else None), status


@bp.route("/antraege/<draft_id>/schritt/<step_id>", methods=["GET", "POST"])
@login_required
def step(draft_id: str, step_id: str) -> Any:
    state = portal_state(current_app)
    identity = current_identity()
    assert identity is not None
    with state.db.session() as session:
        draft, service = load_draft(session, draft_id)
        if draft.submission_id:
            return redirect(url_for("citizen.application", reference=_reference(session, draft)))
        current = service.step(step_id)
        if current is None:
            abort(404)
        if request.method == "GET":
            return render_step(draft, service, current, identity, [], saved=bool(
                request.args.get("saved")))
        action = request.form.get("action", "next")
        if not ACTION.match(action):
            action = "next"
        form = request.form.to_dict(flat=False)
        uploads = _store_files(session, draft, current)
        if action.startswith(("add:", "remove:")):
            parts = action.split(":")
            index = int(parts[2]) if parts[0] == "remove" else None
            try:
                change_group(session, state.env(), draft, current.id, form, uploads, identity,
                             parts[1], index)
            except NotFound:
                abort(400)
            session.commit()
            anchor = f"#group-{parts[1]}"
            return redirect(url_for("citizen.step", draft_id=draft.id, step_id=current.id) + anchor)
        outcome = save_step(session, state.env(), draft, current.id, form, uploads, identity)
        session.commit()
        if action == "back":
            prev = previous_step(service, draft.answers, current)
            target = prev.id if prev else current.id
            return redirect(url_for("citizen.step", draft_id=draft.id, step_id=target))
        if action == "save":
            return redirect(url_for("citizen.step", draft_id=draft.id, step_id=current.id,
                                    saved=1))
        if outcome.errors:
            return render_step(draft, service, current, identity, outcome.errors, status=422)
        if outcome.next_step is None:
            return redirect(url_for("citizen.review", draft_id=draft.id))
        return redirect(url_for("citizen.step", draft_id=draft.id, step_id=outcome.next_step.id))


def _reference(session: Session, draft: Draft) -> str:
    from portal.services.submissions import existing_submission

    assert draft.submission_id is not None
    return existing_submission(session, draft.submission_id).reference
