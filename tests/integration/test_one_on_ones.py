"""One-on-ones (SPEC §7): dated meetings of an agent and their manager with a shared agenda,
notes and action items, paged latest first, under the people scopes."""

from __future__ import annotations

from typing import Any

import pytest

from domain.ports import TenantProfile
from infra.bootstrap import Container
from tests.support.careers import ERRORS, CareerDesk
from tests.support.derive import settle
from tests.support.goals import GoalsClient
from tests.support.quality import open_desk

MEETING = """id heldOn agenda notes reviewIds goalIds agent { name } manager { name }
  actionItems { id text done goalId }"""
CREATE = f"""mutation($input: CreateOneOnOneInput!) {{ createOneOnOne(input: $input) {{
  __typename ... on OneOnOne {{ {MEETING} }} {ERRORS} }} }}"""
UPDATE = f"""mutation($id: ID!, $input: UpdateOneOnOneInput!) {{
  updateOneOnOne(id: $id, input: $input) {{ __typename
    ... on OneOnOne {{ {MEETING} }} {ERRORS} }} }}"""
LIST = """query($id: ID!, $first: Int, $after: String) {
  oneOnOnes(agentId: $id, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id heldOn } } } }"""


@pytest.fixture
def people(container: Container, tenant: TenantProfile) -> CareerDesk:
    return CareerDesk(open_desk(container, tenant))


def meet(people: CareerDesk, day: str, agent: str = "ann", **more: Any) -> dict[str, Any]:
    agents = people.desk.agents
    given = {"agentId": agents.get(agent, agent), "managerId": agents["lead"], "heldOn": day}
    return people.call(CREATE, input={**given, **more})


def test_a_one_on_one_holds_agenda_notes_and_action_items(people: CareerDesk) -> None:
    created = meet(
        people,
        "2026-03-05",
        agenda="Escalations; the QA trend",
        notes="Ann wants to own the billing queue",
        actionItems=[{"text": "Shadow billing for a week"}, {"text": "Read the runbook"}],
    )

    assert created["__typename"] == "OneOnOne"
    assert (created["agent"], created["manager"]) == ({"name": "Ann"}, {"name": "Lea Lead"})
    assert created["agenda"] == "Escalations; the QA trend"
    items = created["actionItems"]
    assert [(i["text"], i["done"], i["goalId"]) for i in items] == [
        ("Shadow billing for a week", False, None),
        ("Read the runbook", False, None),
    ]
    assert len({i["id"] for i in items}) == 2


def test_an_update_keeps_named_items_adds_new_ones_and_drops_the_rest(
    people: CareerDesk,
) -> None:
    created = meet(people, "2026-03-05", actionItems=[{"text": "A"}, {"text": "B"}])
    first, _ = created["actionItems"]
    changes = {
        "notes": "Done with A",
        "actionItems": [{"id": first["id"], "text": "A", "done": True}, {"text": "C"}],
    }

    updated = people.call(UPDATE, id=created["id"], input=changes)

    assert updated["notes"] == "Done with A"
    assert updated["agenda"] == created["agenda"]  # left out: unchanged
    kept, added = updated["actionItems"]
    assert (kept["id"], kept["done"]) == (first["id"], True)
    assert added["text"] == "C" and added["id"] not in {i["id"] for i in created["actionItems"]}
    moved = people.call(UPDATE, id=created["id"], input={"heldOn": "2026-03-12"})
    assert moved["heldOn"] == "2026-03-12" and moved["actionItems"] == updated["actionItems"]


@pytest.mark.parametrize(
    ("change", "answer"),
    [
        ({"actionItems": [{"id": "nope", "text": "x"}]}, "NotFoundError"),
        ({"actionItems": [{"text": " "}]}, "actionItems[0].text"),
        ({"agenda": "x" * 20_001}, "agenda"),
        ({"goalIds": ["nope"]}, "NotFoundError"),
    ],
)
def test_bad_updates_are_refused(people: CareerDesk, change: dict[str, Any], answer: str) -> None:
    created = meet(people, "2026-03-05")
    refused = people.call(UPDATE, id=created["id"], input=change)
    assert answer in (refused["__typename"], refused.get("field")), refused
    assert people.call(UPDATE, id="ghost", input={})["__typename"] == "NotFoundError"


def test_who_meets_must_be_two_agents_of_the_tenant(people: CareerDesk) -> None:
    assert meet(people, "2026-03-05", agent="ghost") == {
        "__typename": "NotFoundError",
        "message": "no agent 'ghost'",
    }
    alone = meet(people, "2026-03-05", agent="lead")
    assert (alone["__typename"], alone["field"]) == ("ValidationError", "managerId")


def test_an_agents_one_on_ones_page_latest_first(people: CareerDesk) -> None:
    days = ["2026-01-08", "2026-03-05", "2026-02-05", "2026-03-05"]
    made = [meet(people, day)["id"] for day in days]
    meet(people, "2026-03-19", agent="bob")
    ann = people.desk.agents["ann"]

    seen: list[dict[str, Any]] = []
    after = None
    while True:
        page = people.call(LIST, id=ann, first=3, after=after)
        assert page["totalCount"] == 4
        seen += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    assert [n["heldOn"] for n in seen] == ["2026-03-05", "2026-03-05", "2026-02-05", "2026-01-08"]
    assert {n["id"] for n in seen} == set(made)
    assert people.call(LIST, id="ghost")["edges"] == []
    body = people.desk.body(LIST, token=people.token, id=ann, after="bm90IGEgY3Vyc29y")
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "after"}


CREATE_CYCLE = """mutation($input: ReviewCycleInput!) { createReviewCycle(input: $input) {
  __typename ... on ReviewCycle { id } ... on UserError { message } } }"""
RUN = """mutation($id: ID!, $day: Date!) { runReviewCycle(cycleId: $id, periodStart: $day) {
  __typename } }"""
TO_GOAL = f"""mutation($m: ID!, $i: ID!, $input: ActionItemGoalInput!) {{
  createGoalFromActionItem(oneOnOneId: $m, itemId: $i, input: $input) {{ __typename
    ... on OneOnOne {{ {MEETING} }} {ERRORS} }} }}"""


def goal_of(people: CareerDesk, agent: str, title: str) -> str:
    own = {"ownerKind": "AGENT", "ownerId": people.desk.agents[agent], "kind": "MANUAL"}
    days = {"startDate": "2026-03-01", "endDate": "2026-06-30"}
    made = GoalsClient(people.desk.client, people.token).create(title=title, **own, **days)
    return str(made["id"])


def test_a_meeting_links_the_agents_own_goals_only(people: CareerDesk) -> None:
    anns, bobs = goal_of(people, "ann", "Own billing"), goal_of(people, "bob", "Bob's")
    created = meet(people, "2026-03-05", goalIds=[anns, anns])
    assert created["goalIds"] == [anns]

    foreign = people.call(UPDATE, id=created["id"], input={"goalIds": [anns, bobs]})
    assert foreign == {"__typename": "NotFoundError", "message": f"the agent has no goal {bobs!r}"}
    assert people.call(UPDATE, id=created["id"], input={"goalIds": []})["goalIds"] == []


def march_reviews(people: CareerDesk) -> dict[str, str]:
    """A monthly cycle of Ann's team run for March: each agent's performance review id."""
    desk = people.desk
    team = next(
        a["team"]["id"]
        for a in desk.data("{ agents { id team { id } } }")["agents"]
        if a["id"] == desk.agents["ann"]
    )
    cycle = {"name": "Monthly", "cadence": "MONTHLY", "teamIds": [team],
             "reviewerId": desk.agents["lead"], "ratingScale": ["Meets", "Exceeds"]}  # fmt: skip
    made = people.call(CREATE_CYCLE, input=cycle)
    assert made["__typename"] == "ReviewCycle", made
    people.call(RUN, id=made["id"], day="2026-03-01")
    settle(desk.container)
    found = people.call("{ performanceReviews { edges { node { id agent { id } } } } }")
    by_id = {a: n for n, a in desk.agents.items()}
    return {by_id[e["node"]["agent"]["id"]]: e["node"]["id"] for e in found["edges"]}


def test_a_meeting_links_the_agents_own_performance_reviews_only(people: CareerDesk) -> None:
    reviews = march_reviews(people)
    created = meet(people, "2026-04-02", reviewIds=[reviews["ann"]])
    assert created["reviewIds"] == [reviews["ann"]]

    bobs = people.call(UPDATE, id=created["id"], input={"reviewIds": [reviews["bob"]]})

    assert bobs == {
        "__typename": "NotFoundError",
        "message": f"the agent has no performance review {reviews['bob']!r}",
    }


def test_an_action_item_becomes_a_goal_of_the_agent(people: CareerDesk) -> None:
    created = meet(people, "2026-03-05", actionItems=[{"text": "Own the billing queue"}])
    [item] = created["actionItems"]
    ask = {"m": created["id"], "i": item["id"], "input": {"endDate": "2026-06-30"}}

    turned = people.call(TO_GOAL, **ask)

    [became] = turned["actionItems"]
    assert became["goalId"] and turned["goalIds"] == [became["goalId"]]
    goal = GoalsClient(people.desk.client, people.token).goal(became["goalId"])
    assert (goal["title"], goal["ownerKind"], goal["kind"]) == (
        "Own the billing queue",
        "AGENT",
        "MANUAL",
    )
    assert goal["ownerId"] == people.desk.agents["ann"]
    again = people.call(TO_GOAL, **ask)
    assert (again["__typename"], again["field"]) == ("ValidationError", "itemId")
    done = {"id": item["id"], "text": item["text"], "done": True}
    kept = people.call(UPDATE, id=created["id"], input={"actionItems": [done]})
    assert kept["actionItems"][0]["goalId"] == became["goalId"]  # the item keeps its goal


def test_a_goal_the_goals_service_refuses_is_a_validation_error(people: CareerDesk) -> None:
    created = meet(people, "2026-03-05", actionItems=[{"text": "Too late"}])
    [item] = created["actionItems"]
    before = {"m": created["id"], "i": item["id"], "input": {"endDate": "2026-01-01"}}
    refused = people.call(TO_GOAL, **before)  # ends before the meeting's day, its start
    assert (refused["__typename"], refused["field"]) == ("ValidationError", "endDate")
    unknown = people.call(TO_GOAL, **{**before, "i": "nope"})
    assert unknown["__typename"] == "NotFoundError"
