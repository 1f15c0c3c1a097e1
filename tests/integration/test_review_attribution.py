"""Review metrics stay with the teams of the review time (SPEC §4: the ticket's team at the
time of the attributing event, else the agent's): a later team move of the reviewee or
the reviewer does not carry their past reviews to the new team."""

from __future__ import annotations

from typing import Any

from domain.ports import TenantProfile
from infra.bootstrap import Container
from tests.factories import agent_profile
from tests.support.derive import apply_and_settle
from tests.support.quality import Desk, current_period, open_desk, ratings, solved

TEAM_SCORES = """query($p: PeriodInput!) {
  teamScores(period: $p) { team { externalIds { id } } metrics { key value sampleSize } }
}"""


def by_team(desk: Desk, metric: str) -> dict[str, int]:
    """The metric's sample size per team (by its external id), where it has any."""
    rows = desk.data(TEAM_SCORES, p=current_period())["teamScores"]
    out: dict[str, int] = {}
    for row in rows:
        found: dict[str, Any] = {m["key"]: m for m in row["metrics"]}
        if found[metric]["sampleSize"]:
            out[row["team"]["externalIds"][0]["id"]] = found[metric]["sampleSize"]
    return out


def test_review_metrics_keep_the_teams_of_the_review_time_after_agents_move(
    container: Container, tenant: TenantProfile
) -> None:
    desk = open_desk(container, tenant)
    vip = solved("T-VIP", "ann", team="vip").events
    apply_and_settle(container, tenant.id, source="generic", events=vip)
    card = desk.scorecard()
    for ticket in ("T-ANN", "T-VIP"):  # T-ANN has no team: ann's (tier1) applies
        reviewed = desk.submit(
            scorecardId=card["id"],
            ticket={"externalId": ticket},
            reviewerId=desk.agents["lead"],
            ratings=ratings(4, 3, 1),
        )
        assert reviewed["__typename"] == "Review", reviewed

    moves = [
        agent_profile("ann", team="leads", name="Ann", minutes=600),
        agent_profile("lead", team="tier1", name="Lea Lead", minutes=600),
    ]
    apply_and_settle(container, tenant.id, source="generic", events=moves)

    assert by_team(desk, "qa_score") == {"tier1": 1, "vip": 1}
    assert by_team(desk, "reviews_given") == {"leads": 2}
