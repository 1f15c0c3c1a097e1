"""integrations, webhookDeliveries (admin scope)."""

from __future__ import annotations

import strawberry

from api.context import Info
from api.integrations.types import DeliveryStatus, Integration, WebhookDelivery
from api.permissions import requires
from domain.auth import Scope

MAX_DELIVERIES = 500


@strawberry.type
class IntegrationsQuery:
    @strawberry.field(
        extensions=requires(Scope.ADMIN),
        description="The tenant's webhook integrations (secrets are never returned).",
    )
    async def integrations(self, info: Info) -> list[Integration]:
        views = await info.context.read(lambda r: r.integrations.listing())
        return [Integration.of(v) for v in views]

    @strawberry.field(
        extensions=requires(Scope.ADMIN),
        description="Stored webhook deliveries, newest first (at most 500); "
        "FAILED ones can be fixed and replayed with replayDelivery.",
    )
    async def webhook_deliveries(
        self, info: Info, status: DeliveryStatus | None = None, limit: int = 50
    ) -> list[WebhookDelivery]:
        wanted = status.value if status else None
        count = max(1, min(limit, MAX_DELIVERIES))
        views = await info.context.read(lambda r: r.integrations.deliveries(wanted, count))
        return [WebhookDelivery.of(v) for v in views]
