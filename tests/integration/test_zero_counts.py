"""SPEC §4: counts (`tickets_created`, `tickets_solved`, `reviews_given`) are 0 with sample
size 0 — not null — for every subject the API lists in a period with nothing counted, and
the KPI score (SPEC §5) treats that 0 as a value, where a missing metric is insufficient data."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from domain.ports import TenantProfile
from infra.bootstrap import Container
from infra.queue import InProcessJobQueue
from tests.factories import Ticket, agent_profile
from tests.support.api import access_token, api_client, graphql_data
from tests.support.derive import apply_and_settle

WEEK = {"grain": "WEEK", "start": "2026-03-02"}
QUIET_WEEK = {"grain": "WEEK", "start": "2026-06-01"}
VALUES = "metrics { key value sampleSize ciLow ciHigh mean }"
AGENT_SCORES = f"""query ($p: PeriodInput!) {{ agentScores(period: $p) {{
  agent {{ externalId }} {VALUES} components {{ metric status value sampleSize points }} }} }}"""
TEAM_SCORES = f"query ($p: PeriodInput!) {{ teamScores(period: $p) {{ {VALUES} }} }}"
TENANT_METRICS = f"query ($p: PeriodInput!) {{ tenantMetrics(period: $p) {{ {VALUES} }} }}"
PROFILE = f"""query ($id: ID!, $p: PeriodInput!) {{ agentProfile(agentId: $id, period: $p) {{
  reviewsGiven score {{ {VALUES} }} }} }}"""
CREATE = """mutation($model: KpiModelInput!) { createKpiModel(model: $model) {
  ... on KpiModelVersion { id } } }"""
ACTIVATE = """mutation($id: ID!, $from: Date!) { activateKpiModel(id: $id, effectiveFrom: $from) {
  __typename } }"""
PREVIEW = """query($model: KpiModelInput!, $p: PeriodInput!) { previewScores(model: $model,
  period: $p) { ... on PreviewScores { agentScores { agent { externalId }
  components { metric status value points } } } } }"""

VOLUME_AND_SPEED = {
    "name": "Volume and speed",
    "components": [
        {
            "metric": "tickets_solved",
            "weight": 1,
            "target": 10,
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
ZERO = {"value": 0.0, "sampleSize": 0, "ciLow": None, "ciHigh": None, "mean": None}
NULL = {"value": None, "sampleSize": 0, "ciLow": None, "ciHigh": None, "mean": None}


def replied_not_solved() -> list[dict[str, Any]]:
    """a1 answers a ticket in the week and solves nothing; a2 is an agent with no activity."""
    story = Ticket("Q1").created(0, assignee="a1", team="tier1").customer(0).agent(30, "a1")
    return [agent_profile("a1", team="tier1"), agent_profile("a2", team="tier1"), *story.events]


def metric(scored: dict[str, Any], key: str) -> dict[str, Any]:
    found = next(m for m in scored["metrics"] if m["key"] == key)
    return {k: v for k, v in found.items() if k != "key"}


def by_agent(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row["agent"]["externalId"]: row for row in rows}


@pytest.fixture
def api(container: Container, tenant: TenantProfile) -> tuple[TestClient, str]:
    client = api_client(container)
    return client, access_token(client, container, tenant.id, scopes=("read", "admin"))


def test_listed_subjects_count_0_where_nothing_was_counted(
    api: tuple[TestClient, str], container: Container, tenant: TenantProfile
) -> None:
    apply_and_settle(container, tenant.id, source="generic", events=replied_not_solved())
    client, token = api
    agents = by_agent(graphql_data(client, token, AGENT_SCORES, p=WEEK)["agentScores"])
    for name in ("a1", "a2"):  # with a snapshot, and without one
        assert metric(agents[name], "tickets_solved") == ZERO, name
        assert metric(agents[name], "reviews_given") == ZERO, name
        assert metric(agents[name], "one_touch_rate") == NULL, name  # not a count: null
    assert metric(agents["a1"], "first_response_time")["value"] == 1800.0
    (team,) = graphql_data(client, token, TEAM_SCORES, p=WEEK)["teamScores"]
    assert metric(team, "tickets_created")["value"] == 1.0
    assert metric(team, "tickets_solved") == ZERO
    tenant_now = graphql_data(client, token, TENANT_METRICS, p=WEEK)["tenantMetrics"]
    assert metric(tenant_now, "tickets_solved") == ZERO
    quiet = graphql_data(client, token, TENANT_METRICS, p=QUIET_WEEK)["tenantMetrics"]
    assert metric(quiet, "tickets_created") == ZERO
    a1 = next(a for a in admin_agents(container, tenant) if a[1] == "a1")[0]
    profile = graphql_data(client, token, PROFILE, id=a1, p=WEEK)["agentProfile"]
    assert profile["reviewsGiven"] == 0
    assert metric(profile["score"], "tickets_solved") == ZERO


def test_a_count_of_0_is_scored_as_0_when_no_minimum_sample_is_asked(
    api: tuple[TestClient, str], container: Container, tenant: TenantProfile
) -> None:
    client, token = api
    apply_and_settle(container, tenant.id, source="generic", events=replied_not_solved())
    # Activation re-scores the stored snapshots, which leave their 0 counts implied.
    model_id = graphql_data(client, token, CREATE, model=VOLUME_AND_SPEED)["createKpiModel"]["id"]
    activated = graphql_data(client, token, ACTIVATE, id=model_id, **{"from": "2026-01-01"})
    assert activated["activateKpiModel"]["__typename"] == "KpiModelVersion"
    drain(container)

    scored = by_agent(graphql_data(client, token, AGENT_SCORES, p=WEEK)["agentScores"])["a1"]
    volume = next(c for c in scored["components"] if c["metric"] == "tickets_solved")
    assert volume == {
        "metric": "tickets_solved",
        "status": "OK",
        "value": 0.0,
        "sampleSize": 0,
        "points": 0.0,
    }
    preview = graphql_data(client, token, PREVIEW, model=VOLUME_AND_SPEED, p=WEEK)
    (row,) = preview["previewScores"]["agentScores"]
    drafted = next(c for c in row["components"] if c["metric"] == "tickets_solved")
    assert (drafted["status"], drafted["value"], drafted["points"]) == ("OK", 0.0, 0.0)


def drain(container: Container) -> None:
    assert isinstance(container.queue, InProcessJobQueue)
    container.queue.join()


def admin_agents(container: Container, tenant: TenantProfile) -> list[tuple[str, str]]:
    with container.read_uow(tenant.id) as uow:
        return [(a.id, a.external_id) for a in uow.reads.agents()]
