"""createApiClient, revokeApiClient, rotateApiClientSecret (admin scope)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import strawberry

from api.clients.types import ApiClient, CreatedApiClient, RotatedApiClientSecret
from api.context import Info
from api.errors import NotFoundError, ValidationError
from api.permissions import requires
from domain.auth import Scope
from domain.clients import ClientError
from domain.services.clients import create_client, revoke_client, rotate_client_secret

CreateApiClientResult = Annotated[
    CreatedApiClient | ValidationError, strawberry.union("CreateApiClientResult")
]
RevokeApiClientResult = Annotated[
    ApiClient | NotFoundError, strawberry.union("RevokeApiClientResult")
]
RotateApiClientSecretResult = Annotated[
    RotatedApiClientSecret | ValidationError | NotFoundError,
    strawberry.union("RotateApiClientSecretResult"),
]


@strawberry.type
class ClientsMutation:
    @strawberry.mutation(
        extensions=requires(Scope.ADMIN),
        description="Create an OAuth2 client with some of this token's scopes; its secret is "
        "returned only here.",
    )
    async def create_api_client(
        self, info: Info, scopes: list[str], name: str = ""
    ) -> CreateApiClientResult:
        granted_by = info.context.principal.scopes
        try:
            created = await info.context.write(
                lambda uow: create_client(uow, scopes=scopes, name=name, granted_by=granted_by)
            )
        except ClientError as exc:
            return ValidationError(message=str(exc), field=exc.field)
        return CreatedApiClient(client=ApiClient.of(created.client), secret=created.secret)

    @strawberry.mutation(
        extensions=requires(Scope.ADMIN),
        description="Revoke a client: no new tokens, and the tokens it holds are refused "
        "within REVOCATION_CACHE_TTL seconds (30 at most). Revoking again changes nothing.",
    )
    async def revoke_api_client(self, info: Info, id: strawberry.ID) -> RevokeApiClientResult:
        view = await info.context.write(lambda uow: revoke_client(uow, client_id=str(id)))
        if view is None:
            return NotFoundError(message=f"no API client {id!r}")
        return ApiClient.of(view)

    @strawberry.mutation(
        extensions=requires(Scope.ADMIN),
        description="Give a client a new secret, returned only here. The old secret keeps "
        "working for graceSeconds (default CLIENT_SECRET_GRACE, 24 h unless set; 0 ends it at "
        "once) so deployments can switch over; tokens already issued stay valid until they "
        "expire. A compromised secret stays valid for that window: rotate it with "
        "graceSeconds: 0, or revoke the client. A revoked client cannot be rotated. The "
        "token must hold every scope of the client.",
    )
    async def rotate_api_client_secret(
        self, info: Info, id: strawberry.ID, grace_seconds: int | None = None
    ) -> RotateApiClientSecretResult:
        if grace_seconds is None:
            grace_seconds = info.context.container.settings.client_secret_grace
        grace = timedelta(seconds=grace_seconds)
        granted_by = info.context.principal.scopes
        try:
            rotated = await info.context.write(
                lambda uow: rotate_client_secret(
                    uow, client_id=str(id), grace=grace, granted_by=granted_by
                )
            )
        except ClientError as exc:
            return ValidationError(message=str(exc), field=exc.field)
        if rotated is None:
            return NotFoundError(message=f"no API client {id!r}")
        return RotatedApiClientSecret(client=ApiClient.of(rotated.client), secret=rotated.secret)
