"""`scoreHistory` (SPEC §6): a trend of one agent, team or the tenant, one point per period,
with the values agentScores/teamScores/tenantMetrics answer for each period, read in a
number of SQL statements that does not grow with the number of periods. A read query: an
unknown or another tenant's subject is null, bad input a BAD_USER_INPUT GraphQL error."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from starlette.testclient import TestClient

from domain.ports import TenantProfile
from infra import admin
from infra.bootstrap import Container
from infra.queue import InProcessJobQueue
from tests.factories import Ticket, agent_profile
from tests.support.api import access_token, api_client, graphql, graphql_data
from tests.support.derive import apply_and_settle
from tests.support.sql import statements

SCORED = "total metrics { key value sampleSize ciLow ciHigh } components { metric points }"
HISTORY = f"""query($s: SubjectInput!, $g: Grain!, $from: Date!, $to: Date!, $m: [String!]) {{
  scoreHistory(subject: $s, grain: $g, from: $from, to: $to, metrics: $m) {{
    periodStart {SCORED} }} }}"""
AGENT_SCORES = f"""query($p: PeriodInput!) {{ agentScores(period: $p) {{
  agent {{ id }} {SCORED} }} }}"""
TEAM_SCORES = f"query($p: PeriodInput!) {{ teamScores(period: $p) {{ team {{ id }} {SCORED} }} }}"
TENANT_METRICS = f"query($p: PeriodInput!) {{ tenantMetrics(period: $p) {{ {SCORED} }} }}"
CREATE = """mutation($model: KpiModelInput!) { createKpiModel(model: $model) {
  ... on KpiModelVersion { id } } }"""
ACTIVATE = """mutation($id: ID!, $from: Date!) { activateKpiModel(id: $id, effectiveFrom: $from) {
  __typename } }"""
# Small samples count, so the months of this story have totals to compare.
MODEL = {
    "name": "Volume and speed",
    "components": [
        {
            "metric": "tickets_solved",
            "weight": 1,
            "target": 3,
            "direction": "HIGHER_IS_BETTER",
            "minSample": 0,
        },
        {
            "metric": "first_response_time",
            "statistic": "MEDIAN",
            "weight": 1,
            "target": 3600,
            "direction": "LOWER_IS_BETTER",
            "minSample": 1,
        },
    ],
}
MONTHS_2025 = [f"2025-{month:02d}-01" for month in range(1, 13)]
QUIET_MONTHS = {4, 9}  # nothing happens in April and September 2025


@dataclass
class Desk:
    client: TestClient
    token: str
    agent: str  # a1's id
    team: str  # tier1's id

    def history(self, subject: dict[str, Any], **args: Any) -> list[dict[str, Any]]:
        found = self.answer(subject, **args)
        assert found is not None
        return found

    def answer(self, subject: dict[str, Any], **args: Any) -> list[dict[str, Any]] | None:
        body = self.body(subject, **args)
        assert not body.get("errors"), body["errors"]
        return body["data"]["scoreHistory"]  # type: ignore[no-any-return]

    def refusal(self, subject: dict[str, Any], **args: Any) -> dict[str, Any]:
        """The one error of a refused request: its message and extensions (code, field)."""
        body = self.body(subject, **args)
        assert body["data"] == {"scoreHistory": None}, body
        [error] = body["errors"]
        return {"message": error["message"], **error["extensions"]}

    def body(self, subject: dict[str, Any], **args: Any) -> dict[str, Any]:
        variables = {"g": "MONTH", "from": "2025-01-01", "to": "2025-12-31", **args}
        response = graphql(self.client, self.token, HISTORY, s=subject, **variables)
        assert response.status_code == 200, response.text
        return dict(response.json())


def year_of_tickets() -> list[dict[str, Any]]:
    """a1 and a2 of tier1 answer and solve 1–3 tickets a month in 2025, except in QUIET_MONTHS."""
    events = [
        agent_profile("a1", team="tier1", minutes=-60 * 24 * 500),
        agent_profile("a2", team="tier1", minutes=-60 * 24 * 500),
    ]
    for month in sorted(set(range(1, 13)) - QUIET_MONTHS):
        base = datetime(2025, month, 10, 9, tzinfo=UTC)
        for n in range(month % 3 + 1):
            agent = "a1" if n % 2 == 0 else "a2"
            t = Ticket(f"M{month}-{n}", base=base).created(n * 60, assignee=agent, team="tier1")
            t.customer(n * 60 + 1).agent(n * 60 + 20 * (n + 1), agent)
            events += (t.solve(n * 60 + 90) if month != 6 or n else t).events
    return events


def drain(container: Container) -> None:
    assert isinstance(container.queue, InProcessJobQueue)
    container.queue.join()


@pytest.fixture
def desk(container: Container, tenant: TenantProfile) -> Desk:
    apply_and_settle(container, tenant.id, source="generic", events=year_of_tickets())
    client = api_client(container)
    token = access_token(client, container, tenant.id, scopes=("read", "admin"))
    model_id = graphql_data(client, token, CREATE, model=MODEL)["createKpiModel"]["id"]
    graphql_data(client, token, ACTIVATE, id=model_id, **{"from": "2024-01-01"})
    drain(container)
    with container.read_uow(tenant.id) as uow:
        agent = next(a.id for a in uow.reads.agents() if a.external_id == "a1")
        (team,) = [t.id for t in uow.reads.teams()]
    return Desk(client, token, agent, team)


def point(scored: dict[str, Any]) -> dict[str, Any]:
    return {k: scored[k] for k in ("total", "metrics", "components")}


def test_twelve_months_equal_the_period_by_period_answers(desk: Desk) -> None:
    agent = desk.history({"kind": "AGENT", "id": desk.agent})
    team = desk.history({"kind": "TEAM", "id": desk.team})
    tenant = desk.history({"kind": "TENANT"})
    for history in (agent, team, tenant):
        assert [p["periodStart"] for p in history] == MONTHS_2025
    for i, start in enumerate(MONTHS_2025):
        period = {"grain": "MONTH", "start": start}
        rows = graphql_data(desk.client, desk.token, AGENT_SCORES, p=period)["agentScores"]
        (a1,) = [r for r in rows if r["agent"]["id"] == desk.agent]
        assert point(agent[i]) == point(a1), start
        (tier1,) = graphql_data(desk.client, desk.token, TEAM_SCORES, p=period)["teamScores"]
        assert point(team[i]) == point(tier1), start
        whole = graphql_data(desk.client, desk.token, TENANT_METRICS, p=period)["tenantMetrics"]
        assert point(tenant[i]) == point(whole), start
    totals = [p["total"] for p in agent]
    assert sum(t is not None for t in totals) >= 8, totals  # the comparison compares numbers


def metric(point: dict[str, Any], key: str) -> dict[str, Any]:
    found = next(m for m in point["metrics"] if m["key"] == key)
    return {"value": found["value"], "sampleSize": found["sampleSize"]}


def test_periods_with_nothing_stored_are_listed_with_null_values_and_zero_counts(
    desk: Desk,
) -> None:
    history = desk.history({"kind": "AGENT", "id": desk.agent}, **{"from": "2024-11-20"})
    points = {p["periodStart"]: p for p in history}
    assert list(points) == ["2024-11-01", "2024-12-01", *MONTHS_2025]
    for start in ("2024-11-01", "2024-12-01", "2025-04-01", "2025-09-01"):
        empty = points[start]
        assert empty["total"] is None, start
        assert empty["components"] == [], start
        assert metric(empty, "tickets_solved") == {"value": 0.0, "sampleSize": 0}, start
        assert metric(empty, "first_response_time") == {"value": None, "sampleSize": 0}, start
    assert metric(points["2025-03-01"], "tickets_solved") == {"value": 1.0, "sampleSize": 1}


def test_any_day_of_a_period_selects_it_and_a_week_starts_on_monday(desk: Desk) -> None:
    weeks = desk.history({"kind": "TENANT"}, g="WEEK", **{"from": "2025-03-12", "to": "2025-03-16"})
    assert [p["periodStart"] for p in weeks] == ["2025-03-10"]
    quarters = desk.history({"kind": "TENANT"}, g="QUARTER", to="2025-12-31")
    assert [p["periodStart"] for p in quarters] == [
        "2025-01-01",
        "2025-04-01",
        "2025-07-01",
        "2025-10-01",
    ]


def test_the_metrics_filter_keeps_only_the_keys_asked_for(desk: Desk) -> None:
    keys = ["tickets_solved", "first_response_time"]
    narrow = desk.history({"kind": "TEAM", "id": desk.team}, m=keys)
    full = desk.history({"kind": "TEAM", "id": desk.team})
    for few, every in zip(narrow, full, strict=True):
        assert sorted({m["key"] for m in few["metrics"]}) == sorted(keys)
        assert few["metrics"] == [m for m in every["metrics"] if m["key"] in keys]
        assert few["total"] == every["total"]


def test_an_unknown_metric_or_one_not_of_the_level_is_named(desk: Desk) -> None:
    unknown = desk.refusal({"kind": "AGENT", "id": desk.agent}, m=["tickets_solved", "nope"])
    assert (unknown["code"], unknown["field"]) == ("BAD_USER_INPUT", "metrics")
    assert "'nope'" in unknown["message"] and "tickets_solved" not in unknown["message"]
    team_only = desk.refusal({"kind": "AGENT", "id": desk.agent}, m=["tickets_created"])
    assert (team_only["field"], "'tickets_created'" in team_only["message"]) == ("metrics", True)


def test_the_range_is_bounded_and_ordered(desk: Desk) -> None:
    tenant = {"kind": "TENANT"}
    most = desk.history(tenant, g="DAY", **{"from": "2025-01-01", "to": "2026-02-04"})
    assert len(most) == 400
    assert most[-1]["periodStart"] == "2026-02-04"
    over = desk.refusal(tenant, g="DAY", **{"from": "2025-01-01", "to": "2026-02-05"})
    assert over["code"] == "BAD_USER_INPUT"
    assert (over["field"], "400" in over["message"]) == ("from", True)
    backwards = desk.refusal(tenant, **{"from": "2025-02-01", "to": "2025-01-31"})
    assert (backwards["code"], backwards["field"]) == ("BAD_USER_INPUT", "to")
    assert "before" in backwards["message"]


def test_the_subject_id_is_required_for_agents_and_teams_and_refused_for_the_tenant(
    desk: Desk,
) -> None:
    for subject in ({"kind": "AGENT"}, {"kind": "TEAM"}, {"kind": "TENANT", "id": desk.team}):
        refused = desk.refusal(subject)
        assert (refused["code"], refused["field"]) == ("BAD_USER_INPUT", "subject.id")


def test_bad_input_is_logged_as_a_one_line_client_warning(
    desk: Desk, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="strawberry.execution")
    refused = desk.refusal({"kind": "AGENT"})
    [record] = [r for r in caplog.records if r.name == "strawberry.execution"]
    assert (record.levelno, record.exc_info) == (logging.WARNING, None)
    said = record.getMessage()
    assert refused["message"] in said and "scoreHistory" in said and "\n" not in said


def test_another_tenants_agent_or_team_is_null_like_an_unknown_id(
    desk: Desk, container: Container
) -> None:
    other = admin.create_tenant(
        container, slug=f"o-{uuid.uuid4().hex[:8]}", name="Other", timezone="UTC"
    )
    apply_and_settle(container, other.id, source="generic", events=year_of_tickets())
    with container.read_uow(other.id) as uow:
        their_agent = uow.reads.agents()[0].id
        their_team = uow.reads.teams()[0].id
    for kind, theirs in (("AGENT", their_agent), ("TEAM", their_team)):
        bodies = [desk.body({"kind": kind, "id": i}) for i in (theirs, "no-such-id")]
        assert bodies == [{"data": {"scoreHistory": None}}] * 2, kind
    assert desk.answer({"kind": "AGENT", "id": desk.agent}) is not None  # ours is found


def test_the_field_needs_the_read_scope(
    desk: Desk, container: Container, tenant: TenantProfile
) -> None:
    token = access_token(desk.client, container, tenant.id, scopes=("reviews:write",))
    variables = {"s": {"kind": "TENANT"}, "g": "MONTH", "from": "2025-01-01", "to": "2025-03-01"}
    body = graphql(desk.client, token, HISTORY, **variables).json()
    assert body["data"] == {"scoreHistory": None}
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_the_statement_count_does_not_grow_with_the_number_of_periods(
    desk: Desk, container: Container
) -> None:
    def count(first: str, last: str) -> int:
        with statements(container, r".") as seen:
            found = desk.history({"kind": "TEAM", "id": desk.team}, **{"from": first, "to": last})
        assert len(found) == {("2025-01-01", "2025-03-31"): 3}.get((first, last), 24)
        return len(seen)

    count("2025-01-01", "2025-03-31")  # warms the per-process caches (token checks)
    three = count("2025-01-01", "2025-03-31")
    twenty_four = count("2024-06-01", "2026-05-31")
    assert three == twenty_four, (three, twenty_four)
    assert three <= 8, three


def test_a_subject_outside_any_data_still_has_its_periods(desk: Desk) -> None:
    future = desk.history(
        {"kind": "AGENT", "id": desk.agent}, **{"from": "2030-01-01"}, to="2030-02-01"
    )
    assert [p["periodStart"] for p in future] == ["2030-01-01", "2030-02-01"]
    assert all(p["total"] is None for p in future)
