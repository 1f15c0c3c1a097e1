"""Calibration sessions over GraphQL: reviewers score the same tickets; the report gives
Krippendorff's alpha per category and each reviewer's deviation; no qa_score moves."""

from __future__ import annotations

from typing import Any

import pytest

from domain.ports import TenantProfile
from infra.bootstrap import Container
from tests.support.quality import Desk, open_desk, ratings
from tests.support.sql import statements

CREATE = """mutation($input: CalibrationSessionInput!) {
  createCalibrationSession(input: $input) {
    __typename
    ... on CalibrationSession { id scorecardVersion tickets { externalId } }
    ... on ValidationError { message field }
    ... on NotFoundError { message }
  }
}"""
REPORT = """query($id: ID!, $level: AgreementLevel) { calibrationSession(id: $id) {
  reviews { reviewer { id } kind }
  report(level: $level) {
    statistic level
    categories { key alpha pairableRatings }
    reviewers { reviewer { id } scoreDeviation overall { meanSigned meanAbsolute compared }
                byCategory { key deviation { meanSigned compared } } }
  }
} }"""


@pytest.fixture
def desk(container: Container, tenant: TenantProfile) -> Desk:
    return open_desk(container, tenant)


def session(desk: Desk, card: dict[str, Any], *tickets: str) -> dict[str, Any]:
    result = desk.data(
        CREATE,
        input={
            "name": "March calibration",
            "scorecardId": card["id"],
            "tickets": [{"externalId": t} for t in tickets],
        },
    )["createCalibrationSession"]
    return dict(result)


def calibrate(
    desk: Desk, session_id: str, reviewer: str, ticket: str, *given: Any
) -> dict[str, Any]:
    return desk.submit(
        calibrationSessionId=session_id,
        ticket={"externalId": ticket},
        reviewerId=desk.agents[reviewer],
        ratings=ratings(*given),
    )


def test_the_session_reports_alpha_per_category_and_each_reviewers_deviation(
    desk: Desk,
) -> None:
    card = desk.scorecard()
    s = session(desk, card, "T-ANN", "T-BOB")
    assert s["scorecardVersion"] == 1
    assert [t["externalId"] for t in s["tickets"]] == ["T-ANN", "T-BOB"]
    # lead and bob agree on T-ANN; bob cannot score his own T-BOB, ann joins there.
    calibrate(desk, s["id"], "lead", "T-ANN", 5, 3, 1)
    calibrate(desk, s["id"], "bob", "T-ANN", 3, 3, 1)
    calibrate(desk, s["id"], "lead", "T-BOB", 2, 1, 1)
    calibrate(desk, s["id"], "ann", "T-BOB", 2, 1, 1)

    found = desk.data(REPORT, id=s["id"])["calibrationSession"]
    report = found["report"]

    assert {r["kind"] for r in found["reviews"]} == {"CALIBRATION"}
    assert report["statistic"] == "krippendorff_alpha"
    assert report["level"] == "ORDINAL"
    by_key = {c["key"]: c for c in report["categories"]}
    assert by_key["tone"]["alpha"] == 1.0  # both pairs agree, and the values vary
    assert by_key["tone"]["pairableRatings"] == 4
    assert by_key["privacy"]["alpha"] is None  # no variation: undefined
    assert by_key["solution"]["alpha"] is not None and by_key["solution"]["alpha"] < 1
    bob = next(r for r in report["reviewers"] if r["reviewer"]["id"] == desk.agents["bob"])
    solution = next(c for c in bob["byCategory"] if c["key"] == "solution")
    assert solution["deviation"] == {"meanSigned": -0.5, "compared": 1}  # 0.5 vs lead's 1.0
    assert bob["scoreDeviation"] == pytest.approx(-25.0)
    nominal = desk.data(REPORT, id=s["id"], level="NOMINAL")["calibrationSession"]["report"]
    assert nominal["level"] == "NOMINAL"


def test_calibration_reviews_never_count_toward_qa_score_or_reviews_given(desk: Desk) -> None:
    card = desk.scorecard()
    s = session(desk, card, "T-ANN")
    result = calibrate(desk, s["id"], "lead", "T-ANN", 5, 3, 1)

    assert result["kind"] == "CALIBRATION"
    assert desk.metrics("ann")["qa_score"]["value"] is None
    assert desk.metrics("lead")["reviews_given"]["value"] == 0  # a count: 0, never null


def test_a_calibration_review_must_be_of_a_session_ticket_once_per_reviewer(desk: Desk) -> None:
    card = desk.scorecard()
    s = session(desk, card, "T-ANN")
    outside = calibrate(desk, s["id"], "lead", "T-BOB", 5, 3, 1)
    calibrate(desk, s["id"], "lead", "T-ANN", 5, 3, 1)
    twice = calibrate(desk, s["id"], "lead", "T-ANN", 4, 3, 1)

    assert outside["__typename"] == "ValidationError"
    assert "not part of the calibration session" in outside["message"]
    assert twice["__typename"] == "ValidationError"
    assert "in this session" in twice["message"]


def test_a_session_pins_the_scorecard_version_it_was_created_with(desk: Desk) -> None:
    card = desk.scorecard()
    s = session(desk, card, "T-ANN")
    desk.data(
        'mutation($id: ID!) { reviseScorecard(id: $id, input: {name: "v2"}) { __typename } }',
        id=card["id"],
    )
    result = calibrate(desk, s["id"], "lead", "T-ANN", 5, 3, 1)
    assert result["scorecardVersion"] == 1


def test_creating_a_session_needs_a_scorecard_and_known_tickets(desk: Desk) -> None:
    card = desk.scorecard()
    assert session(desk, {"id": "nope"}, "T-ANN")["__typename"] == "NotFoundError"
    assert session(desk, card)["field"] == "tickets"
    assert session(desk, card, "T-ANN", "T-404") == {
        "__typename": "NotFoundError",
        "message": "no ticket 'T-404'",
    }


SESSIONS = """{ calibrationSessions { id reviews { kind } report { categories { key alpha } } } }"""


def test_listing_sessions_with_reviews_and_reports_loads_reviews_in_one_query(
    desk: Desk,
) -> None:
    card = desk.scorecard()
    for ticket in ("T-ANN", "T-BOB", "T-LEAD"):
        made = session(desk, card, ticket)
        calibrate(desk, made["id"], "lead" if ticket != "T-LEAD" else "ann", ticket, 4, 3, 1)

    with statements(desk.container, r"FROM review\b") as reviews:
        listed = desk.data(SESSIONS)["calibrationSessions"]

    assert len(listed) == 3
    assert all(len(s["reviews"]) == 1 for s in listed)
    assert len(reviews) == 1  # one batch for every session's reviews and report
