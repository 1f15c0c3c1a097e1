"""An agent's team is a history (SPEC §4, issue 10 item 5; updateAgent, issue 12 item 5):
a move re-attributes only from its day on; the old team's past periods keep their numbers,
whether the move comes from a helpdesk's `agent.upserted` or an admin's `updateAgent`."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import text
from starlette.testclient import TestClient

from domain.events import format_time
from domain.ports import TenantId, TenantProfile
from infra import admin
from infra.bootstrap import Container
from infra.queue import InProcessJobQueue
from infra.synthetic import Shape, generate
from tests.factories import Ticket
from tests.oracle.spec_oracle import compute
from tests.support.api import access_token, graphql, graphql_data
from tests.support.compare import Table, all_grains, from_snapshots, mismatches
from tests.support.owner import owner_engine

MOVE_DAY = "2026-06-15"
UPDATE = """mutation ($input: UpdateAgentInput!) {
  updateAgent(input: $input) {
    __typename
    ... on Agent { id active team { id externalId } }
    ... on ValidationError { message field }
    ... on NotFoundError { message }
  }
}"""
AGENTS = "{ agents { id externalId team { id externalId } } }"
TEAMS = "{ teams { id externalId } }"
AUDIT = "{ auditLog(first: 5) { edges { node { action outcome details } } } }"


def upsert(agent: str, team: str | None, at: datetime) -> dict[str, Any]:
    return {
        "id": f"profile-{agent}-{at.isoformat()}-{team}",
        "type": "agent.upserted",
        "occurred_at": format_time(at),
        "agent_id": agent,
        "name": agent,
        "team_id": team,
    }


def solved(ticket: str, day: str, agent: str) -> list[dict[str, Any]]:
    """A ticket without a team of its own, answered and solved by `agent` on `day`."""
    base = datetime.fromisoformat(f"{day}T08:00:00+00:00")
    t = Ticket(ticket, base=base).created(0, assignee=agent).customer(1).agent(30, agent)
    return t.solve(60).events


def history() -> list[dict[str, Any]]:
    return [
        upsert("ag1", "t1", datetime(2026, 5, 1, tzinfo=UTC)),
        upsert("ag2", "t1", datetime(2026, 5, 1, tzinfo=UTC)),
        upsert("ag3", "t2", datetime(2026, 5, 1, tzinfo=UTC)),
        *solved("M1", "2026-05-10", "ag1"),
        *solved("J1", "2026-06-05", "ag1"),
        *solved("J2", "2026-06-20", "ag1"),
        *solved("J3", "2026-06-20", "ag2"),
        *solved("L1", "2026-07-03", "ag1"),
    ]


# 22:30 UTC on June 14 is June 15 in Berlin: the move counts from the local day on.
HELPDESK_MOVE = upsert("ag1", "t2", datetime(2026, 6, 14, 22, 30, tzinfo=UTC))


def drain(container: Container) -> None:
    assert isinstance(container.queue, InProcessJobQueue)
    container.queue.join()


def apply(container: Container, tenant: TenantId, events: list[dict[str, Any]]) -> None:
    admin.apply_canonical(container, tenant, source="generic", events=events)
    drain(container)


def tables(container: Container, tenant: TenantId) -> dict[str, Table]:
    return {g: from_snapshots(container, tenant, g) for g in ("DAY", "WEEK", "MONTH")}


def solves(table: Table, team: str, period: str) -> int | None:
    found = table["team"].get(team, {}).get(period, {}).get("tickets_solved")
    return None if found is None else int(found["value"])


def before(table: Table, day: str) -> Table:
    """Every entry of periods starting before `day`."""
    out: Table = {}
    for level, subjects in table.items():
        for subject, by_period in subjects.items():
            for period, entry in by_period.items():
                if period < day:
                    out.setdefault(level, {}).setdefault(subject, {})[period] = entry
    return out


def computed_at(container: Container, tenant: TenantId) -> dict[tuple[str, ...], Any]:
    sql = text(
        "SELECT subject_type, subject_id, grain, period_start, computed_at "
        "FROM score_snapshot WHERE tenant_id = :tenant"
    )
    with owner_engine(container).connect() as conn:
        rows = conn.execute(sql, {"tenant": tenant})
        return {(kind, subject, grain, str(start)): at for kind, subject, grain, start, at in rows}


def assert_moved(after: dict[str, Table]) -> None:
    """ag1 in t1 until June 14, in t2 from June 15 (Berlin) on."""
    day, month = after["DAY"], after["MONTH"]
    assert solves(day, "t1", "2026-06-05") == 1
    assert solves(day, "t1", "2026-06-20") == 1  # ag2's, who stayed
    assert solves(day, "t2", "2026-06-20") == 1  # ag1's, after the move
    assert solves(month, "t1", "2026-05-01") == 1
    assert solves(month, "t1", "2026-06-01") == 2
    assert solves(month, "t2", "2026-06-01") == 1
    assert solves(month, "t2", "2026-07-01") == 1
    assert month["team"]["t1"].get("2026-07-01") is None


def test_a_helpdesk_move_keeps_the_old_teams_past_and_touches_only_later_periods(
    container: Container, tenant: TenantProfile
) -> None:
    apply(container, tenant.id, history())
    old = tables(container, tenant.id)
    old_times = computed_at(container, tenant.id)
    assert solves(old["MONTH"], "t1", "2026-06-01") == 3  # everyone in t1 so far

    apply(container, tenant.id, [HELPDESK_MOVE])
    new = tables(container, tenant.id)

    assert_moved(new)
    for grain in ("DAY", "WEEK"):
        assert before(new[grain], MOVE_DAY) == before(old[grain], MOVE_DAY)
    assert new["MONTH"]["team"]["t1"]["2026-05-01"] == old["MONTH"]["team"]["t1"]["2026-05-01"]
    # only periods from the move's day on were re-scored (the week of June 15 starts on it)
    rescored = {k for k, at in computed_at(container, tenant.id).items() if old_times.get(k) != at}
    assert rescored, "the move re-scored nothing"
    assert {k[3] for k in rescored if k[2] in ("DAY", "WEEK")} >= {"2026-06-20"}
    assert all(k[3] >= MOVE_DAY for k in rescored if k[2] in ("DAY", "WEEK"))
    assert all(k[3] >= "2026-06-01" for k in rescored if k[2] == "MONTH")


def test_late_duplicated_and_reordered_profiles_give_the_same_history(
    container: Container, tenant: TenantProfile
) -> None:
    apply(container, tenant.id, [*history(), HELPDESK_MOVE])
    expected = tables(container, tenant.id)

    messy_tenant = admin.create_tenant(
        container, slug=f"t-{uuid.uuid4().hex[:8]}", name="Messy", timezone="Europe/Berlin"
    ).id
    events = history()
    random.Random(7).shuffle(events)
    # the move first, the profiles it overrides last and twice, in separate deliveries
    apply(container, messy_tenant, [HELPDESK_MOVE, *events[:6]])
    apply(container, messy_tenant, [*events[6:], HELPDESK_MOVE, *history()[:3]])
    apply(container, messy_tenant, history()[:3])

    assert tables(container, messy_tenant) == expected
    assert_moved(expected)


def ids(client: TestClient, token: str) -> tuple[dict[str, str], dict[str, str]]:
    agents = graphql_data(client, token, AGENTS)["agents"]
    teams = graphql_data(client, token, TEAMS)["teams"]
    return (
        {a["externalId"]: a["id"] for a in agents},
        {t["externalId"]: t["id"] for t in teams},
    )


def update(client: TestClient, token: str, **fields: Any) -> dict[str, Any]:
    data = graphql_data(client, token, UPDATE, input=fields)
    return dict(data["updateAgent"])


def test_update_agent_moves_from_a_date_and_is_audited(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    apply(container, tenant.id, history())
    token = access_token(client, container, tenant.id, scopes=("read", "admin"))
    agents, teams = ids(client, token)
    old = tables(container, tenant.id)

    moved = update(client, token, agentId=agents["ag1"], teamId=teams["t2"], **{"from": MOVE_DAY})
    drain(container)

    assert moved["__typename"] == "Agent"
    assert moved["team"] == {"id": teams["t2"], "externalId": "t2"}
    new = tables(container, tenant.id)
    assert_moved(new)
    for grain in ("DAY", "WEEK"):
        assert before(new[grain], MOVE_DAY) == before(old[grain], MOVE_DAY)
    audit = graphql_data(client, token, AUDIT)["auditLog"]["edges"][0]["node"]
    assert (audit["action"], audit["outcome"]) == ("updateAgent", "ok")

    # no team from July on, and inactive: July's solve is the agent's, no team's
    moved = update(
        client, token, agentId=agents["ag1"], teamId=None, active=False, **{"from": "2026-07-01"}
    )
    drain(container)
    assert (moved["team"], moved["active"]) == (None, False)
    july = tables(container, tenant.id)["MONTH"]
    assert july["team"]["t2"].get("2026-07-01") is None
    assert july["agent"]["ag1"]["2026-07-01"]["tickets_solved"]["value"] == 1
    assert solves(july, "t2", "2026-06-01") == 1  # June stays as moved


def test_a_helpdesk_profile_made_after_the_admin_change_states_the_team_anew(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    apply(container, tenant.id, history())
    token = access_token(client, container, tenant.id, scopes=("read", "admin"))
    agents, teams = ids(client, token)
    update(client, token, agentId=agents["ag1"], teamId=teams["t2"], **{"from": MOVE_DAY})
    drain(container)
    # made before the admin's change: overridden from June 15 on
    apply(container, tenant.id, [upsert("ag1", "t1", datetime(2026, 6, 18, tzinfo=UTC))])
    assert solves(tables(container, tenant.id)["MONTH"], "t2", "2026-06-01") == 1
    # made after it (a profile sync tomorrow): the agent is in t1 from that day on
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    apply(container, tenant.id, [upsert("ag1", "t1", tomorrow)])
    agents_now = graphql_data(client, token, AGENTS)["agents"]
    assert {a["externalId"]: a["team"]["externalId"] for a in agents_now}["ag1"] == "t1"
    assert solves(tables(container, tenant.id)["MONTH"], "t2", "2026-06-01") == 1


def test_update_agent_refuses_unknown_ids_future_days_and_a_bare_date(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    apply(container, tenant.id, history())
    token = access_token(client, container, tenant.id, scopes=("read", "admin"))
    agents, teams = ids(client, token)
    ag1 = agents["ag1"]
    tomorrow = (date.today() + timedelta(days=2)).isoformat()

    assert update(client, token, agentId="nope", active=False)["__typename"] == "NotFoundError"
    assert update(client, token, agentId=ag1, teamId="nope")["__typename"] == "NotFoundError"
    future = update(client, token, agentId=ag1, teamId=teams["t2"], **{"from": tomorrow})
    assert (future["__typename"], future["field"]) == ("ValidationError", "from")
    bare = update(client, token, agentId=ag1, **{"from": MOVE_DAY})
    assert (bare["__typename"], bare["field"]) == ("ValidationError", "from")
    # nothing moved; omitting the team keeps it
    kept = update(client, token, agentId=ag1, active=True)
    assert kept["team"]["externalId"] == "t1"


def test_update_agent_needs_admin_and_stays_in_its_tenant(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    apply(container, tenant.id, history())
    admin_token = access_token(client, container, tenant.id, scopes=("read", "admin"))
    agents, teams = ids(client, admin_token)
    reader = access_token(client, container, tenant.id, scopes=("read",))
    body = graphql(client, reader, UPDATE, input={"agentId": agents["ag1"], "active": False})
    assert body.json()["errors"] and body.json()["data"] is None

    other = admin.create_tenant(
        container, slug=f"t-{uuid.uuid4().hex[:8]}", name="Other", timezone="UTC"
    )
    other_token = access_token(client, container, other.id, scopes=("read", "admin"))
    stranger = update(client, other_token, agentId=agents["ag1"], teamId=None)
    assert stranger["__typename"] == "NotFoundError"
    after = graphql_data(client, admin_token, AGENTS)["agents"]
    assert {a["externalId"]: a["team"]["id"] for a in after}["ag1"] == teams["t1"]


def test_a_full_rebuild_keeps_the_team_history(container: Container, tenant: TenantProfile) -> None:
    """The rebuild (the bulk strategy on PostgreSQL) reads the same history as the
    incremental path: equal snapshots, the old team's past included."""
    apply(container, tenant.id, [*history(), HELPDESK_MOVE])
    incremental = tables(container, tenant.id)
    postgres = not container.settings.is_sqlite
    analysed = last_analyze(container, "agent_team") if postgres else None

    admin.recompute(container, tenant.id, since=None)

    assert tables(container, tenant.id) == incremental
    assert_moved(incremental)
    if postgres:  # the team joins are planned with fresh statistics
        assert (last_analyze(container, "agent_team") or 0.0) > (analysed or 0.0)


def last_analyze(container: Container, table: str) -> float | None:
    with owner_engine(container).connect() as conn:
        return conn.execute(  # type: ignore[no-any-return]
            text(
                "SELECT extract(epoch FROM last_analyze)::float FROM pg_stat_user_tables"
                " WHERE relname = :t AND schemaname = current_schema()"
            ),
            {"t": table},
        ).scalar()


def test_with_moves_the_pipeline_and_the_rebuild_agree_with_the_oracle(
    container: Container, tenant: TenantProfile
) -> None:
    """A synthetic month and a half (from June 1) with agents moving back and forth, some
    team-less tickets, delivered in shuffled batches with duplicates."""
    events = list(generate(Shape(tickets=150, days=45, agents=6, teams=2, seed=11)))
    events += [
        upsert("ag1", "team2", datetime(2026, 6, 10, 22, 30, tzinfo=UTC)),
        upsert("ag1", "team1", datetime(2026, 7, 2, 9, tzinfo=UTC)),
        upsert("ag2", None, datetime(2026, 6, 20, 12, tzinfo=UTC)),
        upsert("ag3", "team1", datetime(2026, 6, 3, 12, tzinfo=UTC)),
    ]
    for n, day in enumerate(("2026-06-05", "2026-06-12", "2026-06-25", "2026-07-05")):
        for agent in ("ag1", "ag2", "ag3"):
            events += solved(f"X{n}{agent}", day, agent)
    rng = random.Random(3)
    stream = events + rng.sample(events, len(events) // 10)
    rng.shuffle(stream)
    for start in range(0, len(stream), 300):
        admin.apply_canonical(
            container, tenant.id, source="generic", events=stream[start : start + 300]
        )
    drain(container)

    incremental = {g: from_snapshots(container, tenant.id, g) for g in all_grains()}
    for grain, table in incremental.items():
        assert mismatches(table, compute(events, timezone=tenant.timezone, grain=grain)) == []
    admin.recompute(container, tenant.id, since=None)
    for grain, table in incremental.items():
        assert mismatches(from_snapshots(container, tenant.id, grain), table) == [], grain
