"""The API guide's careers and one-on-ones sections on the full stack: a track, Ada's
placement and readiness, and her one-on-ones with an action item turned into a goal."""

from __future__ import annotations

import json

from tests.e2e.guide_client import DECEMBER, Guide, error_of
from tests.e2e.harness import Stack

SENIOR = [
    {"description": "Solves 5 tickets a month", "evidence": {"metric": {
        "metric": "tickets_solved", "threshold": 5, "direction": "HIGHER_IS_BETTER",
        "window": "MONTH"}}},
    {"description": "QA of 85 over the quarter", "evidence": {"qaScore": {
        "minScore": 85, "minReviews": 3}}},
    {"description": "Mentors a new hire"},
]  # fmt: skip


def check_careers(stack: Stack, guide: Guide, ids: dict[str, str]) -> None:
    """A track as the guide's variables make it; Ada placed below her target; readiness as
    of January 2026 judges December 2025 (her tickets solved as agentScores shows them: met)
    and the last quarter of 2025 (no QA reviews: insufficient data). The admin token sees
    none of it."""
    ada = ids["ada"]
    people = json.loads(
        stack.cli(
            "client", "create", "--tenant", "acme", "--scopes", "people:read people:write", "--json"
        )
    )
    token = stack.token(people["client_id"], people["client_secret"])
    levels = [{"name": "Specialist"}, {"name": "Senior", "expectations": SENIOR}]
    given = {"name": "Support engineering", "kind": "TECHNICAL", "levels": levels}
    track = guide.run("CreateCareerTrack", token=token, input=given)["createCareerTrack"]
    specialist, senior = (level["id"] for level in track["levels"])
    placement = {"agentId": ada, "trackId": track["id"], "levelId": specialist}
    placed = guide.run("SetAgentLevel", token=token, input={**placement, "targetLevelId": senior})[
        "setAgentLevel"
    ]
    assert (placed["level"], placed["targetLevel"]) == ({"name": "Specialist"}, {"name": "Senior"})
    assert [h["toLevel"] for h in placed["history"]] == [{"name": "Specialist"}]

    found = guide.run("CareerReadiness", token=token, agentId=ada, asOf="2026-01-01")
    [readiness] = found["careerReadiness"]["tracks"]
    verdicts = [(e["verdict"], e["found"]) for e in readiness["expectations"]]
    december = {"grain": "MONTH", "start": "2025-12-01", "end": "2026-01-01"}
    quarter = {"grain": "QUARTER", "start": "2025-10-01", "end": "2026-01-01"}
    board = guide.run("Leaderboard", period=DECEMBER)["agentScores"]
    solved = next(
        m
        for r in board
        if r["agent"]["id"] == ada
        for m in r["metrics"]
        if m["key"] == "tickets_solved"
    )["value"]  # 5 and the live check's late ones
    assert verdicts == [
        ("MET", {"value": solved, "sampleSize": solved, "window": december}),
        ("INSUFFICIENT_DATA", {"value": None, "sampleSize": 0, "window": quarter}),
        ("MANUAL", None),
    ]
    assert readiness["summary"]["overall"] == "INCOMPLETE"
    refused = error_of(guide, "CareerReadiness", agentId=ada)  # the admin token
    assert refused == {"code": "FORBIDDEN", "scope": "people:read"}
    check_one_on_ones(guide, token, ids)


def check_one_on_ones(guide: Guide, token: str, ids: dict[str, str]) -> None:
    """Two one-on-ones of Ada with Bob as her manager, paged one at a time, latest first."""
    for day in ("2026-01-08", "2026-01-22"):
        given = {
            "agentId": ids["ada"],
            "managerId": ids["bob"],
            "heldOn": day,
            "agenda": "Queue health",
            "actionItems": [{"text": "Shadow the billing queue"}],
        }
        made = guide.run("CreateOneOnOne", token=token, input=given)["createOneOnOne"]
        assert (made["__typename"], made["heldOn"]) == ("OneOnOne", day)
    [item] = made["actionItems"]
    ask = {"oneOnOneId": made["id"], "itemId": item["id"], "input": {"endDate": "2026-03-31"}}
    turned = guide.run("CreateGoalFromActionItem", token=token, **ask)["createGoalFromActionItem"]
    assert turned["goalIds"] == [turned["actionItems"][0]["goalId"]]
    seen, after = [], None
    while True:
        page = guide.run("OneOnOnes", token=token, agentId=ids["ada"], first=1, after=after)
        found = page["oneOnOnes"]
        assert found["totalCount"] == 2
        seen += [edge["node"]["heldOn"] for edge in found["edges"]]
        if not found["pageInfo"]["hasNextPage"]:
            break
        after = found["pageInfo"]["endCursor"]
    assert seen == ["2026-01-22", "2026-01-08"]
