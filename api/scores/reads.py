"""How agentScores, teamScores and tenantMetrics read a period: one definition, shared by
the GraphQL resolvers and the CSV exports so both answer the same values."""

from __future__ import annotations

from typing import cast

from api.scores.types import empty_values, scored_fields
from domain.metrics import Level
from domain.periods import Period
from domain.views import AgentView, TeamView, TenantReads

ScoredFields = dict[str, object]  # the `Scored` fields of one subject (see scored_fields)


def total_of(fields: ScoredFields) -> float | None:
    return cast(float | None, fields["total"])


AgentRow = tuple[AgentView, ScoredFields]
Rank = tuple[bool, float, str, str]  # (no total, -total, name, id): sorts best first


def rank(row: AgentRow) -> Rank:
    """The place of an agent in agentScores: best total first (none last), then by name
    and id. agentScoresConnection's cursors are these values."""
    total = total_of(row[1])
    return (total is None, -(total or 0), row[0].name, row[0].id)


def agent_scores(reads: TenantReads, period: Period, *, team_id: str | None) -> list[AgentRow]:
    """Every active agent (of `team_id`, if given), in `rank` order."""
    agents, snapshots = (
        reads.agents(team_id=team_id, active=True),
        reads.snapshots(Level.AGENT, period),
    )
    empty = empty_values(Level.AGENT)
    rows = [(a, scored_fields(period, snapshots.get(a.id), empty)) for a in agents]
    return sorted(rows, key=rank)


def team_scores(reads: TenantReads, period: Period) -> list[tuple[TeamView, ScoredFields]]:
    teams, snapshots = reads.teams(), reads.snapshots(Level.TEAM, period)
    empty = empty_values(Level.TEAM)
    return [(t, scored_fields(period, snapshots.get(t.id), empty)) for t in teams]


def tenant_metrics(reads: TenantReads, period: Period, *, tenant_id: str) -> ScoredFields:
    snapshots = reads.snapshots(Level.TENANT, period, [tenant_id])
    return scored_fields(period, snapshots.get(tenant_id), empty_values(Level.TENANT))
