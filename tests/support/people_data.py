"""An agent's §7 records over GraphQL for the erasure tests: make some, read them all back.

Each §7 package adds what it stores to `give_people_data` and `people_data_of`, so the
erasure tests cover it."""

from __future__ import annotations

from typing import Any

from tests.support.careers import ERRORS, CareerDesk, expect, level

CREATE_ONE_ON_ONE = f"""mutation($input: CreateOneOnOneInput!) {{
  createOneOnOne(input: $input) {{ __typename ... on OneOnOne {{ id }} {ERRORS} }} }}"""
READ = """query($id: ID!) {
  agentCareerLevels(agentId: $id) { track { id } level { name } targetLevel { name }
    history { fromLevel { name } toLevel { name } note } }
  oneOnOnes(agentId: $id, first: 50) { totalCount edges { node { id heldOn notes
    manager { id } actionItems { text } } } } }"""
ERASE = """mutation($id: ID!) { eraseAgentPeopleData(agentId: $id) { __typename
  ... on AgentPeopleDataErased { agentId total auditEventId erased { kind count } }
  ... on NotFoundError { message } } }"""


def give_people_data(people: CareerDesk, agent: str, *, manager: str) -> None:
    """Career levels with a history and a target, and two one-on-ones, for `agent`."""
    agents = people.desk.agents
    track = people.track(
        f"Technical for {agent}",
        level("Associate"),
        level("Specialist", expect("Owns a queue")),
        level("Senior"),
    )
    people.place(agent, track, "Associate", note=f"{agent} joins")
    people.place(agent, track, "Specialist", target="Senior", note=f"{agent} grows")
    for day in ("2026-02-05", "2026-03-05"):
        made = people.call(
            CREATE_ONE_ON_ONE,
            input={
                "agentId": agents[agent],
                "managerId": agents[manager],
                "heldOn": day,
                "notes": f"private notes about {agent}",
                "actionItems": [{"text": f"{agent} shadows billing"}],
            },
        )
        assert made["__typename"] == "OneOnOne", made


def people_data_of(people: CareerDesk, agent_id: str) -> dict[str, Any]:
    """Everything §7 holds about the agent, as the API reads it back."""
    body = people.desk.body(READ, token=people.token, id=agent_id)
    assert not body.get("errors"), body["errors"]
    return dict(body["data"])


def is_empty(data: dict[str, Any]) -> bool:
    return data["agentCareerLevels"] == [] and data["oneOnOnes"]["totalCount"] == 0
