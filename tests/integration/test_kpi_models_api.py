"""KPI models over GraphQL: validation as typed results, versions, activation with an
effective date, previews that save nothing, the metric dictionary, guardrails."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from domain.ports import TenantProfile
from infra import admin
from infra.bootstrap import Container
from infra.queue import InProcessJobQueue
from tests.factories import Ticket, agent_profile
from tests.support.api import access_token, api_client, graphql_data
from tests.support.derive import apply_and_settle

CREATE = """mutation($model: KpiModelInput!) { createKpiModel(model: $model) {
  __typename
  ... on KpiModelVersion { id version onTimeline components { metric weight } }
  ... on ValidationError { message field } ... on NotFoundError { message } } }"""
UPDATE = """mutation($id: ID!, $model: KpiModelInput!) { updateKpiModel(id: $id, model: $model) {
  __typename ... on KpiModelVersion { id version onTimeline } } }"""
ACTIVATE = """mutation($id: ID!, $from: Date!) { activateKpiModel(id: $id, effectiveFrom: $from) {
  __typename ... on KpiModelVersion { version onTimeline effectiveFrom }
  ... on NotFoundError { message } } }"""
SCORES = """query($start: Date!) { agentScores(period: {grain: MONTH, start: $start}) {
  agent { externalId } total modelName modelVersion
  components { metric status points }
  guardrails { key count } } }"""
PREVIEW = """query($model: KpiModelInput!, $start: Date!) {
  previewScores(model: $model, period: {grain: MONTH, start: $start}) {
    __typename
    ... on PreviewScores { agentScores { agent { externalId } total modelName } }
    ... on ValidationError { message field } } }"""

ONLY_SPEED = {
    "name": "Speed only",
    "components": [
        {
            "metric": "first_response_time",
            "statistic": "MEDIAN",
            "weight": 1,
            "target": 600,
            "direction": "LOWER_IS_BETTER",
            "minSample": 1,
        }
    ],
}


@pytest.fixture
def api(container: Container, tenant: TenantProfile) -> tuple[Any, str]:
    events: list[dict[str, Any]] = []
    for month, base in ((3, 0), (4, 31 * 24 * 60)):
        for n in range(3):  # replies after 20 minutes: half the target's points
            story = Ticket(f"M{month}-{n}").created(base + n * 60, assignee="a1")
            events += story.customer(base + n * 60).agent(base + n * 60 + 20, "a1").events
    apply_and_settle(container, tenant.id, source="generic", events=events)
    client = api_client(container)
    return client, access_token(client, container, tenant.id, scopes=("read", "admin"))


def drain(container: Container) -> None:
    assert isinstance(container.queue, InProcessJobQueue)
    container.queue.join()


def scores(api: tuple[Any, str], start: str) -> dict[str, Any]:
    client, token = api
    rows = graphql_data(client, token, SCORES, start=start)["agentScores"]
    return next(r for r in rows if r["agent"]["externalId"] == "a1")


@pytest.mark.parametrize(
    ("component", "field", "message"),
    [
        ({"metric": "happiness"}, "components[0].metric", "unknown metric"),
        ({"weight": 0}, "components[0].weight", "weight must be positive"),
        ({"target": -5}, "components[0].target", "target must be positive"),
        (
            {"metric": "nps", "statistic": "VALUE"},
            "components[0].metric",
            "not measured at the AGENT",
        ),
    ],
)
def test_invalid_models_are_typed_validation_errors(
    api: tuple[Any, str], component: dict[str, Any], field: str, message: str
) -> None:
    client, token = api
    model = {**ONLY_SPEED, "components": [{**ONLY_SPEED["components"][0], **component}]}
    result = graphql_data(client, token, CREATE, model=model)["createKpiModel"]
    assert result["__typename"] == "ValidationError"
    assert result["field"] == field
    assert message in result["message"]


def test_a_new_model_scores_nothing_until_activated(api: tuple[Any, str]) -> None:
    client, token = api
    created = graphql_data(client, token, CREATE, model=ONLY_SPEED)["createKpiModel"]
    assert (created["version"], created["onTimeline"]) == (1, False)
    assert scores(api, "2026-03-01")["modelName"] == "Balanced support score"


def test_preview_scores_a_draft_without_saving_it(api: tuple[Any, str]) -> None:
    client, token = api
    saved = scores(api, "2026-03-01")
    preview = graphql_data(client, token, PREVIEW, model=ONLY_SPEED, start="2026-03-01")
    row = preview["previewScores"]["agentScores"][0]
    assert row["modelName"] == "Speed only"
    assert row["total"] == pytest.approx(100 * 600 / 1200)
    assert row["total"] != saved["total"]
    assert scores(api, "2026-03-01") == saved


def test_activation_applies_from_its_effective_date_only(
    api: tuple[Any, str], container: Container
) -> None:
    client, token = api
    model_id = graphql_data(client, token, CREATE, model=ONLY_SPEED)["createKpiModel"]["id"]
    march_before = scores(api, "2026-03-01")

    result = graphql_data(client, token, ACTIVATE, id=model_id, **{"from": "2026-04-01"})
    drain(container)

    assert result["activateKpiModel"] == {
        "__typename": "KpiModelVersion",
        "version": 2,
        "onTimeline": True,
        "effectiveFrom": "2026-04-01",
    }
    assert scores(api, "2026-03-01") == march_before
    april = scores(api, "2026-04-01")
    assert (april["modelName"], april["modelVersion"]) == ("Speed only", 2)
    assert april["total"] == pytest.approx(50.0)


def test_updating_the_live_model_adds_a_version_to_its_timeline(
    api: tuple[Any, str], container: Container
) -> None:
    client, token = api
    model_id = graphql_data(client, token, CREATE, model=ONLY_SPEED)["createKpiModel"]["id"]
    graphql_data(client, token, ACTIVATE, id=model_id, **{"from": "2026-03-01"})
    stricter = {
        **ONLY_SPEED,
        "effectiveFrom": "2026-04-01",
        "components": [{**ONLY_SPEED["components"][0], "target": 300}],
    }
    updated = graphql_data(client, token, UPDATE, id=model_id, model=stricter)["updateKpiModel"]
    drain(container)

    assert (updated["version"], updated["onTimeline"]) == (3, True)
    assert scores(api, "2026-03-01")["total"] == pytest.approx(50.0)
    assert scores(api, "2026-04-01")["total"] == pytest.approx(25.0)


def test_activating_an_unknown_model_is_not_found(api: tuple[Any, str]) -> None:
    client, token = api
    result = graphql_data(client, token, ACTIVATE, id="nope", **{"from": "2026-04-01"})
    assert result["activateKpiModel"]["__typename"] == "NotFoundError"


def test_a_model_for_a_team_the_tenant_does_not_have_is_not_found(
    api: tuple[Any, str], container: Container
) -> None:
    """Found by the cross-tenant probe: the model was saved with another tenant's team id."""
    client, token = api
    other = admin.create_tenant(
        container, slug=f"o-{uuid.uuid4().hex[:8]}", name="Other", timezone="UTC"
    )
    apply_and_settle(
        container, other.id, source="generic", events=[agent_profile("o1", team="theirs")]
    )
    [theirs] = graphql_data(client, access_token(client, container, other.id), "{ teams { id } }")[
        "teams"
    ]

    for team_id in (theirs["id"], "nope"):
        model = {**ONLY_SPEED, "name": "Their team", "teamId": team_id}
        result = graphql_data(client, token, CREATE, model=model)["createKpiModel"]
        assert result == {"__typename": "NotFoundError", "message": f"no team '{team_id}'"}
    models = graphql_data(client, token, "{ kpiModels { name } }")["kpiModels"]
    assert "Their team" not in {m["name"] for m in models}


def test_the_metric_dictionary_lists_every_metric_from_one_definition(api: tuple[Any, str]) -> None:
    from domain.metrics import DEFINITIONS

    client, token = api
    rows = graphql_data(
        client,
        token,
        "{ metrics { key label unit direction levels cohort attribution defaultStatistic bases } }",
    )["metrics"]
    assert [r["key"] for r in rows] == [d.key for d in DEFINITIONS]
    frt = next(r for r in rows if r["key"] == "first_response_time")
    assert frt["defaultStatistic"] == "MEDIAN"
    assert frt["bases"] == ["CALENDAR", "BUSINESS"]
    assert frt["direction"] == "LOWER_IS_BETTER"


def test_guardrails_are_reported_next_to_the_score(api: tuple[Any, str]) -> None:
    signals = {g["key"]: g["count"] for g in scores(api, "2026-03-01")["guardrails"]}
    assert signals == {
        "unreplied_assignment": 0,
        "quick_reopen": 0,
        "reassigned_before_rating": 0,
        "reply_then_reopen": 0,
    }


def test_a_team_model_scores_its_team_and_the_tenant_model_everyone_else(
    container: Container, tenant: TenantProfile
) -> None:
    events = [
        agent_profile("a1", team="red"),  # an agent's model follows the agent's own team
        agent_profile("b1", team="blue"),
        *[
            e
            for n in range(2)
            for e in Ticket(f"TA{n}")
            .created(n, assignee="a1", team="red")
            .customer(n)
            .agent(n + 20, "a1")
            .events
        ],
        *[
            e
            for n in range(2)
            for e in Ticket(f"TB{n}")
            .created(n, assignee="b1", team="blue")
            .customer(n)
            .agent(n + 20, "b1")
            .events
        ],
    ]
    apply_and_settle(container, tenant.id, source="generic", events=events)
    client = api_client(container)
    token = access_token(client, container, tenant.id, scopes=("read", "admin"))
    red = next(
        t["id"]
        for t in graphql_data(client, token, "{ teams { id name } }")["teams"]
        if t["name"] == "red"
    )
    team_model = {**ONLY_SPEED, "name": "Red team speed", "teamId": red}
    model_id = graphql_data(client, token, CREATE, model=team_model)["createKpiModel"]["id"]
    graphql_data(client, token, ACTIVATE, id=model_id, **{"from": "2026-01-01"})
    drain(container)

    rows = graphql_data(client, token, SCORES, start="2026-03-01")["agentScores"]
    names = {r["agent"]["externalId"]: r["modelName"] for r in rows}
    assert names == {"a1": "Red team speed", "b1": "Balanced support score"}
