"""The staff area: sign-in with password + TOTP (or the municipality's IdP), counter
verification of citizen accounts. Later features (the clerks' inbox) build on
`portal.web.staff.session` (`current_staff`, `staff_required`)."""

from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/mitarbeiter")

from portal.web.staff import counter, views  # noqa: E402

__all__ = ["bp", "counter", "views"]


@bp.app_context_processor
def _staff_context() -> dict[str, object]:
    from portal.web.staff.session import current_staff

    return {"current_staff": current_staff()}
