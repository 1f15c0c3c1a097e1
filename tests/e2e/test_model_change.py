"""E2E: change the KPI model through GraphQL on the full stack — the preview differs from
the saved scores; activation re-scores (on the RQ worker) only from its effective date."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import pytest

from infra.synthetic import Shape, generate
from tests.e2e.harness import Stack, wait_until_drained
from tests.support.kpi_models import ACTIVATE, CREATE, SATISFACTION_FIRST

pytestmark = pytest.mark.e2e

SCORES = """query($start: Date!) { agentScores(period: {grain: MONTH, start: $start}) {
  agent { externalId } total modelName modelVersion
  components { metric value sampleSize } } }"""
PREVIEW = """query($model: KpiModelInput!, $start: Date!) {
  previewScores(model: $model, period: {grain: MONTH, start: $start}) {
    ... on PreviewScores { agentScores { agent { externalId } total modelName
                                         components { metric value sampleSize } } } } }"""


def by_agent(stack: Stack, token: str, start: str) -> dict[str, dict[str, Any]]:
    rows = stack.graphql(token, SCORES, start=start)["agentScores"]
    return {r["agent"]["externalId"]: r for r in rows}


def test_preview_then_activation_from_an_effective_date(stack: Stack, database_url: str) -> None:
    token, hook = stack.open_tenant(scopes="read admin", name="Acme", timezone="Europe/Berlin")
    history = list(
        generate(
            Shape(
                tickets=120,
                days=61,
                agents=4,
                teams=2,
                seed=5,
                start=datetime(2026, 7, 1, tzinfo=UTC),
                activity=False,
            )
        )
    )
    stack.post_webhooks(hook["webhook_path"], hook["secret"], history)
    wait_until_drained(database_url)
    july, august = by_agent(stack, token, "2026-07-01"), by_agent(stack, token, "2026-08-01")
    assert {r["modelName"] for r in [*july.values(), *august.values()]} == {
        "Balanced support score"
    }

    preview = stack.graphql(token, PREVIEW, model=SATISFACTION_FIRST, start="2026-08-01")
    previewed = {r["agent"]["externalId"]: r for r in preview["previewScores"]["agentScores"]}
    assert {r["modelName"] for r in previewed.values()} == {"Satisfaction first"}
    assert any(previewed[a]["total"] != august[a]["total"] for a in previewed)
    assert by_agent(stack, token, "2026-08-01") == august  # a preview saves nothing

    model_id = stack.graphql(token, CREATE, model=SATISFACTION_FIRST)["createKpiModel"]["id"]
    stack.graphql(token, ACTIVATE, id=model_id, **{"from": "2026-08-01"})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # the worker re-scores in the background
        now = by_agent(stack, token, "2026-08-01")
        if {r["modelName"] for r in now.values()} == {"Satisfaction first"}:
            break
        time.sleep(0.3)
    log = (stack.workdir / "worker.log").read_text()[-3000:]
    assert {r["modelName"] for r in now.values()} == {"Satisfaction first"}, log
    assert {a: r["total"] for a, r in now.items()} == pytest.approx(
        {a: r["total"] for a, r in previewed.items()}
    )
    assert by_agent(stack, token, "2026-07-01") == july  # before the effective date
