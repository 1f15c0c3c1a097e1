"""integrations, webhookDeliveries (admin scope)."""

from __future__ import annotations

import strawberry

from api import pagination
from api.context import Info
from api.integrations.types import DeliveryStatus, Integration, WebhookDelivery
from api.pagination import DEFAULT_FIRST, MAX_FIRST, Connection, page_size
from api.permissions import requires
from domain.auth import Scope
from domain.integrations import DeliveryView

DELIVERIES = "webhookDeliveries"  # the list its cursors name


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
        count = max(1, min(limit, MAX_FIRST))
        views = await info.context.read(lambda r: r.integrations.deliveries(wanted, count))
        return [WebhookDelivery.of(v) for v in views]

    @strawberry.field(
        extensions=requires(Scope.ADMIN),
        description=f"`webhookDeliveries` paged: newest first; `first` at most {MAX_FIRST}, "
        "`after` an endCursor.",
    )
    async def webhook_deliveries_connection(
        self,
        info: Info,
        status: DeliveryStatus | None = None,
        first: int | None = DEFAULT_FIRST,
        after: str | None = None,
    ) -> Connection[WebhookDelivery]:
        wanted = status.value if status else None
        size = page_size(first, DEFAULT_FIRST)
        position = pagination.decode_timed_cursor(after, DELIVERIES) if after is not None else None
        views = await info.context.read(
            lambda r: r.integrations.deliveries(wanted, size + 1, after=position)
        )
        return pagination.connection(
            views,
            size,
            cursor=_cursor,
            node=WebhookDelivery.of,
            counter=lambda r: r.integrations.delivery_count(wanted),
        )


def _cursor(view: DeliveryView) -> str:
    return pagination.encode_timed_cursor(DELIVERIES, view.received_at, view.id)
