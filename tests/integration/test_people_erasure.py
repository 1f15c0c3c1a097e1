"""Right to erasure (SPEC §7, issue 14 item 4): erasing an agent's people data — through the
API or the CLI, one service behind both — leaves nothing of it to read back, leaves other
agents, other tenants and the agent's KPI data as they were, is recorded in the audit log
(counts, never content) and can run twice."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from click.testing import Result
from typer.testing import CliRunner

from cli.main import app
from domain.ports import TenantProfile
from infra import admin
from infra.bootstrap import Container
from tests.support.api import graphql
from tests.support.careers import CareerDesk
from tests.support.derive import settle
from tests.support.people_data import (
    ERASE,
    give_people_data,
    goal_progress,
    is_empty,
    people_data_of,
    review_march,
    team_goals,
)
from tests.support.quality import open_desk

AUDIT = "{ auditLog(first: 20) { edges { node { id action actor outcome details } } } }"
SCORES = """query($p: PeriodInput!) { agentScores(period: $p) {
  agent { id } total metrics { key value sampleSize } } }"""
MARCH = {"grain": "MONTH", "start": "2026-03-01"}
# What Ann holds: a placement with two changes, two one-on-ones, two goals (each with the
# one progress point the engine recorded), March's performance review.
ANNS = {
    "career_level_changes": 2,
    "career_levels": 1,
    "goal_progress_points": 2,
    "goals": 2,
    "one_on_ones": 2,
    "performance_reviews": 1,
    "review_cycle_memberships": 0,  # tier1's cycle lists its team, not Ann
}


@dataclass
class World:
    """Two tenants with the same desk; Ann, Bob and Lea hold §7 data in the first, Ann in
    the second. Ann's erasure token holds admin and people:write."""

    people: CareerDesk
    elsewhere: CareerDesk
    eraser: str
    team_goals: dict[str, str]  # "solo": Ann's goal under it; "shared": Ann's and Bob's

    def erase(self, agent: str) -> dict[str, Any]:
        agent_id = self.people.desk.agents.get(agent, agent)
        body = self.people.desk.body(ERASE, token=self.eraser, id=agent_id)
        assert not body.get("errors"), body["errors"]
        settle(self.people.desk.container)  # the team goals' re-roll
        return dict(body["data"]["eraseAgentPeopleData"])

    def team_progress(self) -> dict[str, float | None]:
        return {k: goal_progress(self.people, g) for k, g in self.team_goals.items()}

    def data(self, agent: str) -> dict[str, Any]:
        return people_data_of(self.people, self.people.desk.agents[agent])

    def everything(self) -> dict[str, Any]:
        """Every agent's §7 data in both tenants, and the first tenant's March scores."""
        mine = {a: self.data(a) for a in ("ann", "bob", "lead")}
        other = self.elsewhere
        theirs = {a: people_data_of(other, i) for a, i in other.desk.agents.items()}
        scores = self.people.desk.data(SCORES, p=MARCH)["agentScores"]
        return {"mine": mine, "theirs": theirs, "scores": scores}


def _desk(container: Container, tenant: TenantProfile) -> tuple[CareerDesk, dict[str, str]]:
    people = CareerDesk(open_desk(container, tenant))
    team = team_goals(people)
    give_people_data(people, "ann", manager="lead", goals={team["solo"]: 0.8, team["shared"]: 0.8})
    # Ann manages Bob's one-on-ones
    give_people_data(people, "bob", manager="ann", goals={team["shared"]: 0.4})
    review_march(people)
    return people, team


@pytest.fixture
def world(container: Container, tenant: TenantProfile) -> World:
    other = admin.create_tenant(
        container, slug=f"o-{uuid.uuid4().hex[:8]}", name="Other Co", timezone="Europe/Berlin"
    )
    people, team = _desk(container, tenant)
    elsewhere, _ = _desk(container, other)
    return World(people, elsewhere, people.desk.token_with("admin", "people:write"), team)


def cli(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def erased_counts(answer: dict[str, Any]) -> dict[str, int]:
    return {e["kind"]: e["count"] for e in answer["erased"]}


def test_erasing_an_agent_leaves_nothing_of_their_people_data_and_everyone_elses(
    world: World,
) -> None:
    ann = world.people.desk.agents["ann"]
    before = world.everything()
    assert not is_empty(before["mine"]["ann"])

    answer = world.erase("ann")

    assert answer["__typename"] == "AgentPeopleDataErased" and answer["agentId"] == ann
    assert erased_counts(answer) == ANNS
    assert answer["total"] == sum(ANNS.values())
    after = world.everything()
    assert is_empty(after["mine"]["ann"])
    # Bob's one-on-ones that Ann held as his manager are Bob's, Lea's review that Ann wrote
    # is Lea's: they stay, as do
    # the other tenant's Ann's, and every score (KPI data is not §7 data).
    assert after["mine"]["bob"] == before["mine"]["bob"]
    assert after["mine"]["lead"] == before["mine"]["lead"]
    assert after["theirs"] == before["theirs"]
    assert after["scores"] == before["scores"]
    bobs = after["mine"]["bob"]["oneOnOnes"]["edges"]
    assert {e["node"]["manager"]["id"] for e in bobs} == {ann}
    [leas] = [e["node"] for e in after["mine"]["lead"]["performanceReviews"]["edges"]]
    assert leas["reviewer"]["id"] == ann  # Lea's review, written by Ann, is Lea's


def test_the_team_goals_above_an_erased_goal_roll_up_without_it(world: World) -> None:
    assert world.team_progress() == {"solo": 0.8, "shared": pytest.approx(0.6)}

    world.erase("ann")

    # "solo" had Ann's goal only: back to its own progress; "shared" is Bob's alone.
    assert world.team_progress() == {"solo": 0.2, "shared": 0.4}


def test_the_erasure_is_audited_with_counts_never_content(world: World) -> None:
    answer = world.erase("ann")

    events = world.people.desk.data_now(AUDIT)["auditLog"]["edges"]
    [record] = [e["node"] for e in events if e["node"]["action"] == "people erase"]
    assert record["id"] == answer["auditEventId"] and record["outcome"] == "ok"
    assert record["details"] == {
        "agent_id": world.people.desk.agents["ann"],
        "erased": erased_counts(answer),
    }
    # The mutation itself is recorded too, like every admin mutation (its arguments only).
    assert any(e["node"]["action"] == "eraseAgentPeopleData" for e in events)
    assert "private" not in json.dumps(events)  # notes, self-assessments


def test_erasing_twice_is_fine_and_erases_nothing_more(world: World) -> None:
    world.erase("ann")
    again = world.erase("ann")

    assert again["__typename"] == "AgentPeopleDataErased" and again["total"] == 0
    assert set(erased_counts(again).values()) == {0}
    assert is_empty(world.data("ann")) and not is_empty(world.data("bob"))


def test_an_agent_of_another_tenant_or_none_is_not_found(world: World) -> None:
    theirs = world.elsewhere.desk.agents["ann"]
    before = people_data_of(world.elsewhere, theirs)

    for agent_id in (theirs, "ghost"):
        answer = world.erase(agent_id)
        assert answer == {"__typename": "NotFoundError", "message": f"no agent {agent_id!r}"}
    assert people_data_of(world.elsewhere, theirs) == before


@pytest.mark.parametrize(
    "scopes",
    [("read",), ("people:read",), ("people:write",), ("admin",), ("read", "admin", "people:read")],
)
def test_erasure_needs_admin_and_people_write(world: World, scopes: tuple[str, ...]) -> None:
    before = world.data("ann")
    token = world.people.desk.token_with(*scopes)
    ann = world.people.desk.agents["ann"]

    body = graphql(world.people.desk.client, token, ERASE, id=ann).json()

    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert world.data("ann") == before


def test_the_cli_erases_through_the_same_service(world: World) -> None:
    tenant = world.people.desk.tenant.slug
    ann = world.people.desk.agents["ann"]
    before = world.everything()

    refused = cli("people", "erase", "--tenant", tenant, "--agent", ann)
    assert refused.exit_code == 1 and "--yes" in refused.output
    assert world.data("ann") == before["mine"]["ann"]

    done = cli("people", "erase", "--tenant", tenant, "--agent", ann, "--yes", "--json")
    assert done.exit_code == 0, done.output
    report = json.loads(done.stdout)
    assert report["erased"] == ANNS
    assert (report["agent_id"], report["total"], report["tenant"]) == (ann, 10, tenant)
    settle(world.people.desk.container)
    assert world.team_progress() == {"solo": 0.2, "shared": 0.4}
    after = world.everything()
    assert is_empty(after["mine"]["ann"])
    assert {k: after[k] for k in ("theirs", "scores")} == {
        k: before[k] for k in ("theirs", "scores")
    }
    assert after["mine"]["bob"] == before["mine"]["bob"]

    again = cli("people", "erase", "--tenant", tenant, "--agent", ann, "--yes")
    assert again.exit_code == 0 and "0 one_on_ones" in again.stdout
    events = [e["node"] for e in world.people.desk.data_now(AUDIT)["auditLog"]["edges"]]
    erasures = [e for e in events if e["action"] == "people erase"]
    assert [(e["actor"], e["details"]["erased"]["one_on_ones"]) for e in erasures] == [
        ("cli", 0),
        ("cli", 2),
    ]


def test_the_cli_names_what_it_cannot_find(world: World) -> None:
    tenant = world.people.desk.tenant.slug
    unknown = cli("people", "erase", "--tenant", tenant, "--agent", "ghost", "--yes")
    assert unknown.exit_code == 1 and "no agent 'ghost'" in unknown.output
    no_tenant = cli("people", "erase", "--tenant", "nope", "--agent", "ghost", "--yes")
    assert no_tenant.exit_code == 1 and "nope" in no_tenant.output
