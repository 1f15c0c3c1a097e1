"""Ports: what domain services need from storage, stated as Protocols.

infra implements them over SQL; unit tests implement them in memory. A repository
is always bound to one tenant (`TenantId`), so a service cannot reach another's rows.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, NewType, Protocol, Self

from domain.audit import AuditLog
from domain.casemix.apply import Strata
from domain.clients import ApiClients
from domain.derivation.outbox import Outbox
from domain.events import AgentUpserted
from domain.fold import TicketFacts
from domain.goals.ports import Goals
from domain.identities import Identities
from domain.intake_ports import Deliveries, EventLog
from domain.integrations import Integrations
from domain.memberships import Statement, TeamHistory, TeamMove
from domain.metrics import Basis, Level
from domain.model import KpiModel
from domain.periods import Period
from domain.scoring import MetricField
from domain.snapshots import ScoredGroup, ScoringRow, Snapshot
from domain.values import Aggregate, MetricSet, StreamKey

if TYPE_CHECKING:  # domain.views imports this module
    from domain.views import AgentView, ExternalId, TeamView

# Only a verified principal (token, webhook integration, operator CLI) makes one.
TenantId = NewType("TenantId", str)


@dataclass(frozen=True, slots=True)
class TenantProfile:
    id: TenantId
    slug: str
    name: str
    timezone: str
    settings: Mapping[str, object]


@dataclass(frozen=True, slots=True)
class StoredSample:
    """A sample placed in storage terms: internal ids and the local day."""

    source: str
    origin: str
    seq: int
    metric: str
    agent_id: str | None
    team_id: str | None
    at: datetime
    local_day: date
    value: float
    business: float | None
    channel: str | None = None  # the ticket's stratum at `at` (domain.samples.Sample)
    priority: str | None = None


@dataclass(frozen=True, slots=True)
class Touch:
    """A (day, agent, team) whose aggregates a change may have moved.

    `team_id` is already resolved (ticket team, else the agent's team). `case_mix`: the
    change may have moved a case-mix sample (SPEC §8: an adjusted metric's, or its
    attribution), and with it the period's references for every subject."""

    local_day: date
    agent_id: str | None
    team_id: str | None
    case_mix: bool = False


class Directory(Protocol):
    """Agents and teams, found or created by their id in a source system."""

    def agent_ids(
        self, source: str, external_ids: Collection[str], *, create: bool = True
    ) -> dict[str, str]: ...

    def team_ids(self, source: str, external_ids: Collection[str]) -> dict[str, str]: ...

    def upsert_agents(
        self, source: str, events: Sequence[AgentUpserted], *, timezone: str
    ) -> list[TeamMove]:
        """Apply the latest profile per agent; every event states the agent's team from
        its local day on. Returns the stretches of days whose team changed."""
        ...

    def state_teams(self, stated: Mapping[str, Iterable[Statement]]) -> list[TeamMove]:
        """Add team statements per agent id; returns the stretches of days that moved."""
        ...

    def teams_of_agents(
        self, agent_ids: Collection[str], *, on: date | None = None
    ) -> dict[str, str | None]:
        """Each agent's team on the local day `on` (None: the current team)."""
        ...

    def team_history(self, agent_ids: Collection[str]) -> TeamHistory: ...

    def agent(self, agent_id: str) -> AgentView | None: ...

    def team_exists(self, team_id: str) -> bool: ...

    def team(self, team_id: str) -> TeamView | None: ...

    def team_by_identity(self, source: str, external_id: str) -> str | None: ...

    def create_team(self, *, name: str, identity: ExternalId | None) -> str: ...

    def rename_team(self, team_id: str, name: str) -> TeamView | None:
        """The renamed team; None when the tenant has no such team."""
        ...


class Tickets(Protocol):
    def save_facts(
        self,
        source: str,
        facts: Iterable[TicketFacts],
        *,
        agents: Mapping[str, str],
        teams: Mapping[str, str],
    ) -> None:
        """Upsert the ticket rows; `agents`/`teams` map external keys to internal ids."""
        ...


class Samples(Protocol):
    def replace(
        self, source: str, origins: Collection[str], samples: Sequence[StoredSample]
    ) -> set[Touch]:
        """Swap the samples of `origins`; return the touches of old and new rows."""
        ...

    def aggregate(
        self, period: Period, level: Level, subjects: Collection[str] | None
    ) -> dict[str, dict[StreamKey, Aggregate]]:
        """subject → stream → summary for samples dated inside the period."""
        ...

    def aggregate_days(
        self, start: date, end: date, level: Level, subjects: Collection[str] | None
    ) -> dict[str, dict[StreamKey, Aggregate]]:
        """As `aggregate`, for samples dated on local days `start` ≤ day < `end`."""
        ...

    def aggregate_periods(
        self, level: Level, wanted: Mapping[Period, Collection[str]]
    ) -> dict[Period, dict[str, dict[StreamKey, Aggregate]]]:
        """`aggregate` of each period's `wanted` subjects (others may come along), for
        several periods at once (a roll-up's: one statement per level)."""
        ...

    def strata(self, period: Period) -> dict[Level, Strata]:
        """Per level: subject → adjusted stream → stratum → moments, for samples dated
        inside the period (case mix, SPEC §8; the tenant's are the reference)."""
        ...

    def strata_of(
        self, period: Period, agents: Collection[str], teams: Collection[str]
    ) -> dict[Level, Strata]:
        """`strata` of these agents and teams only, and of the tenant."""
        ...

    def touches_of_moves(self, moves: Sequence[TeamMove]) -> set[Touch]:
        """The moved agents' samples dated inside each move, with the old and the new team."""
        ...

    def agents(self) -> list[str]:
        """Every agent with samples."""
        ...

    def days(self, since: date | None) -> list[date]:
        """Local days that have samples (at or after `since`)."""
        ...


class Snapshots(Protocol):
    def save(self, snapshots: Sequence[Snapshot]) -> None: ...

    def for_period(
        self, level: Level, period: Period, subjects: Collection[str] | None = None
    ) -> dict[str, Snapshot]:
        """The stored snapshots of `level` in the period (of `subjects`; None: all)."""
        ...

    def adjusted(self, level: Level, period: Period) -> dict[str, MetricSet]:
        """Every stored `level` snapshot of the period, with only its case-mix adjusted
        metrics (SPEC §8): what a re-adjustment compares, without the rest of the row."""
        ...

    def replace_period(self, period: Period, snapshots: Sequence[Snapshot]) -> None:
        """The period's snapshots become these: a stored subject not among them loses its
        own (one transaction: readers see the old ones until it commits)."""
        ...

    def delete_since(self, since: date | None, *, keep: Collection[Period] = ()) -> None:
        """Drop the snapshots of every period that ends after `since` (None: all), but
        those of the periods in `keep`."""
        ...

    def scoring_inputs(
        self, *, since: date | None, metrics: Collection[tuple[str, Basis]]
    ) -> list[Snapshot]:
        """Snapshots of periods starting on/after `since`, carrying only `metrics` and no
        breakdown: what a re-score needs to read."""
        ...

    def update_scores(self, snapshots: Sequence[Snapshot], *, since: date | None) -> None:
        """Replace the scores of every period starting on/after `since` with these."""
        ...

    def save_many(self, snapshots: Sequence[Snapshot]) -> None:
        """Insert snapshots known to be new (after a clear), as fast as the store allows."""
        ...

    def scoring_rows(
        self, *, since: date | None, fields: Sequence[MetricField], level: Level | None = None
    ) -> Iterator[Sequence[ScoringRow]]:
        """`fields` of every snapshot (of `level`, or all) of periods starting on/after
        `since`, in batches: memory stays bounded whatever the history."""
        ...

    def replace_scores(
        self, batches: Iterable[Iterable[ScoredGroup]], *, since: date | None
    ) -> int:
        """Replace the scores of every period starting on/after `since` with these; a
        batch is taken only once the one before is written (so making it may read)."""
        ...


@dataclass(frozen=True, slots=True)
class ModelVersion:
    """One stored version of a KPI model; `active` = part of its scope's scoring timeline."""

    model: KpiModel
    active: bool
    created_at: datetime


class Models(Protocol):
    def effective(self, on: date, level: Level, team_id: str | None) -> KpiModel: ...

    def effective_in_scope(self, on: date, team_id: str | None) -> ModelVersion | None: ...

    def timeline(self) -> list[ModelVersion]: ...

    def versions(self, model_id: str | None = None) -> list[ModelVersion]: ...

    def next_version(self, model_id: str) -> int: ...

    def add(self, model: KpiModel, *, active: bool) -> ModelVersion: ...


class Figures(Protocol):
    def active_users(self, period: Period) -> int | None: ...

    def active_users_of(self, periods: Collection[Period] | None) -> dict[Period, int]:
        """`active_users` of several periods at once (those without a figure are left out);
        None: of every period the tenant has a figure for."""
        ...

    def set_active_users(self, period: Period, count: int) -> None: ...


class TenantSettings(Protocol):
    def get(self) -> dict[str, Any]: ...

    def put(self, key: str, value: object) -> None: ...

    def update_profile(self, *, name: str, timezone: str) -> None:
        """Set the tenant's display name and IANA timezone."""
        ...


class UnitOfWork(Protocol):
    """One transaction over one tenant's repositories (`with uow:` … `uow.commit()`)."""

    @property
    def tenant(self) -> TenantProfile: ...

    @property
    def events(self) -> EventLog: ...

    @property
    def directory(self) -> Directory: ...

    @property
    def tickets(self) -> Tickets: ...

    @property
    def samples(self) -> Samples: ...

    @property
    def snapshots(self) -> Snapshots: ...

    @property
    def models(self) -> Models: ...

    @property
    def deliveries(self) -> Deliveries: ...

    @property
    def figures(self) -> Figures: ...

    @property
    def settings(self) -> TenantSettings: ...

    @property
    def outbox(self) -> Outbox: ...

    @property
    def integrations(self) -> Integrations: ...

    @property
    def identities(self) -> Identities: ...

    @property
    def api_clients(self) -> ApiClients: ...

    @property
    def audit(self) -> AuditLog: ...

    @property
    def goals(self) -> Goals: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...
