"""apiClients (admin scope)."""

from __future__ import annotations

import strawberry

from api.clients.types import ApiClient
from api.context import Info
from api.permissions import requires
from domain.auth import Scope


@strawberry.type
class ClientsQuery:
    @strawberry.field(
        extensions=requires(Scope.ADMIN),
        description="The tenant's OAuth2 API clients, revoked ones included (never a secret).",
    )
    async def api_clients(self, info: Info) -> list[ApiClient]:
        views = await info.context.read_uow(lambda uow: uow.api_clients.listing())
        return [ApiClient.of(v) for v in views]
