"""GraphQL types for OAuth2 API clients (admin scope); secrets appear only when issued."""

from __future__ import annotations

from datetime import datetime

import strawberry

from domain.clients import ApiClientView


@strawberry.type(description="An OAuth2 client of the tenant; its secret is never shown")
class ApiClient:
    id: strawberry.ID = strawberry.field(description="The client_id for /oauth/token")
    name: str
    scopes: list[str]
    active: bool = strawberry.field(description="False once revoked: no tokens, old ones refused")
    created_at: datetime
    revoked_at: datetime | None
    secret_rotated_at: datetime | None = strawberry.field(
        description="When the secret was last replaced (null: never)"
    )
    previous_secret_valid_until: datetime | None = strawberry.field(
        description="Until when the secret the last rotation replaced still works (null: it "
        "does not)"
    )

    @classmethod
    def of(cls, view: ApiClientView) -> ApiClient:
        return cls(
            id=strawberry.ID(view.client_id),
            name=view.name,
            scopes=list(view.scopes),
            active=view.active,
            created_at=view.created_at,
            revoked_at=view.revoked_at,
            secret_rotated_at=view.secret_rotated_at,
            previous_secret_valid_until=view.previous_secret_valid_until,
        )


@strawberry.type(description="A new API client with its secret, shown this once")
class CreatedApiClient:
    client: ApiClient
    secret: str


@strawberry.type(description="An API client's new secret, shown this once")
class RotatedApiClientSecret:
    client: ApiClient
    secret: str
