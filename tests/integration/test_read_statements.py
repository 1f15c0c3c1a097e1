"""agentScores reads a period in as many SQL statements for 10 agents as for 510 (issue 12):
a property of the read path's shape, not a timing. 510 crosses the 500-id lists that
the directory reads are chunked in elsewhere (infra.db.sql.CHUNK)."""

from __future__ import annotations

import random
from datetime import date

from domain.metrics import Basis, Level
from domain.periods import Grain, Period
from domain.ports import TenantProfile
from domain.scoring import score
from domain.snapshots import Snapshot
from domain.values import Aggregate, metric_values
from infra import admin
from infra.bootstrap import Container
from tests.factories import agent_profile
from tests.support.api import access_token, api_client, graphql_data
from tests.support.sql import statements

MONTH = Period(Grain.MONTH, date(2025, 3, 1))
AGENT_SCORES = """query($p: PeriodInput!) { agentScores(period: $p) {
  agent { id name externalIds { source id } } total
  metrics { key value sampleSize ciLow ciHigh } components { metric points status } } }"""


def _tenant_with_agents(container: Container, slug: str, agents: int) -> TenantProfile:
    """`agents` agents in 3 teams, each with a scored MONTH snapshot (written as the
    roll-up writes them)."""
    tenant = admin.create_tenant(container, slug=slug, name=slug, timezone="UTC")
    profiles = [agent_profile(f"a{n}", team=f"t{n % 3}") for n in range(agents)]
    admin.apply_canonical(container, tenant.id, source="generic", events=profiles)
    rng = random.Random(agents)
    with container.uow(tenant.id, exclusive=True) as uow:
        model = uow.models.effective(MONTH.start, Level.AGENT, None)
        snapshots = []
        for agent in uow.reads.agents(active=True):
            solved = rng.randint(5, 50)
            summaries = {
                ("tickets_solved", Basis.CALENDAR): Aggregate(solved, solved),
                ("csat", Basis.CALENDAR): Aggregate(solved, rng.randint(0, solved)),
                ("reopen_rate", Basis.CALENDAR): Aggregate(solved, rng.randint(0, solved)),
                ("first_response_time", Basis.CALENDAR): Aggregate(solved, 600.0 * solved, 500),
            }
            values = metric_values(summaries, level=Level.AGENT)
            breakdown = score(model, values)
            snapshots.append(Snapshot(Level.AGENT, agent.id, MONTH, values, breakdown, model.id))
        uow.snapshots.save_many(snapshots)
        uow.commit()
    return tenant


def test_agent_scores_statements_do_not_grow_with_agents(container: Container) -> None:
    client = api_client(container)

    def count(agents: int) -> int:
        tenant = _tenant_with_agents(container, f"reads-{agents}", agents)
        token = access_token(client, container, tenant.id)
        period = {"grain": "MONTH", "start": MONTH.start.isoformat()}
        graphql_data(client, token, AGENT_SCORES, p=period)  # warms per-process caches
        with statements(container, r".") as seen:
            rows = graphql_data(client, token, AGENT_SCORES, p=period)["agentScores"]
        assert len(rows) == agents
        assert all(r["total"] is not None and r["agent"]["externalIds"] for r in rows)
        return len(seen)

    few, many = count(10), count(510)
    assert few == many, (few, many)
