"""The administrators' statistics page (anonymous counts and processing times, the same as
`flask stats export`) with downloads for an open-data portal, and the services' retention
periods."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, current_app, render_template

from portal.definitions.messages import N_
from portal.services import statistics
from portal.state import portal_state
from portal.web.staff import bp
from portal.web.staff.session import staff_required

CHANNEL_NAMES = {"online": N_("Online"), "counter": N_("Bürgerbüro")}


def _rows() -> list[statistics.Row]:
    state = portal_state(current_app)
    with state.db.session() as session:
        return statistics.report(session, state.timezone)


@bp.route("/statistik")
@staff_required("admin")
def statistics_page() -> Any:
    state = portal_state(current_app)
    return render_template("staff/statistics.html", rows=_rows(),
                           services=state.catalog.services, channel_names=CHANNEL_NAMES)


@bp.route("/statistik.<fmt>")
@staff_required("admin")
def statistics_download(fmt: str) -> Any:
    rows = _rows()
    if fmt == "csv":
        body, mimetype = statistics.to_csv(rows), "text/csv; charset=utf-8"
    elif fmt == "json":
        name = portal_state(current_app).catalog.municipality.name
        body, mimetype = statistics.to_json(rows, name), "application/json"
    else:
        abort(404)
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="antragsstatistik.{fmt}"'})
