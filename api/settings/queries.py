"""Read the tenant's business hours and SLA targets."""

from __future__ import annotations

import strawberry

from api.context import Info
from api.permissions import requires
from api.settings.types import BusinessHours, CaseMixSettingsType, SlaTargetsType
from domain.auth import Scope
from domain.policy import case_mix_of, sla_targets
from domain.services.settings import calendar_of


@strawberry.type
class SettingsQuery:
    @strawberry.field(extensions=requires(Scope.READ))
    async def business_hours(
        self, info: Info, team_id: strawberry.ID | None = None
    ) -> BusinessHours | None:
        team = str(team_id) if team_id else None
        found = await info.context.read(lambda reads: calendar_of(reads.settings(), team))
        return BusinessHours.of(team, found) if found else None

    @strawberry.field(extensions=requires(Scope.READ))
    async def sla_targets(self, info: Info) -> SlaTargetsType | None:
        found = await info.context.read(lambda reads: sla_targets(reads.settings()))
        return SlaTargetsType.of(found) if found else None

    @strawberry.field(extensions=requires(Scope.READ))
    async def case_mix_settings(self, info: Info) -> CaseMixSettingsType:
        found = await info.context.read(lambda reads: case_mix_of(reads.settings()))
        return CaseMixSettingsType.of(found)
