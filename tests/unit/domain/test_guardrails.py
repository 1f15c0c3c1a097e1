"""Guardrail signals (SPEC §4): counted per agent, never part of a score."""

from __future__ import annotations

from domain.fold import fold
from domain.guardrails import PREFIX, guardrail_samples
from tests.factories import Ticket, at


def signals(story: Ticket) -> list[tuple[str, str | None, object]]:
    facts = fold(story.ticket_id, story.parsed())
    return [(s.metric.removeprefix(PREFIX), s.agent, s.at) for s in guardrail_samples(facts)]


def of_kind(story: Ticket, kind: str) -> list[tuple[str, str | None, object]]:
    return [s for s in signals(story) if s[0] == kind]


def answered_and_solved() -> Ticket:
    """Created and assigned to a1, the customer writes, a1 replies at 10 and solves at 20."""
    return Ticket().created(0, assignee="a1").customer(0).agent(10, "a1").solve(20)


def test_an_assignment_left_unanswered_for_a_day_is_a_cherry_picking_signal() -> None:
    story = Ticket().created(0, assignee="a1").customer(0).agent(60 * 30, "a1")
    assert signals(story) == [("unreplied_assignment", "a1", at(60 * 24))]


def test_an_assignment_answered_within_a_day_is_no_signal() -> None:
    story = Ticket().created(0, assignee="a1").customer(0).agent(60 * 23, "a1")
    assert signals(story) == []


def test_a_ticket_handed_on_before_a_day_passes_is_not_held_against_the_first_agent() -> None:
    story = Ticket().created(0, assignee="a1").customer(0).assign(60, "a2").agent(60 * 2, "a2")
    assert signals(story) == []


def test_a_solve_reopened_within_72_hours_is_a_signal_for_the_solver() -> None:
    story = answered_and_solved().reopen(20 + 60 * 71).agent(20 + 60 * 72, "a1").solve(20 + 60 * 73)
    assert ("quick_reopen", "a1", at(20)) in signals(story)


def test_a_reopen_after_72_hours_is_not_a_quick_reopen() -> None:
    story = answered_and_solved().reopen(20 + 60 * 73)
    assert of_kind(story, "quick_reopen") == []


def test_taking_a_ticket_just_before_its_rating_arrives_is_a_signal() -> None:
    story = answered_and_solved().assign(100, "a2").rate(130, 5)
    assert ("reassigned_before_rating", "a2", at(130)) in signals(story)


def test_a_handover_long_before_the_rating_is_no_signal() -> None:
    story = answered_and_solved().assign(30, "a2").rate(200, 5)
    assert of_kind(story, "reassigned_before_rating") == []


def test_a_first_reply_never_followed_up_before_a_reopen_is_a_signal() -> None:
    story = answered_and_solved().customer(60).reopen(60)
    assert ("reply_then_reopen", "a1", at(60)) in signals(story)


def test_a_follow_up_reply_before_the_reopen_clears_that_signal() -> None:
    story = (
        Ticket()
        .created(0, assignee="a1")
        .customer(0)
        .agent(10, "a1")
        .customer(15)
        .agent(18, "a1")
        .solve(20)
        .reopen(60)
    )
    assert of_kind(story, "reply_then_reopen") == []
