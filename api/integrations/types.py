"""GraphQL types for webhook integrations and their stored deliveries (admin scope)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry
from strawberry.scalars import JSON

from domain.integrations import FAILED, IGNORED, PENDING, PROCESSED, DeliveryView, IntegrationView


@strawberry.enum(description="Where a stored webhook delivery is in its processing")
class DeliveryStatus(Enum):
    PENDING = PENDING
    PROCESSED = PROCESSED
    FAILED = FAILED
    IGNORED = IGNORED


@strawberry.type(description="A helpdesk pushing webhooks to Fairscore; its secret is never shown")
class Integration:
    id: strawberry.ID
    source: str = strawberry.field(description="generic, zendesk, intercom, chatwoot, ...")
    active: bool = strawberry.field(description="Inactive integrations answer 404")
    allow_unsigned: bool = strawberry.field(
        description="Chatwoot only: accept deliveries without a signature (Chatwoot < 4.11.2)"
    )
    webhook_path: str = strawberry.field(description="POST here: /webhooks/{source}/{id}")
    options: JSON = strawberry.field(description="Source options, without any secret values")
    created_at: datetime

    @classmethod
    def of(cls, view: IntegrationView) -> Integration:
        return cls(
            id=strawberry.ID(view.id),
            source=view.source,
            active=view.active,
            allow_unsigned=view.allow_unsigned,
            webhook_path=view.webhook_path,
            options=JSON(view.public_options),
            created_at=view.created_at,
        )


@strawberry.type(description="A new integration with its signing secret, shown this once")
class CreatedIntegration:
    integration: Integration
    secret: str


@strawberry.type(description="A webhook request as stored before it was acknowledged")
class WebhookDelivery:
    id: strawberry.ID
    source: str
    integration_id: strawberry.ID
    received_at: datetime
    status: DeliveryStatus
    reason: str | None = strawberry.field(
        description="Why it failed or was ignored (a missing field, an unused event type)"
    )
    event_count: int = strawberry.field(description="Canonical events it carried when processed")
    attempts: int = strawberry.field(description="Times it was processed (replays count)")
    processed_at: datetime | None

    @classmethod
    def of(cls, view: DeliveryView) -> WebhookDelivery:
        return cls(
            id=strawberry.ID(view.id),
            source=view.source,
            integration_id=strawberry.ID(view.integration_id),
            received_at=view.received_at,
            status=DeliveryStatus(view.status),
            reason=view.reason,
            event_count=view.event_count,
            attempts=view.attempts,
            processed_at=view.processed_at,
        )
