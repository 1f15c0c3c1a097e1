"""A whole-history rebuild of a tenant with QA reviews: reviews point at tickets, which
the rebuild re-derives, so the reviews and the scores they feed must come through."""

from __future__ import annotations

from domain.ports import TenantProfile
from infra import admin
from infra.bootstrap import Container
from tests.support.quality import Desk, open_desk, ratings


def test_a_rebuild_of_everything_keeps_the_reviews_and_their_scores(
    container: Container, tenant: TenantProfile
) -> None:
    desk: Desk = open_desk(container, tenant)
    card = desk.scorecard()
    review = desk.submit(
        scorecardId=card["id"],
        ticket={"externalId": "T-ANN"},
        reviewerId=desk.agents["lead"],
        ratings=ratings(5, 2, 1),
    )
    assert review["__typename"] == "Review", review
    before = desk.metrics("ann")["qa_score"]

    admin.recompute(container, tenant.id, since=None)

    assert desk.metrics("ann")["qa_score"] == before
