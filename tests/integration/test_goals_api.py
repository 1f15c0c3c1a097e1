"""Goals over GraphQL (SPEC §7): a metric goal's progress and status follow its metric as
signed webhook events arrive — computed by the reconciler, never on read — and roll up to
the team objective and the tenant's; a manual goal's progress is set and rolled up; every
change of progress is kept for a chart; alignment and inputs are checked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from domain.periods import local_day
from domain.ports import TenantProfile
from infra.bootstrap import Container
from infra.db.repositories.system import IntegrationRecord
from tests.factories import Ticket, agent_profile
from tests.support.api import access_token, batch, graphql_data, post_webhook
from tests.support.derive import apply_and_settle, settle
from tests.support.goals import GoalsClient, goal_days

PEOPLE = ("read", "people:read", "people:write")


class Office:
    """A tenant with two agents of one team, a people token and a webhook."""

    def __init__(
        self,
        container: Container,
        client: TestClient,
        tenant: TenantProfile,
        integration: IntegrationRecord,
    ) -> None:
        people = [agent_profile(a, team="support") for a in ("ann", "bob")]
        apply_and_settle(container, tenant.id, source="generic", events=people)
        self.container, self.client, self.integration = container, client, integration
        token = access_token(client, container, tenant.id, scopes=PEOPLE)
        self.goals = GoalsClient(client, token)
        rows = graphql_data(client, token, "{ agents { id externalId } teams { id } }")
        self.agents = {a["externalId"]: a["id"] for a in rows["agents"]}
        [self.team] = [t["id"] for t in rows["teams"]]
        self.today = local_day(datetime.now(UTC), tenant.timezone)
        self.solved = 0

    def solve(self, count: int, agent: str = "ann") -> None:
        """`count` tickets solved by `agent` yesterday, delivered by signed webhook."""
        base = datetime.now(UTC) - timedelta(days=1)
        events: list[dict[str, Any]] = []
        for _ in range(count):
            self.solved += 1
            ticket = Ticket(f"T-{agent}-{self.solved}", base=base)
            events += ticket.created(0, assignee=agent).customer(1).agent(5, agent).solve(9).events
        assert post_webhook(self.client, self.integration, batch(events)).status_code == 202
        settle(self.container)

    def days(self) -> dict[str, str]:
        # ten days, six of them elapsed today: the expected progress is 0.6
        return goal_days(self.today, before=5, after=4)


@pytest.fixture
def office(
    container: Container, client: TestClient, tenant: TenantProfile, integration: IntegrationRecord
) -> Office:
    return Office(container, client, tenant, integration)


def tree(office: Office) -> tuple[str, str, str, str]:
    """Tenant objective ← team objective ← ann's metric goal (weight 2) and bob's manual
    goal (weight 1, at 0.5)."""
    g = office.goals
    company = g.create(
        title="Delight customers", ownerKind="TENANT", kind="MANUAL", **office.days()
    )
    team = g.create(
        title="Support solves more",
        ownerKind="TEAM",
        ownerId=office.team,
        kind="MANUAL",
        parentId=company["id"],
        **office.days(),
    )
    metric = {"metric": "tickets_solved", "target": 4, "direction": "HIGHER_IS_BETTER"}
    ann = g.create(
        title="Solve 4 tickets",
        ownerKind="AGENT",
        ownerId=office.agents["ann"],
        kind="METRIC",
        metric=metric,
        weight=2,
        parentId=team["id"],
        **office.days(),
    )
    bob = g.create(
        title="Write the macro guide",
        ownerKind="AGENT",
        ownerId=office.agents["bob"],
        kind="MANUAL",
        progress=0.5,
        parentId=team["id"],
        **office.days(),
    )
    assert all(x["__typename"] == "Goal" for x in (company, team, ann, bob)), (team, ann, bob)
    settle(office.container)
    return company["id"], team["id"], ann["id"], bob["id"]


def progress(office: Office, goal_id: str) -> tuple[float | None, str | None, bool]:
    found = office.goals.goal(goal_id)
    value = found["progress"]
    return (None if value is None else round(value, 4), found["status"], found["completed"])


def test_a_metric_goal_follows_its_metric_and_rolls_up_to_the_team_and_tenant(
    office: Office,
) -> None:
    company, team, ann, _bob = tree(office)
    assert progress(office, ann) == (0.0, "OFF_TRACK", False)  # nothing solved yet
    assert progress(office, team) == (round(0.5 / 3, 4), "OFF_TRACK", False)

    office.solve(1)  # 1 of 4: 0.25 < 0.8 × 0.6
    assert progress(office, ann) == (0.25, "OFF_TRACK", False)
    assert office.goals.goal(ann)["value"] == 1
    office.solve(1)  # 2 of 4: 0.5 ≥ 0.48, < 0.6
    assert progress(office, ann) == (0.5, "AT_RISK", False)
    office.solve(1)  # 3 of 4: 0.75 ≥ 0.6
    assert progress(office, ann) == (0.75, "ON_TRACK", False)
    assert progress(office, team) == (round((2 * 0.75 + 0.5) / 3, 4), "ON_TRACK", False)
    assert progress(office, company) == progress(office, team)  # its only child

    office.solve(2)  # 5 of 4: attainment is clipped at 1
    assert progress(office, ann) == (1.0, "ON_TRACK", True)
    history = office.goals.goal(ann)["progressHistory"]
    assert [(p["progress"], p["value"]) for p in history] == [
        (0.0, 0.0),
        (0.25, 1.0),
        (0.5, 2.0),
        (0.75, 3.0),
        (1.0, 5.0),
    ]


def test_a_manual_goal_is_set_by_its_owner_and_rolls_up(office: Office) -> None:
    company, team, ann, bob = tree(office)
    updated = office.goals.update(bob, progress=1.0)
    assert updated["manualProgress"] == 1.0
    settle(office.container)
    assert progress(office, bob) == (1.0, "ON_TRACK", True)
    assert progress(office, team) == (round(1 / 3, 4), "OFF_TRACK", False)  # ann at 0
    office.goals.update(ann, weight=1)
    settle(office.container)
    assert progress(office, team) == (0.5, "AT_RISK", False)
    assert progress(office, company)[0] == 0.5
    children = {c["id"] for c in office.goals.goal(team)["children"]}
    assert children == {ann, bob}
    assert office.goals.goal(bob)["parent"] == {"id": team}
    history = office.goals.goal(bob)["progressHistory"]
    assert [p["progress"] for p in history] == [0.5, 1.0]
    refused = office.goals.update(team, progress=0.9)  # it rolls up from ann and bob
    assert (refused["__typename"], refused["field"]) == ("ValidationError", "progress")


def test_moving_a_goal_to_another_parent_recomputes_both(office: Office) -> None:
    _company, team, _ann, bob = tree(office)
    other = office.goals.create(
        title="Quiet team",
        ownerKind="TEAM",
        ownerId=office.team,
        kind="MANUAL",
        progress=0.2,
        **office.days(),
    )
    office.goals.update(bob, parentId=other["id"])
    settle(office.container)
    assert progress(office, team)[0] == 0.0  # only ann (nothing solved) is left
    assert progress(office, other["id"])[0] == 0.5  # bob's progress, not its own 0.2
    office.goals.update(bob, detachParent=True)
    settle(office.container)
    assert progress(office, other["id"])[0] == 0.2


def test_goals_are_listed_by_owner(office: Office) -> None:
    company, _team, ann, bob = tree(office)
    assert [g["id"] for g in office.goals.goals("AGENT", office.agents["ann"])] == [ann]
    assert {g["id"] for g in office.goals.goals("AGENT")} == {ann, bob}
    assert [g["id"] for g in office.goals.goals("TENANT")] == [company]
    assert len(office.goals.goals()) == 4


@pytest.mark.parametrize(
    ("owner", "parent", "field"),
    [("AGENT", "AGENT", "parentId"), ("TEAM", "TEAM", "parentId"), ("TEAM", "AGENT", "parentId")],
)
def test_a_goal_aligns_only_upward(office: Office, owner: str, parent: str, field: str) -> None:
    ids = {"AGENT": office.agents["ann"], "TEAM": office.team}
    above = office.goals.create(
        title="Above", ownerKind=parent, ownerId=ids[parent], kind="MANUAL", **office.days()
    )
    answer = office.goals.create(
        title="Below",
        ownerKind=owner,
        ownerId=ids[owner],
        kind="MANUAL",
        parentId=above["id"],
        **office.days(),
    )
    assert answer["__typename"] == "ValidationError"
    assert answer["field"] == field


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "MANUAL", "progress": 1.5}, "progress"),
        ({"kind": "MANUAL", "weight": 0}, "weight"),
        ({"kind": "MANUAL", "title": " "}, "title"),
        ({"kind": "METRIC"}, "metric"),
        (
            {
                "kind": "METRIC",
                "metric": {"metric": "nope", "target": 1, "direction": "HIGHER_IS_BETTER"},
            },
            "metric.metric",
        ),
        (  # nps is measured for teams and the tenant only
            {
                "kind": "METRIC",
                "metric": {"metric": "nps", "target": 1, "direction": "HIGHER_IS_BETTER"},
            },
            "metric.metric",
        ),
        (
            {
                "kind": "METRIC",
                "metric": {"metric": "csat", "target": 0, "direction": "HIGHER_IS_BETTER"},
            },
            "metric.target",
        ),
        ({"kind": "MANUAL", "startDate": "2026-02-01", "endDate": "2026-01-01"}, "endDate"),
    ],
)
def test_bad_goals_are_refused_with_the_field_at_fault(
    office: Office, fields: dict[str, Any], field: str
) -> None:
    goal = {"title": "Goal", "ownerKind": "AGENT", "ownerId": office.agents["ann"]}
    answer = office.goals.create(**{**goal, **office.days(), **fields})
    assert (answer["__typename"], answer.get("field")) == ("ValidationError", field), answer


def test_unknown_owners_and_goals_are_not_found(office: Office) -> None:
    days = office.days()
    for owner in ("AGENT", "TEAM"):
        answer = office.goals.create(
            title="Goal", ownerKind=owner, ownerId="f" * 32, kind="MANUAL", **days
        )
        assert answer["__typename"] == "NotFoundError"
    answer = office.goals.create(
        title="Goal",
        ownerKind="TEAM",
        ownerId=office.team,
        kind="MANUAL",
        parentId="f" * 32,
        **days,
    )
    assert answer["__typename"] == "NotFoundError"
    assert office.goals.update("f" * 32, progress=0.5)["__typename"] == "NotFoundError"


def test_a_metric_goals_days_bound_its_value(office: Office) -> None:
    office.solve(2)
    later = goal_days(office.today, before=0, after=9)  # from today: yesterday's solves miss
    answer = office.goals.create(
        title="From today",
        ownerKind="AGENT",
        ownerId=office.agents["ann"],
        kind="METRIC",
        metric={"metric": "tickets_solved", "target": 2, "direction": "HIGHER_IS_BETTER"},
        **later,
    )
    settle(office.container)
    assert office.goals.goal(answer["id"])["value"] == 0
    office.goals.update(answer["id"], startDate=(office.today - timedelta(days=3)).isoformat())
    settle(office.container)
    assert progress(office, answer["id"]) == (1.0, "ON_TRACK", True)


MERGE = """mutation($source: ID!, $target: ID!) {
  mergeAgents(sourceAgentId: $source, targetAgentId: $target) { __typename } }"""


def test_an_agent_merged_away_keeps_their_goals(
    office: Office, container: Container, tenant: TenantProfile
) -> None:
    _company, _team, ann, bob = tree(office)
    admin_token = access_token(office.client, container, tenant.id, scopes=("read", "admin"))
    merged = graphql_data(
        office.client, admin_token, MERGE, source=office.agents["bob"], target=office.agents["ann"]
    )
    assert merged["mergeAgents"]["__typename"] == "AgentMerge"
    settle(container)
    kept = office.goals.goals("AGENT", office.agents["bob"])
    assert [(g["id"], g["progress"]) for g in kept] == [(bob, 0.5)]
    assert [g["id"] for g in office.goals.goals("AGENT", office.agents["ann"])] == [ann]
