"""A period whose end is past the last representable date (9999-12-31) is a client error:
400 on the CSV exports, BAD_USER_INPUT on scoreHistory, a GraphQL error with a message (not
"Unexpected error") for a PeriodInput; never a 500."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from domain.ports import TenantProfile
from infra.bootstrap import Container
from tests.support.api import access_token, api_client, graphql

TENANT_METRICS = "query($p: PeriodInput!) { tenantMetrics(period: $p) { total } }"
HISTORY = """query($g: Grain!, $from: Date!, $to: Date!) {
  scoreHistory(subject: {kind: TENANT}, grain: $g, from: $from, to: $to) { periodStart } }"""


@pytest.fixture
def desk(container: Container, tenant: TenantProfile) -> tuple[TestClient, str]:
    client = api_client(container)
    return client, access_token(client, container, tenant.id)


@pytest.mark.parametrize(("grain", "start"), [("DAY", "9999-12-31"), ("MONTH", "9999-12-15")])
def test_an_export_of_the_last_period_is_a_400(
    desk: tuple[TestClient, str], grain: str, start: str
) -> None:
    client, token = desk
    response = client.get(
        "/exports/tenant-metrics.csv",
        params={"grain": grain, "start": start},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 400, response.text
    assert "9999" in response.text


def test_score_history_to_the_last_day_is_bad_user_input(desk: tuple[TestClient, str]) -> None:
    client, token = desk
    body = graphql(client, token, HISTORY, g="DAY", **{"from": "9999-12-30", "to": "9999-12-31"})
    (error,) = body.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    assert error["extensions"]["field"] == "to"


def test_a_period_input_past_the_last_date_is_a_client_error(
    desk: tuple[TestClient, str],
) -> None:
    client, token = desk
    body = graphql(client, token, TENANT_METRICS, p={"grain": "QUARTER", "start": "9999-12-01"})
    (error,) = body.json()["errors"]
    assert error["message"] != "Unexpected error.", error
    assert "9999" in error["message"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error


@pytest.mark.parametrize(
    "query",
    [
        'query ($p: PeriodInput!) { agentProfile(agentId: "a", period: $p) { agent { id } } }',
        'query ($p: PeriodInput!) { valueRatings(agentId: "a", period: $p) { valueKey } }',
        "query ($p: PeriodInput!) { reviews(filter: {period: $p}) { id } }",
    ],
    ids=["agentProfile", "valueRatings", "reviews"],
)
def test_every_read_of_a_period_past_the_last_date_is_a_client_error(
    desk: tuple[TestClient, str], query: str
) -> None:
    client, token = desk
    body = graphql(client, token, query, p={"grain": "QUARTER", "start": "9999-12-01"})
    (error,) = body.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
