"""Swapping a ticket's samples returns what it touched — the old rows' and the new rows'
(day, agent, team), the team being the ticket's or else the agent's on that day — the same
on both storages (PostgreSQL reads them from what its DELETE and INSERT return)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from domain.events import AgentUpserted
from domain.ports import StoredSample, TenantProfile, Touch
from infra.bootstrap import Container

JOINED = datetime(2026, 1, 5, 9, tzinfo=UTC)


def sample(
    origin: str, seq: int, metric: str, agent: str, team: str | None, day: date
) -> StoredSample:
    at = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    return StoredSample(
        "generic", origin, seq, metric, agent, team, at, day, 60.0, None, None, None
    )


def test_a_swap_returns_the_touches_of_the_rows_it_removed_and_added(
    container: Container, tenant: TenantProfile
) -> None:
    with container.uow(tenant.id) as uow:
        profile = AgentUpserted("p1", JOINED, "ada", "Ada", team_id="tier1")
        uow.directory.upsert_agents("generic", [profile], timezone="UTC")
        ada = uow.directory.agent_ids("generic", ["ada"])["ada"]
        teams = uow.directory.team_ids("generic", {"tier1", "tier2"})
        tier1, tier2 = teams["tier1"], teams["tier2"]
        old = [sample("t1", 0, "resolution_time", ada, None, date(2026, 3, 3))]
        uow.samples.replace("generic", ["t1"], old)
        new = [
            sample("t1", 0, "tickets_solved", ada, None, date(2026, 3, 4)),
            sample("t1", 1, "resolution_time", ada, tier2, date(2026, 3, 4)),
        ]
        touched = uow.samples.replace("generic", ["t1", "t2"], new)
        kept = uow.samples.replace("generic", ["t2"], [])
    assert touched == {
        Touch(date(2026, 3, 3), ada, tier1, True),  # removed: the agent's team that day
        Touch(date(2026, 3, 4), ada, tier1, False),
        Touch(date(2026, 3, 4), ada, tier2, True),  # the ticket's own team
    }
    assert kept == set()
