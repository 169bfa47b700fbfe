"""The clerks' inbox: the submissions of one's own departments, their details and files, and
the work on them (claim, assign, status, messages to the citizen). Administrators also see
deliveries that failed for good and can retry them."""

from __future__ import annotations

from flask import Blueprint

from portal.definitions.messages import N_
from portal.services.inbox import Actor
from portal.services.staff import StaffPrincipal

bp = Blueprint("inbox", __name__, url_prefix="/mitarbeiter/posteingang")

STATUS_NAMES = {
    "received": N_("Eingegangen"),
    "in_progress": N_("In Bearbeitung"),
    "query": N_("Rückfrage an Antragsteller/in"),
    "decided": N_("Entschieden"),
    "rejected": N_("Abgelehnt"),
    "closed": N_("Abgeschlossen"),
    "failed": N_("Übermittlung gestört"),
}
CHANNEL_NAMES = {"inbox": N_("Posteingang (XÖV-Nachricht und PDF)"),
                 "citizen-mail": N_("Benachrichtigung der antragstellenden Person")}
JOB_NAMES = {"pending": N_("Wartet"), "running": N_("Läuft"), "delivered": N_("Zugestellt"),
             "failed": N_("Endgültig gescheitert")}
BADGES = {"received": "info", "in_progress": "warning", "query": "warning",
          "decided": "success", "rejected": "danger", "closed": "success", "failed": "danger",
          "pending": "info", "running": "warning", "delivered": "success"}


def actor_of(who: StaffPrincipal) -> Actor:
    return Actor(id=who.id, name=who.display_name, departments=who.departments)


from portal.web.inbox import actions, views  # noqa: E402

__all__ = ["actions", "bp", "views"]
