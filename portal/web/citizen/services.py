"""Service list, start page, starting a draft."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, redirect, render_template, request, url_for

from portal.definitions.dog_tax import counting_notes
from portal.definitions.fees import FEE_RULES, compute_fee
from portal.definitions.tariffs import DogTaxTariff
from portal.services.drafts import start_draft
from portal.services.errors import NotFound, TrustLevelTooLow
from portal.state import portal_state
from portal.web.auth.session import current_identity, current_user_id, login_required
from portal.web.citizen import bp


@bp.route("/")
def index() -> Any:
    catalog = portal_state(current_app).catalog
    services = sorted(catalog.services.values(), key=lambda s: s.title["de"])
    return render_template("citizen/index.html", services=services,
                           signed_out=request.args.get("signed_out"))


@bp.route("/leistungen/<service_id>")
def service(service_id: str) -> Any:
    catalog = portal_state(current_app).catalog
    definition = catalog.service(service_id)
    if definition is None:
        abort(404)
    fee = compute_fee(definition.fee, {}, catalog.municipality) if definition.fee else None
    rule = FEE_RULES.get(definition.fee.rule) if definition.fee else None
    tariff = (rule.tariff.model_validate(catalog.municipality.tariffs[definition.fee.tariff])
              if definition.fee and definition.fee.tariff and rule and rule.tariff else None)
    return render_template("citizen/service.html", service=definition, fee=fee, tariff=tariff,
                           counting=(counting_notes(tariff) if isinstance(tariff, DogTaxTariff)
                                     else []),
                           codelists=catalog.codelists,
                           department=catalog.municipality.department(definition.department),
                           identity=current_identity())


@bp.route("/leistungen/<service_id>/datenschutz")
def privacy(service_id: str) -> Any:
    """The service's privacy notice (Art. 13 DSGVO): its own part from the definition, the
    controller, officer, rights and supervisory authority from the municipality file."""
    catalog = portal_state(current_app).catalog
    definition = catalog.service(service_id)
    if definition is None or definition.privacy is None:
        abort(404)
    return render_template("citizen/privacy.html", service=definition,
                           contacts=catalog.municipality.privacy,
                           department=catalog.municipality.department(definition.department))


@bp.route("/leistungen/<service_id>/starten", methods=["POST"])
@login_required
def start(service_id: str) -> Any:
    state = portal_state(current_app)
    identity = current_identity()
    user_id = current_user_id()
    assert identity is not None and user_id is not None
    with state.db.session() as session:
        try:
            draft = start_draft(session, state.env(), user_id, service_id, identity)
        except NotFound:
            abort(404)
        except TrustLevelTooLow as exc:
            definition = state.catalog.service(service_id)
            return render_template("citizen/level_too_low.html", service=definition,
                                   needed=exc.needed, actual=exc.actual), 403
        session.commit()
        first = state.catalog.services[service_id].steps[0].id
        return redirect(url_for("citizen.step", draft_id=draft.id, step_id=first))


PAGES = ("barrierefreiheit", "datenschutz", "impressum")


@bp.route("/seiten/<name>")
def page(name: str) -> Any:
    if name not in PAGES:
        abort(404)
    catalog = portal_state(current_app).catalog
    return render_template(f"pages/{name}.html", municipality=catalog.municipality,
                           services=sorted(catalog.services.values(),
                                           key=lambda s: s.title["de"]))
