"""updateTenantSettings (admin scope): the tenant's name and timezone."""

from __future__ import annotations

from typing import Annotated

import strawberry

from api.context import Info
from api.errors import ValidationError
from api.permissions import requires
from domain.auth import Scope
from domain.services.tenant import TenantChange, TenantSettingsError, update_tenant_settings


@strawberry.type(description="The tenant's own settings")
class TenantSettings:
    name: str
    timezone: str = strawberry.field(description="IANA timezone periods are aligned in")
    history_recomputing: bool = strawberry.field(
        description="True when this change moved the timezone: every day, week, month and "
        "quarter falls elsewhere, so scores and metrics already computed are stale until the "
        "full recompute queued after it (as for setSlaTargets) has re-derived them"
    )

    @classmethod
    def of(cls, change: TenantChange) -> TenantSettings:
        return cls(
            name=change.tenant.name,
            timezone=change.tenant.timezone,
            history_recomputing=change.timezone_changed,
        )


UpdateTenantSettingsResult = Annotated[
    TenantSettings | ValidationError, strawberry.union("UpdateTenantSettingsResult")
]


@strawberry.type
class TenantMutation:
    @strawberry.mutation(
        extensions=requires(Scope.ADMIN),
        description="Change the tenant's name or timezone (omit one to keep it). Periods are "
        "aligned in the tenant's timezone, so a new timezone makes the history computed so "
        "far stale: all of it is recomputed in the background (historyRecomputing). "
        "Business hours keep the timezone they were set in.",
    )
    async def update_tenant_settings(
        self, info: Info, name: str | None = None, timezone: str | None = None
    ) -> UpdateTenantSettingsResult:
        try:
            change = await info.context.write(
                lambda uow: update_tenant_settings(uow, name=name, timezone=timezone)
            )
        except TenantSettingsError as exc:
            return ValidationError(message=str(exc), field=exc.field)
        return TenantSettings.of(change)
