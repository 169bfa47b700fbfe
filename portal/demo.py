"""Demo data for the embedded default: Erika Mustermann with a submitted dog-tax registration
and a resident-parking draft. Loaded through the same services a citizen uses; idempotent."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Flask
from sqlalchemy import select

from portal.adapters.db.models import Draft
from portal.adapters.jobs.tasks import enqueue_submission
from portal.adapters.jobs.wiring import runtime_of
from portal.services.drafts import start_draft
from portal.services.staff import create_staff
from portal.services.submissions import submit
from portal.services.users import user_for_identity
from portal.state import portal_state
from portal.web.auth.dev import identity_for

# Only ever created by `flask demo load`, which the embedded default runs.
DEMO_CLERK = "sachbearbeitung@goslar.invalid"
DEMO_PASSWORD = "Demo-Passwort-2026"


def _dog_tax_answers(today: date) -> dict[str, object]:
    return {
        "dogs_already_taxed": 0,
        "dogs": [{
            "name": "Bello", "breed": "labrador_retriever", "colour": "schwarz", "sex": "ruede",
            "birth_date": "2023-04-02", "chip": "276098100123456",
            "keeping_since": (today - timedelta(days=5)).isoformat(),
            "dangerous": False, "relief_requested": False, "moved_from_elsewhere": False,
        }],
        "sepa_mandate": True, "iban": "DE02120300000000202051",
        "account_holder_differs": False,
    }


def load_demo(app: Flask) -> str:
    state = portal_state(app)
    env = state.env()
    identity = identity_for("erika", 4)
    with state.db.session() as session:
        user = user_for_identity(session, identity)
        if session.scalar(select(Draft).where(Draft.user_id == user.id)) is not None:
            return "Demodaten sind bereits vorhanden."
        draft = start_draft(session, env, user.id, "hundesteuer-anmeldung", identity)
        draft.answers = {**draft.answers, **_dog_tax_answers(env.today)}
        draft.completed_steps = [s.id for s in state.catalog.services[draft.service_id].steps]
        channels = runtime_of(app).channels_for(draft.service_id)
        submission = submit(session, env, draft.id, user.id, identity, channels=channels)
        start_draft(session, env, user.id, "bewohnerparkausweis", identity)
        session.commit()
        clerk, _uri = create_staff(
            session, DEMO_CLERK, "Clara Clerk", ["back_office", "counter"],
            [d.id for d in state.catalog.municipality.departments], DEMO_PASSWORD,
            [d.id for d in state.catalog.municipality.departments])
        session.commit()
        # The same path as a citizen's submission: message, sealed PDF, delivery.
        enqueue_submission(app, submission.id)
        return (f"Demodaten angelegt: Erika Mustermann (Entwicklungs-Anmeldung, Stufe 4) mit "
                f"Antrag {submission.reference} und einem Entwurf für den Bewohnerparkausweis.\n"
                f"Mitarbeiterbereich /mitarbeiter: {DEMO_CLERK} / {DEMO_PASSWORD}, "
                f"TOTP-Geheimnis {clerk.totp_secret} (Code: .venv/bin/python -c \"import pyotp; "
                f"print(pyotp.TOTP('{clerk.totp_secret}').now())\")")
