"""E2E (SPEC §8, issue 15): two agents who perform alike in every stratum but work
different queues — one mostly easy chat, one mostly the urgent phone queue — have very
different raw medians, the same case-mix adjusted ratio, and the same score under a
model whose component is `adjusted: true`. PostgreSQL, Redis, the server and an RQ
worker as real processes; GraphQL through the `gql` client."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from domain.events import format_time
from tests.e2e.harness import GqlSession, Stack, wait_until_drained
from tests.support.kpi_models import ACTIVATE, CREATE

pytestmark = pytest.mark.e2e

START = datetime(2026, 7, 6, 8, tzinfo=UTC)  # a Monday
# Per stratum both agents resolve in the same minutes; only their mix differs. Each
# stratum has 10 tickets in all: the default minimum for a stratum to stand alone.
STRATA = {("chat", "normal"): (10, 20), ("phone", "urgent"): (120, 180)}
MIX = {
    "easy": {("chat", "normal"): 4, ("phone", "urgent"): 1},
    "hard": {("chat", "normal"): 1, ("phone", "urgent"): 4},
}

METRICS = """query($start: Date!) { agentScores(period: {grain: MONTH, start: $start}) {
  agent { externalId } total
  metrics { key value mean sampleSize observed expected adjustedRatio adjustedCiLow
            adjustedCiHigh strata { key observed expected sampleSize } }
  components { metric adjusted value expected explanation } } }"""
PREVIEW = """query($model: KpiModelInput!, $start: Date!) {
  previewScores(model: $model, period: {grain: MONTH, start: $start}) {
    ... on PreviewScores { totals { agentId rawTotal adjustedTotal } } } }"""
AGENT_IDS = """{ agents { id externalId } }"""


SWITCH_ON = """
mutation { setCaseMixSettings(input: {enabled: true}) { ... on CaseMixSettings { enabled } } }
"""


def model(*, adjusted: bool) -> dict[str, Any]:
    return {
        "name": "Speed on the mix" if adjusted else "Speed",
        "components": [
            {
                "metric": "resolution_time",
                "weight": 1,
                "target": 3600,
                "direction": "LOWER_IS_BETTER",
                "minSample": 5,
                "adjusted": adjusted,
            }
        ],
    }


def history() -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    n = 0
    for agent, mix in MIX.items():
        for (channel, priority), copies in mix.items():
            for _ in range(copies):
                for minutes in STRATA[(channel, priority)]:
                    n += 1
                    opened = START + timedelta(hours=n)
                    events += ticket(f"T{n}", agent, channel, priority, opened, minutes)
    return events


def ticket(
    ticket_id: str, agent: str, channel: str, priority: str, opened: datetime, minutes: int
) -> list[dict[str, Any]]:
    def event(kind: str, at: datetime, **fields: Any) -> dict[str, Any]:
        return {
            "id": f"{ticket_id}-{kind}",
            "type": kind,
            "occurred_at": format_time(at),
            "ticket_id": ticket_id,
            **fields,
        }

    return [
        event(
            "ticket.created",
            opened,
            channel=channel,
            priority=priority,
            requester_id="c1",
            assignee_id=agent,
        ),
        event("ticket.status_changed", opened + timedelta(minutes=minutes), status="solved"),
    ]


def test_the_hard_queue_costs_no_score(stack: Stack, database_url: str) -> None:
    token, hook = stack.open_tenant(scopes="read admin", timezone="UTC")
    switched = stack.graphql(token, SWITCH_ON)["setCaseMixSettings"]
    assert switched["enabled"] is True  # a tenant opts in
    stack.post_webhooks(hook["webhook_path"], hook["secret"], history())
    wait_until_drained(database_url)
    with GqlSession(stack, token) as session:
        run = session.run
        resolution = by_agent(run)
        easy, hard = resolution["easy"], resolution["hard"]
        assert easy["value"] == 20 * 60 and hard["value"] == 120 * 60  # raw medians differ
        assert easy["mean"] != hard["mean"]
        assert abs(easy["adjustedRatio"] - hard["adjustedRatio"]) < 1e-9
        assert easy["adjustedRatio"] == pytest.approx(1.0)
        assert easy["adjustedCiLow"] <= 1.0 <= easy["adjustedCiHigh"]
        assert [(s["key"], s["sampleSize"]) for s in hard["strata"]] == [
            ("chat/normal", 2),
            ("phone/urgent", 8),
        ]
        assert hard["strata"][1]["expected"] == pytest.approx(150 * 60)

        ids = {a["externalId"]: a["id"] for a in run(AGENT_IDS)["agents"]}
        preview = run(PREVIEW, model=model(adjusted=True), start="2026-07-01")
        totals = {t["agentId"]: t for t in preview["previewScores"]["totals"]}
        raw = {a: totals[ids[a]]["rawTotal"] for a in MIX}
        adjusted = {a: totals[ids[a]]["adjustedTotal"] for a in MIX}
        assert raw["easy"] != pytest.approx(raw["hard"])  # fixed targets punish the hard queue
        assert adjusted["easy"] == pytest.approx(adjusted["hard"], abs=1e-9)

        model_id = run(CREATE, model=model(adjusted=True))["createKpiModel"]["id"]
        run(ACTIVATE, id=model_id, **{"from": "2026-07-01"})
        scores = wait_for_model(run, "Speed on the mix")
        assert scores["easy"]["total"] == pytest.approx(scores["hard"]["total"], abs=1e-9)
        component = scores["hard"]["components"][0]
        assert component["adjusted"] is True
        assert component["expected"] == pytest.approx(hard["expected"])
        assert "expected" in component["explanation"]


def by_agent(run: Callable[..., dict[str, Any]]) -> dict[str, dict[str, Any]]:
    rows = run(METRICS, start="2026-07-01")["agentScores"]
    return {
        r["agent"]["externalId"]: next(m for m in r["metrics"] if m["key"] == "resolution_time")
        for r in rows
    }


def wait_for_model(run: Callable[..., dict[str, Any]], name: str) -> dict[str, dict[str, Any]]:
    """The worker re-scores after the activation: the agents' rows once it has."""
    query = METRICS.replace("total", "total modelName")
    deadline = time.monotonic() + 60
    while True:
        rows = {r["agent"]["externalId"]: r for r in run(query, start="2026-07-01")["agentScores"]}
        if {r["modelName"] for r in rows.values()} == {name} or time.monotonic() > deadline:
            return rows
        time.sleep(0.3)
