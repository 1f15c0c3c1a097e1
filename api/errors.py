"""Expected failures of mutations, returned as typed results (error unions), not raised."""

from __future__ import annotations

from typing import Protocol

import strawberry


@strawberry.interface
class UserError:
    message: str


@strawberry.type
class ValidationError(UserError):
    field: str | None = strawberry.field(
        default=None, description="The input field at fault, as a path (e.g. components[1].weight)"
    )


@strawberry.type
class NotFoundError(UserError):
    pass


@strawberry.type(
    description="A service Fairscore needs (the job queue) is unreachable: nothing was done; "
    "try again shortly"
)
class UnavailableError(UserError):
    pass


class Refusal(Protocol):
    """A domain's expected failure: its message, and the input field at fault, if named."""

    field: str | None


def refused(
    exc: Refusal, *, missing: type[Exception] | tuple[type[Exception], ...]
) -> ValidationError | NotFoundError:
    """A domain's refusal as a typed result: NotFoundError when it is one of `missing`
    (the id names nothing of the tenant), else a ValidationError naming the field."""
    if isinstance(exc, missing):
        return NotFoundError(message=str(exc))
    return ValidationError(message=str(exc), field=exc.field)
