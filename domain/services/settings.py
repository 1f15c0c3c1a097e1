"""Admin settings that change how history is measured: business hours, SLA targets and
case mix.

Both are read when tickets are folded, so a change needs a recompute of the history it
covers: the caller enqueues one after commit (from `effective_from` for business hours).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, time

from domain import limits
from domain.business_hours import BusinessCalendar, Interval, WeeklySchedule
from domain.casemix import CaseMixPolicy
from domain.derivation.outbox import Redo
from domain.limits import check_length
from domain.policy import (
    BUSINESS_HOURS,
    CASE_MIX,
    SLA,
    TEAM_BUSINESS_HOURS,
    calendar,
    case_mix_json,
)
from domain.ports import UnitOfWork
from domain.samples import SlaTargets


class SettingsError(ValueError):
    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


class TeamNotFoundError(SettingsError):
    """The settings name a team the tenant does not have."""


@dataclass(frozen=True, slots=True)
class ScheduleInput:
    effective_from: date
    weekly: Mapping[int, Sequence[tuple[time, time | None]]]  # 0 = Monday; end None = 24:00
    holidays: Sequence[date] | None = None  # None: keep the holidays already planned


def business_hours(uow: UnitOfWork, team_id: str | None) -> BusinessCalendar | None:
    return calendar_of(uow.settings.get(), team_id)


def calendar_of(settings: Mapping[str, object], team_id: str | None) -> BusinessCalendar | None:
    if team_id is None:
        return calendar(settings.get(BUSINESS_HOURS))
    teams = settings.get(TEAM_BUSINESS_HOURS) or {}
    return calendar(teams.get(team_id)) if isinstance(teams, Mapping) else None


def set_business_hours(
    uow: UnitOfWork, *, team_id: str | None, schedule: ScheduleInput
) -> BusinessCalendar:
    """Add (or replace) the schedule version effective from `schedule.effective_from`."""
    if team_id is not None and not uow.directory.team_exists(team_id):
        raise TeamNotFoundError(f"no team {team_id!r}", "teamId")
    current = business_hours(uow, team_id)
    versions = [v for v in (current.versions if current else ()) if v[0] != schedule.effective_from]
    holidays = schedule.holidays
    if holidays is None:  # carry forward the holidays still ahead of the new version
        previous = current.schedule_on(schedule.effective_from) if current else None
        holidays = [
            d for d in (previous.holidays if previous else ()) if d >= schedule.effective_from
        ]
    try:
        week = {
            day: tuple(Interval(start, end) for start, end in intervals)
            for day, intervals in schedule.weekly.items()
        }
        version = (schedule.effective_from, WeeklySchedule(week, frozenset(holidays)))
        updated = BusinessCalendar(uow.tenant.timezone, tuple(sorted([*versions, version])))
    except ValueError as exc:
        raise SettingsError(str(exc), "schedule") from None
    _store_calendar(uow, team_id, updated.to_json())
    uow.outbox.request(Redo.REBUILD, since=schedule.effective_from)
    return updated


def clear_team_business_hours(uow: UnitOfWork, team_id: str) -> None:
    """The team follows the tenant's hours again, over its whole history (every version of
    its own hours goes, so all history is re-measured)."""
    if not uow.directory.team_exists(team_id):
        raise TeamNotFoundError(f"no team {team_id!r}", "teamId")
    _store_calendar(uow, team_id, None)
    uow.outbox.request(Redo.REBUILD)


def _store_calendar(uow: UnitOfWork, team_id: str | None, value: object) -> None:
    if team_id is None:
        uow.settings.put(BUSINESS_HOURS, value)
        return
    teams = dict(uow.settings.get().get(TEAM_BUSINESS_HOURS) or {})
    if value is None:
        teams.pop(team_id, None)
    else:
        teams[team_id] = value
    uow.settings.put(TEAM_BUSINESS_HOURS, teams or None)


def set_sla_targets(uow: UnitOfWork, targets: SlaTargets) -> SlaTargets:
    for kind, table in (
        ("firstResponse", targets.first_response),
        ("resolution", targets.resolution),
    ):
        for channel, seconds in table.items():
            check_length(
                channel, limit=limits.KEY, field=kind, error=SettingsError, what="a channel name"
            )
            if not seconds > 0:
                raise SettingsError(f"the {channel} target must be positive", kind)
    uow.settings.put(
        SLA,
        {
            "first_response": dict(targets.first_response),
            "resolution": dict(targets.resolution),
            "basis": "BUSINESS" if targets.business_basis else "CALENDAR",
        },
    )
    uow.outbox.request(Redo.REBUILD)
    return targets


def set_case_mix(
    uow: UnitOfWork, *, min_stratum: int, min_sample: int, by_team: bool, enabled: bool = True
) -> CaseMixPolicy:
    """Case-mix settings (SPEC §8); snapshots store the adjustments, so history is
    re-measured."""
    try:
        policy = CaseMixPolicy(
            min_stratum=min_stratum, min_sample=min_sample, by_team=by_team, enabled=enabled
        )
    except ValueError as exc:
        raise SettingsError(str(exc), "minStratum" if min_stratum < 2 else "minSample") from None
    uow.settings.put(CASE_MIX, case_mix_json(policy))
    uow.outbox.request(Redo.REBUILD)
    return policy
