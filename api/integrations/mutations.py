"""createIntegration, updateIntegration, replayDelivery (admin scope)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON

from api.context import Info
from api.errors import NotFoundError, ValidationError
from api.integrations.types import CreatedIntegration, Integration, WebhookDelivery
from api.permissions import requires
from domain.auth import Scope
from domain.integrations import DeliveryView, IntegrationChange, IntegrationError
from domain.ports import UnitOfWork
from domain.services.integrations import (
    create_integration,
    replay_deliveries,
    update_integration,
)

CreateIntegrationResult = Annotated[
    CreatedIntegration | ValidationError, strawberry.union("CreateIntegrationResult")
]
UpdateIntegrationResult = Annotated[
    Integration | ValidationError | NotFoundError, strawberry.union("UpdateIntegrationResult")
]
ReplayDeliveryResult = Annotated[
    WebhookDelivery | NotFoundError, strawberry.union("ReplayDeliveryResult")
]


@strawberry.type
class IntegrationsMutation:
    @strawberry.mutation(
        extensions=requires(Scope.ADMIN),
        description="Register a helpdesk webhook; the secret is generated when omitted and "
        "returned only here.",
    )
    async def create_integration(
        self,
        info: Info,
        # Not `source`: permission extensions take a positional argument of that name.
        source_name: Annotated[str, strawberry.argument(name="source")],
        secret: str | None = None,
        options: JSON | None = None,
    ) -> CreateIntegrationResult:
        if options is not None and not isinstance(options, dict):
            return ValidationError(message="options must be a JSON object", field="options")
        chosen: dict[str, Any] = dict(options or {})
        try:
            created = await info.context.write(
                lambda uow: create_integration(
                    uow, source=source_name, secret=secret, options=chosen
                )
            )
        except IntegrationError as exc:
            return ValidationError(message=str(exc), field=exc.field)
        return CreatedIntegration(
            integration=Integration.of(created.integration), secret=created.secret
        )

    @strawberry.mutation(
        extensions=requires(Scope.ADMIN),
        description="Rotate the secret (Chatwoot creates its own after the webhook exists), "
        "allow unsigned Chatwoot deliveries, or (de)activate. Omitted arguments stay as they are, "
        "except that setting a Chatwoot secret switches unsigned mode off unless "
        "allowUnsigned: true is given with it.",
    )
    async def update_integration(
        self,
        info: Info,
        id: strawberry.ID,
        secret: str | None = None,
        allow_unsigned: bool | None = None,
        active: bool | None = None,
    ) -> UpdateIntegrationResult:
        change = IntegrationChange(secret=secret, allow_unsigned=allow_unsigned, active=active)
        try:
            view = await info.context.write(
                lambda uow: update_integration(uow, integration_id=str(id), change=change)
            )
        except IntegrationError as exc:
            return ValidationError(message=str(exc), field=exc.field)
        if view is None:
            return NotFoundError(message=f"no integration {id!r}")
        return Integration.of(view)

    @strawberry.mutation(
        extensions=requires(Scope.ADMIN),
        description="Process a stored delivery again, decoded by the current adapter code "
        "(after a fix). Events it already produced are not duplicated.",
    )
    async def replay_delivery(self, info: Info, id: strawberry.ID) -> ReplayDeliveryResult:
        def replay(uow: UnitOfWork) -> DeliveryView | None:
            replay_deliveries(uow, delivery_id=str(id))
            return uow.deliveries.get(str(id))

        view = await info.context.write(replay)
        if view is None:
            return NotFoundError(message=f"no webhook delivery {id!r}")
        return WebhookDelivery.of(view)
