"""The staff area: sign-in with password + TOTP (or the municipality's IdP), counter
verification of citizen accounts. Later features (the clerks' inbox) build on
`portal.web.staff.session` (`current_staff`, `staff_required`)."""

from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/mitarbeiter")

from portal.web.staff import counter, counter_application, statistics, views  # noqa: E402

__all__ = ["bp", "counter", "counter_application", "statistics", "views"]


@bp.app_context_processor
def _staff_context() -> dict[str, object]:
    from portal.web.auth.session import acting_clerk
    from portal.web.staff.session import current_staff

    return {"current_staff": current_staff(), "acting_clerk": acting_clerk()}


@bp.before_app_request
def _acting_needs_a_clerk() -> None:
    """Acting for a citizen ends with the clerk's own session (sign-out, timeout, lock)."""
    from portal.web.auth.session import acting_clerk, end_acting
    from portal.web.staff.session import current_staff

    if acting_clerk() is not None and current_staff() is None:
        end_acting()
