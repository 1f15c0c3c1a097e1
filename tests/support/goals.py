"""GraphQL documents and a small driver for goal tests (SPEC §7)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from starlette.testclient import TestClient

from tests.support.api import graphql_data

GOAL_FIELDS = """id title ownerKind ownerId parentId kind weight progress value sampleSize
  status completed manualProgress"""
CREATE_GOAL = f"""mutation($input: CreateGoalInput!) {{ createGoal(input: $input) {{
  __typename ... on Goal {{ {GOAL_FIELDS} }}
  ... on ValidationError {{ message field }} ... on NotFoundError {{ message }} }} }}"""
UPDATE_GOAL = f"""mutation($id: ID!, $input: UpdateGoalInput!) {{
  updateGoal(id: $id, input: $input) {{
  __typename ... on Goal {{ {GOAL_FIELDS} }}
  ... on ValidationError {{ message field }} ... on NotFoundError {{ message }} }} }}"""
GOAL = f"""query($id: ID!) {{ goal(id: $id) {{ {GOAL_FIELDS}
  parent {{ id }} children {{ id }} progressHistory {{ progress value status }} }} }}"""
GOALS = f"""query($kind: GoalOwnerKind, $owner: ID) {{ goals(ownerKind: $kind, ownerId: $owner) {{
  {GOAL_FIELDS} }} }}"""


def goal_days(today: date, *, before: int, after: int) -> dict[str, str]:
    """startDate/endDate around `today`: `before` days before it, `after` days after."""
    return {
        "startDate": (today - timedelta(days=before)).isoformat(),
        "endDate": (today + timedelta(days=after)).isoformat(),
    }


class GoalsClient:
    """One token's view of the goals API."""

    def __init__(self, client: TestClient, token: str) -> None:
        self.client = client
        self.token = token

    def create(self, **fields: Any) -> dict[str, Any]:
        return dict(graphql_data(self.client, self.token, CREATE_GOAL, input=fields)["createGoal"])

    def update(self, goal_id: str, **fields: Any) -> dict[str, Any]:
        answer = graphql_data(self.client, self.token, UPDATE_GOAL, id=goal_id, input=fields)
        return dict(answer["updateGoal"])

    def goal(self, goal_id: str) -> dict[str, Any]:
        return dict(graphql_data(self.client, self.token, GOAL, id=goal_id)["goal"])

    def goals(self, kind: str | None = None, owner: str | None = None) -> list[dict[str, Any]]:
        return list(graphql_data(self.client, self.token, GOALS, kind=kind, owner=owner)["goals"])
