"""Errors the services raise; the web layer turns them into pages."""

from __future__ import annotations

from portal.definitions.messages import FieldError


class NotFound(Exception):
    """Unknown id, or one the caller may not see (both look the same from outside)."""


class TrustLevelTooLow(Exception):
    def __init__(self, needed: int, actual: int) -> None:
        super().__init__(f"trust level {actual} is below {needed}")
        self.needed, self.actual = needed, actual


class ChangedSinceReview(Exception):
    """The draft differs from the review page the citizen confirmed."""


class Incomplete(Exception):
    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__(f"{len(errors)} problem(s)")
        self.errors = errors
