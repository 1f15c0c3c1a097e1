"""The oracle itself ignores delivery order and duplicates, on random tiny histories."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.oracle.builders import TZ, assigned, created, msg, rated, status
from tests.oracle.spec_oracle import compute


def make_event(kind: str, at: str, ticket: str, agent: str, score: int) -> dict:
    if kind == "created":
        return created(at, ticket, assignee=agent, team="team1")
    if kind in ("cust", "agent", "note"):
        return msg(at, ticket, "cust" if kind == "cust" else agent, public=kind != "note")
    if kind in ("assign", "unassign"):
        return assigned(at, ticket, agent if kind == "assign" else None)
    if kind == "rate":
        return rated(at, ticket, score)
    return status(at, ticket, kind)


_KINDS = ["created", "cust", "agent", "note", "assign", "unassign", "rate"]
_KINDS += ["solved", "closed", "open", "pending"]


@st.composite
def histories(draw: st.DrawFn) -> list[dict]:
    events: list[dict] = []
    for t in range(draw(st.integers(1, 4))):
        for _ in range(draw(st.integers(1, 8))):
            # coarse times so that same-instant ties are frequent
            at = f"2026-06-{draw(st.integers(28, 30)):02d}T2{draw(st.integers(0, 3))}:00"
            kind = draw(st.sampled_from(_KINDS))
            agent = draw(st.sampled_from(["ag1", "ag2"]))
            events.append(make_event(kind, at, f"P{t}", agent, draw(st.integers(1, 5))))
    return events


@settings(max_examples=150, deadline=None)
@given(histories(), st.randoms(use_true_random=False))
def test_property_order_and_duplicates_do_not_matter(events: list[dict], rnd: Any) -> None:
    expected = compute(events, timezone=TZ, grain="DAY")
    redelivered = events + rnd.sample(events, min(3, len(events)))
    rnd.shuffle(redelivered)
    assert compute(redelivered, timezone=TZ, grain="DAY") == expected
    # a ticket counts as solved once, in one period, at every level it reaches
    monthly = compute(events, timezone=TZ, grain="MONTH")
    solved = sum(
        m["tickets_solved"]["value"]
        for periods in monthly["tenant"].values()
        for m in periods.values()
        if "tickets_solved" in m
    )
    assert solved <= len({e["ticket_id"] for e in events})
