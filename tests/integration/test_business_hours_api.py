"""Business hours and SLA targets set over GraphQL re-measure history (SPEC §4)."""

from __future__ import annotations

from typing import Any

from domain.ports import TenantProfile
from infra.bootstrap import Container
from infra.queue import InProcessJobQueue
from tests.factories import Ticket
from tests.support.api import access_token, api_client, graphql_data
from tests.support.derive import apply_and_settle

SET_HOURS = """mutation($input: BusinessHoursInput!) {
  setBusinessHours(input: $input) {
    __typename
    ... on BusinessHours { timezone versions { effectiveFrom holidays
                           weekly { day intervals { start end } } } }
    ... on ValidationError { message field }
    ... on NotFoundError { message }
  }
}"""
SET_SLA = """mutation($input: SlaTargetsInput!) {
  setSlaTargets(input: $input) {
    __typename ... on SlaTargets { basis firstResponse { channel seconds } }
  }
}"""
SCORES = """query($basis: Basis!) {
  tenantMetrics(period: {grain: MONTH, start: "2026-03-01"}) {
    metrics(basis: $basis) { key value sampleSize }
  }
}"""
SPLIT_SHIFT = {
    "effectiveFrom": "2026-03-01",
    "weekly": [
        {
            "day": day,
            "intervals": [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "17:00"}],
        }
        for day in ("MON", "TUE", "WED", "THU", "FRI")
    ],
}


def metrics(client: Any, token: str, basis: str) -> dict[str, Any]:
    data = graphql_data(client, token, SCORES, basis=basis)
    return {m["key"]: m for m in data["tenantMetrics"]["metrics"]}


def drain(container: Container) -> None:
    assert isinstance(container.queue, InProcessJobQueue)
    container.queue.join()


def load(container: Container, tenant: TenantProfile) -> None:
    # Monday 2026-03-02 (Berlin = UTC+1): created 11:00 local, first reply 14:00 local.
    # Calendar: 3 h. Business: 11:00-12:00 + 13:00-14:00 = 2 h.
    story = Ticket("BH1").created(120, assignee="a1").customer(120).agent(300, "a1")
    apply_and_settle(container, tenant.id, source="generic", events=story.events)


def test_a_tenant_without_business_hours_has_null_business_durations(
    container: Container, tenant: TenantProfile
) -> None:
    load(container, tenant)
    client = api_client(container)
    token = access_token(client, container, tenant.id)
    assert metrics(client, token, "CALENDAR")["first_response_time"]["value"] == 3 * 3600
    business = metrics(client, token, "BUSINESS")["first_response_time"]
    assert business == {"key": "first_response_time", "value": None, "sampleSize": 0}


def test_business_hours_with_split_shifts_recompute_history(
    container: Container, tenant: TenantProfile
) -> None:
    load(container, tenant)
    client = api_client(container)
    token = access_token(client, container, tenant.id, scopes=("read", "admin"))

    result = graphql_data(client, token, SET_HOURS, input=SPLIT_SHIFT)["setBusinessHours"]
    drain(container)

    assert result["__typename"] == "BusinessHours"
    assert result["timezone"] == "Europe/Berlin"
    assert result["versions"][0]["weekly"][0] == {
        "day": "MON",
        "intervals": [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "17:00"}],
    }
    business = metrics(client, token, "BUSINESS")["first_response_time"]
    assert business["value"] == 2 * 3600
    assert business["sampleSize"] == 1
    assert metrics(client, token, "CALENDAR")["first_response_time"]["value"] == 3 * 3600


def test_a_holiday_removes_its_day_from_business_time(
    container: Container, tenant: TenantProfile
) -> None:
    load(container, tenant)
    client = api_client(container)
    token = access_token(client, container, tenant.id, scopes=("read", "admin"))
    graphql_data(client, token, SET_HOURS, input={**SPLIT_SHIFT, "holidays": ["2026-03-02"]})
    drain(container)
    assert metrics(client, token, "BUSINESS")["first_response_time"]["value"] == 0


def test_overlapping_intervals_are_a_validation_error_and_change_nothing(
    container: Container, tenant: TenantProfile
) -> None:
    client = api_client(container)
    token = access_token(client, container, tenant.id, scopes=("read", "admin"))
    overlapping = {
        "effectiveFrom": "2026-03-01",
        "weekly": [
            {
                "day": "MON",
                "intervals": [
                    {"start": "09:00", "end": "12:00"},
                    {"start": "11:00", "end": "13:00"},
                ],
            }
        ],
    }
    result = graphql_data(client, token, SET_HOURS, input=overlapping)["setBusinessHours"]
    assert result["__typename"] == "ValidationError"
    assert "overlap" in result["message"]
    assert graphql_data(client, token, "{ businessHours { timezone } }")["businessHours"] is None


def test_hours_for_a_team_the_tenant_does_not_have_are_not_found_and_change_nothing(
    container: Container, tenant: TenantProfile
) -> None:
    story = Ticket("BH2").created(0, assignee="a1", team="tier1").customer(0)
    apply_and_settle(container, tenant.id, source="generic", events=story.events)
    client = api_client(container)
    token = access_token(client, container, tenant.id, scopes=("read", "admin"))
    (team,) = graphql_data(client, token, "{ teams { id } }")["teams"]
    hours_of = "query($t: ID) { businessHours(teamId: $t) { timezone } }"

    unknown = {**SPLIT_SHIFT, "teamId": "no-such-team"}
    result = graphql_data(client, token, SET_HOURS, input=unknown)["setBusinessHours"]
    assert result == {"__typename": "NotFoundError", "message": "no team 'no-such-team'"}
    assert graphql_data(client, token, hours_of, t="no-such-team")["businessHours"] is None

    known = {**SPLIT_SHIFT, "teamId": team["id"]}
    result = graphql_data(client, token, SET_HOURS, input=known)["setBusinessHours"]
    drain(container)
    assert result["__typename"] == "BusinessHours"
    assert graphql_data(client, token, hours_of, t=team["id"])["businessHours"] is not None


def test_sla_targets_per_channel_feed_the_sla_metrics(
    container: Container, tenant: TenantProfile
) -> None:
    load(container, tenant)  # email ticket, first reply after 3 h
    fast = Ticket("BH2").created(0, assignee="a1").customer(0).agent(30, "a1")
    apply_and_settle(container, tenant.id, source="generic", events=fast.events)
    client = api_client(container)
    token = access_token(client, container, tenant.id, scopes=("read", "admin"))

    target = {"firstResponse": [{"channel": "email", "seconds": 3600}]}
    result = graphql_data(client, token, SET_SLA, input=target)["setSlaTargets"]
    drain(container)

    assert result == {
        "__typename": "SlaTargets",
        "basis": "CALENDAR",
        "firstResponse": [{"channel": "email", "seconds": 3600.0}],
    }
    sla = metrics(client, token, "CALENDAR")["sla_first_response"]
    assert sla == {"key": "sla_first_response", "value": 0.5, "sampleSize": 2}


CLEAR_TEAM_HOURS = """mutation($t: ID!) {
  clearTeamBusinessHours(teamId: $t) {
    __typename ... on TeamBusinessHoursCleared { teamId } ... on NotFoundError { message }
  }
}"""


def test_clearing_a_teams_hours_returns_its_tickets_to_the_tenants_hours(
    container: Container, tenant: TenantProfile
) -> None:
    # As `load`, for a team: 11:00 to 14:00 local on Monday 2026-03-02.
    story = Ticket("BH3").created(120, assignee="a1", team="tier1").customer(120).agent(300, "a1")
    apply_and_settle(container, tenant.id, source="generic", events=story.events)
    client = api_client(container)
    token = access_token(client, container, tenant.id, scopes=("read", "admin"))
    (team,) = graphql_data(client, token, "{ teams { id } }")["teams"]
    graphql_data(client, token, SET_HOURS, input=SPLIT_SHIFT)
    team_holiday = {**SPLIT_SHIFT, "teamId": team["id"], "holidays": ["2026-03-02"]}
    graphql_data(client, token, SET_HOURS, input=team_holiday)
    drain(container)
    assert metrics(client, token, "BUSINESS")["first_response_time"]["value"] == 0

    unknown = graphql_data(client, token, CLEAR_TEAM_HOURS, t="no-such-team")
    assert unknown["clearTeamBusinessHours"] == {
        "__typename": "NotFoundError",
        "message": "no team 'no-such-team'",
    }
    result = graphql_data(client, token, CLEAR_TEAM_HOURS, t=team["id"])
    drain(container)

    assert result["clearTeamBusinessHours"] == {
        "__typename": "TeamBusinessHoursCleared",
        "teamId": team["id"],
    }
    hours_of = "query($t: ID) { businessHours(teamId: $t) { timezone } }"
    assert graphql_data(client, token, hours_of, t=team["id"])["businessHours"] is None
    assert metrics(client, token, "BUSINESS")["first_response_time"]["value"] == 2 * 3600
