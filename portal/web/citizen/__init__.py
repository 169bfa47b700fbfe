"""The citizen's journey: services, steps, review, submit, "Meine Anträge"."""

from flask import Blueprint

bp = Blueprint("citizen", __name__)

from portal.web.citizen import acting, applications, services, steps  # noqa: E402

__all__ = ["acting", "applications", "bp", "services", "steps"]
