"""An agent deactivated or merged away keeps their people data (SPEC §7, issue 14 item 4):
it hangs off the agent id they had, and reads back by it. A merge moves identities, QA
reviews and ratings to the agent that stays, never §7 records: a review, a goal, a level
or a one-on-one is a record of what happened to that agent id, and stays where it was."""

from __future__ import annotations

import pytest

from domain.ports import TenantProfile
from infra.bootstrap import Container
from tests.support.careers import CareerDesk
from tests.support.people_data import (
    give_people_data,
    is_empty,
    people_data_of,
    review_march,
    team_goals,
)
from tests.support.quality import open_desk

DEACTIVATE = """mutation($id: ID!) { updateAgent(input: {agentId: $id, active: false}) {
  __typename ... on Agent { active } } }"""
MERGE = """mutation($source: ID!, $target: ID!) {
  mergeAgents(sourceAgentId: $source, targetAgentId: $target) { __typename } }"""


@pytest.fixture
def people(container: Container, tenant: TenantProfile) -> CareerDesk:
    desk = CareerDesk(open_desk(container, tenant))
    team = team_goals(desk)
    give_people_data(desk, "ann", manager="lead", goals={team["solo"]: 0.8})
    give_people_data(desk, "bob", manager="lead", goals={team["shared"]: 0.4})
    review_march(desk)
    return desk


def test_a_deactivated_agent_keeps_their_people_data(people: CareerDesk) -> None:
    ann = people.desk.agents["ann"]
    before = people_data_of(people, ann)

    answer = people.desk.data(DEACTIVATE, id=ann)["updateAgent"]

    assert answer == {"__typename": "Agent", "active": False}
    assert people_data_of(people, ann) == before and not is_empty(before)


def test_a_merged_away_agent_keeps_their_people_data_under_their_own_id(
    people: CareerDesk,
) -> None:
    ann, bob = people.desk.agents["ann"], people.desk.agents["bob"]
    anns, bobs = people_data_of(people, ann), people_data_of(people, bob)

    merged = people.desk.data(MERGE, source=ann, target=bob)["mergeAgents"]

    assert merged == {"__typename": "AgentMerge"}
    assert people_data_of(people, ann) == anns and not is_empty(anns)
    assert people_data_of(people, bob) == bobs  # nothing of Ann's moved to Bob
