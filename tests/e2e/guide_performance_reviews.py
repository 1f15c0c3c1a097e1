"""The API guide's performance-review section on the full stack: a monthly cycle run for
December freezes Ada's and Bob's totals as the leaderboard has them; Bob's review is
shared, acknowledged, and a second acknowledgement is a typed refusal. The guide's
read/admin token sees none of it."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from typing import Any

import httpx
import pytest
from gql.transport.exceptions import TransportQueryError

from tests.e2e.harness import Stack
from tests.support.faults import wait_for

Run = Callable[..., dict[str, Any]]  # Guide.run: an operation of the guide by name
DECEMBER = {"grain": "MONTH", "start": "2025-12-01"}


def check_performance_reviews(stack: Stack, run: Run, ids: dict[str, str]) -> None:
    """`ids`: the agents "ada", "bob" and "cy". `run` holds the guide's read/admin token."""
    with pytest.raises(TransportQueryError) as refused:
        run("PerformanceReviews")
    assert refused.value.errors is not None
    assert refused.value.errors[0]["extensions"]["code"] == "FORBIDDEN"
    made = json.loads(
        stack.cli(
            "client", "create", "--tenant", "acme", "--scopes", "people:read people:write", "--json"
        )
    )
    token = stack.token(made["client_id"], made["client_secret"])
    people = partial(run, token=token)
    cycle = {
        "name": "Monthly 1:1",
        "cadence": "MONTHLY",
        "agentIds": [ids["ada"], ids["bob"]],
        "reviewerId": ids["cy"],
        "ratingScale": ["Below", "Meets", "Exceeds"],
    }
    created = people("CreateReviewCycle", input=cycle)["createReviewCycle"]
    assert created["__typename"] == "ReviewCycle" and created["reviewer"]["id"] == ids["cy"]
    ran = people("RunReviewCycle", cycleId=created["id"], periodStart="2025-12-24")
    assert ran["runReviewCycle"]["periodStart"] == "2025-12-01"

    def reviews() -> list[dict[str, Any]]:
        found = people("PerformanceReviews", cycleId=created["id"])["performanceReviews"]
        return [e["node"] for e in found["edges"]]

    wait_for(lambda: len(reviews()) == 2, timeout=120, what="the cycle's December reviews")
    board = {r["agent"]["id"]: r for r in run("Leaderboard", period=DECEMBER)["agentScores"]}
    for review in reviews():
        assert review["status"] == "DRAFT" and review["period"]["start"] == "2025-12-01"
        frozen = review["evidence"]["total"]["frozen"]
        assert frozen == board[review["agent"]["id"]]["total"], review["agent"]
        assert not review["evidence"]["changed"]
    bobs = next(r["id"] for r in reviews() if r["agent"]["id"] == ids["bob"])
    shared = people("SharePerformanceReview", id=bobs, by="Cy")["sharePerformanceReview"]
    assert shared["shared"]["name"] == "Cy"
    acked = people("AcknowledgePerformanceReview", id=bobs, by="Bob")
    assert acked["acknowledgePerformanceReview"]["status"] == "ACKNOWLEDGED"
    again = people("AcknowledgePerformanceReview", id=bobs)["acknowledgePerformanceReview"]
    assert (again["__typename"], again["status"]) == ("InvalidTransitionError", "ACKNOWLEDGED")
    check_review_pdf(stack, token, bobs)


def check_review_pdf(stack: Stack, token: str, review_id: str) -> None:
    """The guide's "A review as a PDF": its request downloads the review's PDF (its text is
    read back in tests/integration/test_review_pdf.py)."""
    url = f"{stack.url}/exports/performance-reviews/{review_id}.pdf"
    pdf = httpx.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-") and len(pdf.content) > 10_000
