"""Admin mutations: business hours, SLA targets and case mix. Both re-measure history, so each
change queues a recompute of the periods it affects (after the change commits)."""

from __future__ import annotations

from datetime import time
from typing import Annotated

import strawberry

from api.context import Info
from api.errors import NotFoundError, ValidationError
from api.permissions import requires
from api.settings.types import (
    BusinessHours,
    BusinessHoursInput,
    CaseMixSettingsInput,
    CaseMixSettingsType,
    SlaTargetsInput,
    SlaTargetsType,
    TeamBusinessHoursCleared,
)
from domain.auth import Scope
from domain.metrics import Basis
from domain.samples import SlaTargets
from domain.services.settings import (
    ScheduleInput,
    SettingsError,
    TeamNotFoundError,
    clear_team_business_hours,
    set_business_hours,
    set_case_mix,
    set_sla_targets,
)

SetBusinessHoursResult = Annotated[
    BusinessHours | ValidationError | NotFoundError, strawberry.union("SetBusinessHoursResult")
]
ClearTeamBusinessHoursResult = Annotated[
    TeamBusinessHoursCleared | NotFoundError, strawberry.union("ClearTeamBusinessHoursResult")
]
SetSlaTargetsResult = Annotated[
    SlaTargetsType | ValidationError, strawberry.union("SetSlaTargetsResult")
]
SetCaseMixResult = Annotated[
    CaseMixSettingsType | ValidationError, strawberry.union("SetCaseMixSettingsResult")
]


@strawberry.type
class SettingsMutation:
    @strawberry.mutation(
        extensions=requires(Scope.ADMIN),
        description="Add a business-hours version (split shifts, holidays); "
        "history from its date is recomputed.",
    )
    async def set_business_hours(
        self, info: Info, input: BusinessHoursInput
    ) -> SetBusinessHoursResult:
        team = str(input.team_id) if input.team_id else None
        try:
            schedule = ScheduleInput(
                effective_from=input.effective_from,
                weekly={
                    d.day.value: [(_time(i.start), _end(i.end)) for i in d.intervals]
                    for d in input.weekly
                },
                holidays=input.holidays,
            )
            cal = await info.context.write(
                lambda uow: set_business_hours(uow, team_id=team, schedule=schedule)
            )
        except TeamNotFoundError as exc:
            return NotFoundError(message=str(exc))
        except SettingsError as exc:
            return ValidationError(message=str(exc), field=exc.field)
        return BusinessHours.of(team, cal)

    @strawberry.mutation(
        extensions=requires(Scope.ADMIN),
        description="Remove a team's own business hours: the team follows the tenant's "
        "hours again over its whole history, which is recomputed.",
    )
    async def clear_team_business_hours(
        self, info: Info, team_id: strawberry.ID
    ) -> ClearTeamBusinessHoursResult:
        try:
            await info.context.write(lambda uow: clear_team_business_hours(uow, str(team_id)))
        except TeamNotFoundError as exc:
            return NotFoundError(message=str(exc))
        return TeamBusinessHoursCleared(team_id=team_id)

    @strawberry.mutation(
        extensions=requires(Scope.ADMIN),
        description="First-response and resolution targets per channel; all history is recomputed.",
    )
    async def set_sla_targets(self, info: Info, input: SlaTargetsInput) -> SetSlaTargetsResult:
        targets = SlaTargets(
            first_response={t.channel: t.seconds for t in input.first_response},
            resolution={t.channel: t.seconds for t in input.resolution},
            business_basis=input.basis == Basis.BUSINESS,
        )
        try:
            await info.context.write(lambda uow: set_sla_targets(uow, targets))
        except SettingsError as exc:
            return ValidationError(message=str(exc), field=exc.field)
        return SlaTargetsType.of(targets)

    @strawberry.mutation(
        extensions=requires(Scope.ADMIN),
        description="Case-mix settings (SPEC §8): pooling and sample minimums, the "
        "reference population; all history is recomputed.",
    )
    async def set_case_mix_settings(
        self, info: Info, input: CaseMixSettingsInput
    ) -> SetCaseMixResult:
        try:
            policy = await info.context.write(
                lambda uow: set_case_mix(
                    uow,
                    min_stratum=input.min_stratum,
                    min_sample=input.min_sample,
                    by_team=input.by_team,
                    enabled=input.enabled,
                )
            )
        except SettingsError as exc:
            return ValidationError(message=str(exc), field=exc.field)
        return CaseMixSettingsType.of(policy)


def _time(text: str) -> time:
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise SettingsError(f"{text!r} is not a HH:MM time", "weekly") from None


def _end(text: str) -> time | None:
    return None if text in ("24:00", "24:00:00") else _time(text)
