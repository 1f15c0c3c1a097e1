"""Read models the API serves: plain values, never ORM rows."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from domain.integrations import IntegrationReads
from domain.metrics import Level
from domain.periods import Grain, Period
from domain.quality.ports import QualityReads
from domain.snapshots import Snapshot


@dataclass(frozen=True, slots=True)
class ExternalId:
    source: str
    id: str


@dataclass(frozen=True, slots=True)
class AgentView:
    id: str
    name: str
    email: str | None
    team_id: str | None
    active: bool
    external_ids: tuple[ExternalId, ...] = field(default=())

    @property
    def external_id(self) -> str | None:
        return self.external_ids[0].id if self.external_ids else None


@dataclass(frozen=True, slots=True)
class TeamView:
    id: str
    name: str
    external_ids: tuple[ExternalId, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class TicketView:
    source: str
    external_id: str
    channel: str | None
    requester_id: str | None
    status: str
    team_id: str | None
    assignee_id: str | None
    created_at: datetime | None
    first_reply_at: datetime | None
    first_solved_at: datetime | None
    reopen_count: int
    public_agent_reply_count: int
    event_count: int


@dataclass(frozen=True, slots=True)
class TicketFilter:
    """A drill-down's ticket filters; unset ones match every ticket."""

    team_id: str | None = None
    agent_id: str | None = None  # the assignee
    statuses: frozenset[str] = frozenset()  # any of these; empty: any status
    channel: str | None = None
    created: Period | None = None  # created in this tenant-local period
    solved: Period | None = None  # first solved in it


@dataclass(frozen=True, slots=True)
class TicketPosition:
    """Where a page of tickets ends, in their order: newest created first (tickets
    not yet created last), then by source and external id."""

    created_at: datetime | None
    source: str
    external_id: str


@dataclass(frozen=True, slots=True)
class TicketSampleView:
    """One observation a ticket contributes to a metric stream."""

    metric: str
    at: datetime
    agent_id: str | None
    value: float
    business: float | None
    channel: str | None = None  # the ticket's stratum at `at` (SPEC §8)
    priority: str | None = None


class TicketReads(Protocol):
    def page(
        self, wanted: TicketFilter, *, first: int, after: TicketPosition | None
    ) -> Sequence[TicketView]: ...

    def count(self, wanted: TicketFilter) -> int: ...

    def samples(
        self, keys: Collection[tuple[str, str]]
    ) -> dict[tuple[str, str], list[TicketSampleView]]:
        """The samples of each (source, external id), in one statement."""
        ...


class TenantReads(Protocol):
    """Everything the read API asks of storage, bound to one tenant."""

    def agents(
        self,
        *,
        team_id: str | None = None,
        active: bool | None = None,
        first: int | None = None,
        after: tuple[str, str] | None = None,
    ) -> Sequence[AgentView]:
        """By name, then id; at most `first` (None: all) past `after`, the (name, id) of
        the last agent seen."""
        ...

    def agent_count(self, *, team_id: str | None = None, active: bool | None = None) -> int: ...

    def agents_by_id(self, ids: Collection[str]) -> dict[str, AgentView]: ...

    def teams(self) -> Sequence[TeamView]: ...

    def teams_by_id(self, ids: Collection[str]) -> dict[str, TeamView]: ...

    def ticket(self, external_id: str, source: str | None) -> TicketView | None: ...

    @property
    def tickets(self) -> TicketReads:
        """Filtered, paged tickets and their samples."""
        ...

    def settings(self) -> dict[str, Any]:
        """The tenant's settings document (business hours, SLA targets, …)."""
        ...

    @property
    def quality(self) -> QualityReads:
        """Scorecards, reviews, assignments, calibration, values and surveys."""
        ...

    @property
    def integrations(self) -> IntegrationReads:
        """Webhook integrations, stored deliveries and agent merges (admin reads)."""
        ...

    def snapshots(
        self, level: Level, period: Period, subjects: Collection[str] | None = None
    ) -> dict[str, Snapshot]: ...

    def subject_snapshots(
        self, level: Level, subject_id: str, periods: Collection[Period]
    ) -> dict[Period, Snapshot]:
        """One subject's snapshots of several periods at once (a trend)."""
        ...

    def subject_history(
        self, level: Level, subject_id: str, grain: Grain, *, first: date, last: date
    ) -> dict[Period, Snapshot]:
        """One subject's snapshots of the `grain` periods starting in [first, last], in one
        statement (a trend of any length)."""
        ...
