"""GET /exports/performance-reviews/{id}.pdf over HTTP (SPEC §7, issue 14 item 5): a
reviewed month's PDF holds, as text, the agent, the period, the frozen total, the state with
who and when, the reviewer's words and the agent's; late events are told beside the frozen
figures; only `people:read` reads it, and only in its own tenant."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from api.review_pdf import figures
from domain.ports import TenantProfile
from infra import admin
from infra.bootstrap import Container
from tests.factories import Ticket
from tests.integration.test_performance_reviews import (
    ACK,
    FEEDBACK,
    RATE,
    RUN,
    SELF,
    SHARE,
    desk,  # noqa: F401  (the fixture)
    monthly_cycle,
    reviews,
)
from tests.support.api import access_token
from tests.support.derive import apply_and_settle
from tests.support.quality import Desk

pytestmark = [
    pytest.mark.parametrize("database_url", ["sqlite", "postgres"], indirect=True),
    pytest.mark.needs("poppler"),
]


def path(review_id: str) -> str:
    return f"/exports/performance-reviews/{review_id}.pdf"


def download(people: Desk, review_id: str, token: str | None = None) -> bytes:
    response = people.client.get(
        path(review_id), headers={"Authorization": f"Bearer {token or people.token}"}
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="performance-review-{review_id}.pdf"'
    )
    assert response.content.startswith(b"%PDF-")
    return response.content


def text_of(pdf: bytes) -> str:
    """The words in the order they are drawn."""
    done = subprocess.run(
        ["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return " ".join(done.stdout.decode().split())


def review_of(people: Desk, agent: str) -> dict[str, Any]:
    return next(r for r in reviews(people) if r["agent"]["id"] == people.agents[agent])


def acknowledged_march(people: Desk) -> dict[str, Any]:
    """Ann's March review, with feedback and a rating, shared by Lea, self-assessed and
    acknowledged."""
    people.data(RUN, id=monthly_cycle(people), day="2026-03-01")
    review = review_of(people, "ann")["id"]
    people.data(FEEDBACK, id=review, s="SCORE", t="Four solves: the most in the team.")
    people.data(RATE, id=review, r="Exceeds")
    people.data(SHARE, id=review)
    people.data(SELF, id=review, t="I picked up T-BOTH when Bob was out.")
    people.data(ACK, id=review)
    return review_of(people, "ann")


def test_the_pdf_holds_the_agent_the_period_the_total_and_the_words(
    desk: Desk,  # noqa: F811
    tmp_path: Path,
) -> None:
    review = acknowledged_march(desk)
    token = desk.token_with("people:read")  # people:read alone is enough

    pdf = download(desk, review["id"], token)
    text = text_of(pdf)

    total = review["evidence"]["total"]["frozen"]
    assert total is not None
    for words in (
        "Performance review: Ann",
        "Team tier1",  # the team on the last day of March (named as the events name it)
        "Mar 2026 (1 Mar 2026 – 31 Mar 2026)",
        f"TOTAL SCORE {figures.number(total)}",
        "Reviewer Lea Lead",
        "ACKNOWLEDGED · shared by Lea on",
        "Four solves: the most in the team.",
        "Overall rating: Exceeds (scale: Below, Meets, Exceeds)",
        "I picked up T-BOTH when Bob was out.",
        "Tickets solved",
    ):
        assert words in text, words
    assert "Late events" not in text
    page = tmp_path / "page"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-", str(page)],
        input=pdf,
        check=True,
    )
    (png,) = tmp_path.glob("page*.png")
    assert png.read_bytes().startswith(b"\x89PNG") and png.stat().st_size > 10_000


def test_a_late_event_is_told_and_the_frozen_total_stays(desk: Desk) -> None:  # noqa: F811
    desk.data(RUN, id=monthly_cycle(desk), day="2026-03-01")
    late = Ticket("T-LATE").created(0, assignee="bob").customer(1).agent(5, "bob").solve(9)
    apply_and_settle(desk.container, desk.tenant.id, source="generic", events=late.events)
    bobs = review_of(desk, "bob")
    frozen, current = bobs["evidence"]["total"]["frozen"], bobs["evidence"]["total"]["current"]

    text = text_of(download(desk, bobs["id"]))

    assert "Late events changed figures after this review was frozen" in text
    assert f"TOTAL SCORE {figures.number(frozen)}" in text
    assert f"Total score {figures.number(frozen)} {figures.number(current)}" in text
    assert "Tickets solved 1 (n=1) 2 (n=2)" in text
    assert "DRAFT · not shared yet" in text


def error_of(people: Desk, review_id: str, token: str | None) -> tuple[int, str]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = people.client.get(path(review_id), headers=headers)
    assert response.headers["content-type"] == "application/json"
    return response.status_code, response.json()["errors"][0]["extensions"]["code"]


def test_only_people_read_of_the_same_tenant_reads_a_review(
    desk: Desk,  # noqa: F811
    container: Container,
    tenant: TenantProfile,
) -> None:
    desk.data(RUN, id=monthly_cycle(desk), day="2026-03-01")
    review = review_of(desk, "ann")["id"]
    other = admin.create_tenant(container, slug=f"{tenant.slug}-b", name="B", timezone="UTC")
    elsewhere = access_token(desk.client, container, other.id, scopes=("people:read",))

    assert error_of(desk, review, None) == (401, "UNAUTHENTICATED")
    assert error_of(desk, review, "not-a-token") == (401, "UNAUTHENTICATED")
    for scopes in (("read", "admin", "reviews:write"), ("people:write",)):
        assert error_of(desk, review, desk.token_with(*scopes)) == (403, "FORBIDDEN"), scopes
    assert error_of(desk, review, elsewhere) == (404, "NOT_FOUND")  # another tenant's review
    assert error_of(desk, "no-such-review", desk.token) == (404, "NOT_FOUND")
    assert error_of(desk, "x" * 500, desk.token) == (404, "NOT_FOUND")
    download(desk, review, desk.token_with("people:read"))
