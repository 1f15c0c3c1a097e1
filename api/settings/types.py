"""GraphQL types for business hours and SLA targets."""

from __future__ import annotations

from datetime import date, time
from enum import Enum

import strawberry

from api.scores.types import BasisEnum
from domain.business_hours import BusinessCalendar
from domain.casemix import CaseMixPolicy
from domain.metrics import Basis
from domain.samples import SlaTargets


@strawberry.enum
class Weekday(Enum):
    MON = 0
    TUE = 1
    WED = 2
    THU = 3
    FRI = 4
    SAT = 5
    SUN = 6


@strawberry.type
class OpeningInterval:
    start: str = strawberry.field(description="HH:MM local time")
    end: str = strawberry.field(description="HH:MM local time; 24:00 is the end of the day")


@strawberry.type
class DayHours:
    day: Weekday
    intervals: list[OpeningInterval]


@strawberry.type
class ScheduleVersion:
    effective_from: date
    weekly: list[DayHours]
    holidays: list[date]


@strawberry.type
class BusinessHours:
    team_id: strawberry.ID | None
    timezone: str
    versions: list[ScheduleVersion]

    @classmethod
    def of(cls, team_id: str | None, cal: BusinessCalendar) -> BusinessHours:
        versions = [
            ScheduleVersion(
                effective_from=effective,
                weekly=[
                    DayHours(
                        day=Weekday(day),
                        intervals=[
                            OpeningInterval(start=_clock(i.start), end=_clock(i.end))
                            for i in intervals
                        ],
                    )
                    for day, intervals in sorted(schedule.intervals.items())
                ],
                holidays=sorted(schedule.holidays),
            )
            for effective, schedule in cal.versions
        ]
        return cls(
            team_id=strawberry.ID(team_id) if team_id else None,
            timezone=cal.timezone,
            versions=versions,
        )


@strawberry.type(description="The team follows the tenant's business hours again")
class TeamBusinessHoursCleared:
    team_id: strawberry.ID


def _clock(value: time | None) -> str:
    return "24:00" if value is None else value.strftime("%H:%M")


@strawberry.input
class IntervalInput:
    start: str
    end: str


@strawberry.input
class DayHoursInput:
    day: Weekday
    intervals: list[IntervalInput]


@strawberry.input
class BusinessHoursInput:
    effective_from: date
    weekly: list[DayHoursInput]
    holidays: list[date] | None = strawberry.field(
        default=None, description="Omit to keep the holidays already planned after the date"
    )
    team_id: strawberry.ID | None = strawberry.field(
        default=None, description="A team with its own hours; omit for the tenant's"
    )


@strawberry.type
class ChannelTarget:
    channel: str = strawberry.field(description='A ticket channel, or "*" for any other')
    seconds: float


@strawberry.input
class ChannelTargetInput:
    channel: str
    seconds: float


@strawberry.type(name="SlaTargets")
class SlaTargetsType:
    basis: BasisEnum  # type: ignore[valid-type]
    first_response: list[ChannelTarget]
    resolution: list[ChannelTarget]

    @classmethod
    def of(cls, targets: SlaTargets) -> SlaTargetsType:
        return cls(
            basis=Basis.BUSINESS if targets.business_basis else Basis.CALENDAR,
            first_response=[
                ChannelTarget(channel=c, seconds=s)
                for c, s in sorted(targets.first_response.items())
            ],
            resolution=[
                ChannelTarget(channel=c, seconds=s) for c, s in sorted(targets.resolution.items())
            ],
        )


@strawberry.input
class SlaTargetsInput:
    basis: BasisEnum = Basis.CALENDAR  # type: ignore[valid-type]
    first_response: list[ChannelTargetInput] = strawberry.field(default_factory=list)
    resolution: list[ChannelTargetInput] = strawberry.field(default_factory=list)


@strawberry.type(name="CaseMixSettings")
class CaseMixSettingsType:
    """How case mix is computed (SPEC §8; docs/metrics.md, Case mix)."""

    min_stratum: int = strawberry.field(
        description="Reference observations a stratum needs to stand alone (else pooled)"
    )
    min_sample: int = strawberry.field(
        description="A subject's observations an adjusted value needs (else null)"
    )
    reference: str = strawberry.field(description="TENANT, or TEAM: an agent's own team")
    enabled: bool

    @classmethod
    def of(cls, policy: CaseMixPolicy) -> CaseMixSettingsType:
        return cls(
            min_stratum=policy.min_stratum,
            min_sample=policy.min_sample,
            reference="TEAM" if policy.by_team else "TENANT",
            enabled=policy.enabled,
        )


DEFAULT_CASE_MIX = CaseMixPolicy()


@strawberry.input
class CaseMixSettingsInput:
    min_stratum: int = DEFAULT_CASE_MIX.min_stratum
    min_sample: int = DEFAULT_CASE_MIX.min_sample
    by_team: bool = strawberry.field(
        default=False, description="Compare each agent with its own team, not the tenant"
    )
    enabled: bool = True
