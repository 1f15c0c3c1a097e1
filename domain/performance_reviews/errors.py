"""The expected failures of review cycles and performance reviews, each naming its input."""

from __future__ import annotations


class PerformanceError(ValueError):
    """An expected failure the caller can fix; `field` names the input at fault."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFoundError(PerformanceError):
    """A named cycle, review or agent does not exist in the tenant."""


class InvalidTransitionError(PerformanceError):
    """The review's state does not allow this step (e.g. acknowledging a draft)."""

    def __init__(self, message: str, *, status: str, field: str | None = None) -> None:
        super().__init__(message, field)
        self.status = status
