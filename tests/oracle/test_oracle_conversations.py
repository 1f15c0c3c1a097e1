"""The oracle on tiny hand-computed histories: same-instant order, replies and solves."""

from __future__ import annotations

from tests.oracle.builders import (
    JULY,
    JUNE,
    assigned,
    created,
    ev,
    metric,
    msg,
    rated,
    run,
    status,
    value,
)


def test_same_instant_message_and_assignment_count_before_status_change_and_rating() -> None:
    events = [
        created("2026-06-10T08:00", "T1", assignee="ag1", team="team1"),
        # created and assigned at the same instant: ticket.created first, so ag2 is the assignee
        assigned("2026-06-10T08:00", "T1", "ag2"),
        msg("2026-06-10T08:00", "T1", "cust"),
        # the reply, a reassignment and the solve all at 10:00: reply + assignment come first
        status("2026-06-10T10:00", "T1", "solved"),
        msg("2026-06-10T10:00", "T1", "ag2"),
        assigned("2026-06-10T10:00", "T1", "ag3"),
        # rating and reassignment at the same instant: the new assignee (ag4) owns the rating
        rated("2026-06-11T09:00", "T1", 5),
        assigned("2026-06-11T09:00", "T1", "ag4"),
    ]
    r = run(events)
    assert value(r, "agent", "ag3", JUNE, "tickets_solved") == 1
    assert value(r, "agent", "ag3", JUNE, "one_touch_rate") == 1.0
    assert value(r, "agent", "ag3", JUNE, "replies_per_ticket") == 1.0
    assert value(r, "agent", "ag3", JUNE, "resolution_time") == 7200.0
    assert value(r, "agent", "ag2", JUNE, "first_response_time") == 7200.0
    assert value(r, "agent", "ag4", JUNE, "csat") == 1.0
    assert metric(r, "agent", "ag3", JUNE, "csat") is None
    # csat_response_rate combines its parts: ag3 solved 1, rated 0 -> 0; ag4 rated but solved
    # nothing -> null
    assert value(r, "agent", "ag3", JUNE, "csat_response_rate") == 0.0
    assert metric(r, "agent", "ag4", JUNE, "csat_response_rate") is None
    assert r["tenant"]["tenant"][JUNE]["csat_response_rate"] == {
        "value": 1.0,
        "sample": 1,
        "positives": 1,
    }


def test_reply_at_same_instant_as_first_solve_is_one_touch_but_later_reply_is_not() -> None:
    events = [
        created("2026-06-01T08:00", "T1", assignee="ag1"),
        msg("2026-06-01T08:05", "T1", "cust"),
        msg("2026-06-01T09:00", "T1", "ag1"),
        msg("2026-06-01T10:00", "T1", "ag1"),  # second reply before the solve
        status("2026-06-01T10:00", "T1", "solved"),
        created("2026-06-01T08:00", "T2", assignee="ag1"),
        msg("2026-06-01T08:05", "T2", "cust"),
        status("2026-06-01T10:00", "T2", "solved"),
        msg("2026-06-01T10:00", "T2", "ag1"),  # same instant as the solve: counts before it
    ]
    r = run(events)
    one_touch = metric(r, "agent", "ag1", JUNE, "one_touch_rate")
    assert one_touch == {"value": 0.5, "sample": 2, "positives": 1}
    assert value(r, "agent", "ag1", JUNE, "replies_per_ticket") == 1.5
    # T1 started 8:05 customer, first reply 9:00, second at 10:00 answers nothing new
    assert metric(r, "agent", "ag1", JUNE, "reply_time") is None
    assert value(r, "tenant", "tenant", JUNE, "abandoned_rate") == 0.0


def test_outbound_ticket_has_no_first_response_time() -> None:
    events = [
        created("2026-06-02T08:00", "T1", assignee="ag1", team="team1"),
        msg("2026-06-02T08:30", "T1", "ag1", public=False),  # internal note: not a message
        msg("2026-06-02T09:00", "T1", "ag1"),  # agent writes first -> outbound
        msg("2026-06-02T12:00", "T1", "cust"),
        msg("2026-06-02T13:00", "T1", "ag1"),
        msg("2026-06-02T14:00", "T1", "ag1"),  # follow-up answering nothing
        status("2026-06-02T15:00", "T1", "solved"),
    ]
    r = run(events)
    assert metric(r, "agent", "ag1", JUNE, "first_response_time") is None
    assert metric(r, "tenant", "tenant", JUNE, "first_response_time") is None
    reply = metric(r, "agent", "ag1", JUNE, "reply_time")
    assert reply == {"value": 3600.0, "sample": 1, "mean": 3600.0, "p90": 3600.0}
    assert value(r, "agent", "ag1", JUNE, "replies_per_ticket") == 3.0
    assert value(r, "team", "team1", JUNE, "tickets_created") == 1
    assert value(r, "agent", "ag1", JUNE, "resolution_time") == 7 * 3600.0


def test_reply_time_measures_from_earliest_unanswered_customer_message() -> None:
    events = [
        created("2026-06-03T08:00", "T1", assignee="ag1"),
        msg("2026-06-03T08:00", "T1", "cust"),
        msg("2026-06-03T09:00", "T1", "ag1"),  # first response: 1 h
        msg("2026-06-03T10:00", "T1", "cust"),
        msg("2026-06-03T11:00", "T1", "cust"),
        ev(
            "ticket.message",
            "2026-06-03T11:30",
            ticket_id="T1",
            message_id="bot",
            author_type="bot",
            author_id="bot",
            public=True,
        ),  # a bot does not answer
        msg("2026-06-03T13:00", "T1", "ag2"),  # 10:00 -> 13:00 = 3 h, by ag2
        msg("2026-06-03T14:00", "T1", "cust"),
        msg("2026-06-03T14:30", "T1", "ag1"),  # 30 min
        msg("2026-06-03T15:00", "T1", "cust"),
        msg("2026-06-03T15:00", "T1", "ag1"),  # same instant as the customer: answers it, 0 s
    ]
    r = run(events)
    assert value(r, "agent", "ag1", JUNE, "first_response_time") == 3600.0
    assert value(r, "agent", "ag2", JUNE, "reply_time") == 3 * 3600.0
    assert metric(r, "agent", "ag1", JUNE, "reply_time") == {
        "value": 900.0,
        "sample": 2,
        "mean": 900.0,
        "p90": 1800.0,
    }
    tenant = metric(r, "tenant", "tenant", JUNE, "reply_time")
    assert tenant == {"value": 1800.0, "sample": 3, "mean": 4200.0, "p90": 10800.0}
    assert metric(r, "tenant", "tenant", JUNE, "tickets_solved") == {"value": 0, "sample": 0}


def test_reopen_belongs_to_the_first_solve_period_and_later_solves_are_not_first() -> None:
    events = [
        created("2026-06-29T08:00", "T1", assignee="ag1", team="team1"),
        msg("2026-06-29T08:00", "T1", "cust"),
        msg("2026-06-29T09:00", "T1", "ag1"),
        status("2026-06-29T10:00", "T1", "pending"),
        status("2026-06-30T10:00", "T1", "solved"),  # first solve, June
        status("2026-06-30T11:00", "T1", "closed"),  # solved -> closed: not a new solve
        status("2026-07-02T10:00", "T1", "open"),  # reopen in July
        assigned("2026-07-02T10:30", "T1", "ag2"),
        msg("2026-07-02T11:00", "T1", "ag2"),
        status("2026-07-02T12:00", "T1", "solved"),  # second solve: not a first solve
        # a ticket solved and closed, never reopened ("closed" -> "closed" is no reopen)
        created("2026-06-29T08:00", "T2", assignee="ag1", team="team1"),
        msg("2026-06-29T08:10", "T2", "cust"),
        msg("2026-06-29T08:20", "T2", "ag1"),
        status("2026-06-29T09:00", "T2", "closed"),
        status("2026-06-29T09:30", "T2", "closed"),
    ]
    r = run(events)
    assert metric(r, "agent", "ag1", JUNE, "reopen_rate") == {
        "value": 0.5,
        "sample": 2,
        "positives": 1,
    }
    assert value(r, "team", "team1", JUNE, "reopen_rate") == 0.5
    assert value(r, "agent", "ag1", JUNE, "tickets_solved") == 2
    assert metric(r, "agent", "ag1", JUNE, "resolution_time") == {
        "value": (26 * 3600.0 + 3600.0) / 2,
        "sample": 2,
        "mean": (26 * 3600.0 + 3600.0) / 2,
        "p90": 26 * 3600.0,
    }
    assert metric(r, "agent", "ag2", JULY, "tickets_solved") is None
    assert metric(r, "tenant", "tenant", JULY, "tickets_solved") is None
    assert metric(r, "tenant", "tenant", JULY, "reopen_rate") is None
    # the July reply is not a reply_time sample: no customer message was waiting
    assert metric(r, "agent", "ag2", JULY, "reply_time") is None


def test_created_is_first_at_its_instant() -> None:
    events = [
        assigned("2026-06-10T08:00", "T1", "ag2"),
        created("2026-06-10T08:00", "T1", assignee="ag1"),
        msg("2026-06-10T08:00", "T1", "cust"),
        msg("2026-06-10T08:30", "T1", "ag2"),
        status("2026-06-10T09:00", "T1", "solved"),
    ]
    r = run(events)
    assert value(r, "agent", "ag2", JUNE, "tickets_solved") == 1
    assert r["agent"].get("ag1") is None


def test_a_solve_does_not_answer_a_waiting_customer_message() -> None:
    # CHOICE pinned here: reply_time runs from the earliest *unanswered* customer message even
    # across a solve/reopen (the spec gives no exception for status changes).
    events = [
        created("2026-06-10T08:00", "T1", assignee="ag1"),
        msg("2026-06-10T08:00", "T1", "cust"),
        msg("2026-06-10T09:00", "T1", "ag1"),
        msg("2026-06-10T10:00", "T1", "cust"),  # "thanks!"
        status("2026-06-10T11:00", "T1", "solved"),
        msg("2026-06-11T10:00", "T1", "cust"),
        status("2026-06-11T10:00", "T1", "open"),
        msg("2026-06-11T11:00", "T1", "ag1"),
    ]
    r = run(events)
    assert metric(r, "agent", "ag1", JUNE, "reply_time") == {
        "value": 25 * 3600.0,
        "sample": 1,
        "mean": 25 * 3600.0,
        "p90": 25 * 3600.0,
    }
    assert value(r, "agent", "ag1", JUNE, "reopen_rate") == 1.0
