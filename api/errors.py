"""Expected failures of mutations, returned as typed results (error unions), not raised."""

from __future__ import annotations

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
