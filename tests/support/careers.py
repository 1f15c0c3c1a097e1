"""Career tracks over GraphQL for the tests: the documents, and a desk whose token holds the
people scopes (career data is HR data: `read` sees none of it)."""

from __future__ import annotations

from typing import Any

from tests.support.quality import Desk

PEOPLE = ("people:read", "people:write")

EVIDENCE = """evidence { __typename
  ... on MetricEvidence { metric statistic basis threshold direction window minSample }
  ... on QaScoreEvidence { minScore minReviews window }
  ... on SupportValueEvidence { valueKey minRating minRatings window }
  ... on GoalsCompletedEvidence { minCompleted } }"""
LEVEL = f"id rank name description expectations {{ description {EVIDENCE} }}"
TRACK = f"id name kind description createdAt levels {{ {LEVEL} }}"
ERRORS = "... on UserError { message } ... on ValidationError { field }"

CREATE_TRACK = f"""mutation($input: CareerTrackInput!) {{ createCareerTrack(input: $input) {{
  __typename ... on CareerTrack {{ {TRACK} }} {ERRORS} }} }}"""
PLACEMENT = """agent { id } track { id } level { id name } targetLevel { id name } effectiveOn
  history { fromLevel { name } toLevel { name } targetLevel { name } effectiveOn changedBy
            actor note }"""
SET_LEVEL = f"""mutation($input: SetAgentLevelInput!) {{ setAgentLevel(input: $input) {{
  __typename ... on AgentCareerLevel {{ {PLACEMENT} }} {ERRORS} }} }}"""
LEVELS = f"""query($id: ID!) {{ agentCareerLevels(agentId: $id) {{ {PLACEMENT} }} }}"""
READINESS = f"""query($id: ID!, $track: ID, $asOf: Date) {{
  careerReadiness(agentId: $id, trackId: $track, asOf: $asOf) {{ __typename
    ... on NotFoundError {{ message }}
    ... on CareerReadiness {{ agent {{ name }} asOf tracks {{
      track {{ name }} currentLevel {{ name }} targetLevel {{ name }}
      summary {{ overall met notMet insufficientData manual }}
      expectations {{ index description verdict {EVIDENCE}
        found {{ value sampleSize window {{ grain start end }} }} }} }} }} }} }}"""


def level(name: str, *expectations: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "expectations": list(expectations)}


def expect(description: str, **evidence: dict[str, Any]) -> dict[str, Any]:
    """An expectation; one keyword (metric=…, qaScore=…) links its evidence."""
    return {"description": description, **({"evidence": evidence} if evidence else {})}


class CareerDesk:
    """The quality desk's agents, and GraphQL calls with a people:read/people:write token."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self.token = desk.token_with(*PEOPLE)

    def call(self, query: str, **variables: Any) -> dict[str, Any]:
        body = self.desk.body(query, token=self.token, **variables)
        assert not body.get("errors"), body["errors"]
        [answer] = body["data"].values()
        return dict(answer) if isinstance(answer, dict) else {"list": answer}

    def track(self, name: str, *levels: dict[str, Any], kind: str = "TECHNICAL") -> dict[str, Any]:
        created = self.call(CREATE_TRACK, input={"name": name, "kind": kind, "levels": levels})
        assert created["__typename"] == "CareerTrack", created
        return created

    def place(self, agent: str, track: dict[str, Any], at: str, **more: Any) -> dict[str, Any]:
        """Set the agent's level (by name) on the track; `target=` a level name."""
        ids = {lv["name"]: lv["id"] for lv in track["levels"]}
        target = more.pop("target", None)
        given = {
            "agentId": self.desk.agents.get(agent, agent),
            "trackId": track["id"],
            "levelId": ids.get(at, at),
            **({"targetLevelId": ids.get(target, target)} if target else {}),
            **more,
        }
        return self.call(SET_LEVEL, input=given)

    def readiness(self, agent: str, **variables: Any) -> dict[str, Any]:
        return self.call(READINESS, id=self.desk.agents.get(agent, agent), **variables)
