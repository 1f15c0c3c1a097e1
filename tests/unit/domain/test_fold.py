"""One ticket's events → TicketFacts (SPEC §3 delivery rules, §4 definitions)."""

from __future__ import annotations

import random

from domain.events import RatingKind, Status
from domain.fold import fold
from tests.factories import Ticket, at
from tests.unit.domain.histories import facts

# --- delivery: late, repeated, shuffled ------------------------------------------------


def test_shuffled_and_repeated_deliveries_fold_like_one_ordered_delivery() -> None:
    t = (
        Ticket()
        .created(0, assignee="a1")
        .customer(1)
        .agent(30, "a1")
        .customer(40)
        .agent(50, "a2")
        .solve(60)
        .reopen(90)
        .solve(120)
        .rate(130, 4)
    )
    events = t.parsed()
    delivered = events + events[:4]
    random.Random(7).shuffle(delivered)
    assert fold("T1", delivered) == fold("T1", events)


def test_a_repeated_delivery_of_a_reply_is_one_reply() -> None:
    t = Ticket().created(0).customer(1).agent(30, "a1")
    reply = t.parsed()[-1]
    assert fold("T1", [*t.parsed(), reply]).public_agent_replies == 1


def test_a_reply_delivered_before_its_ticket_created_still_follows_the_creation() -> None:
    t = Ticket().created(0).customer(1).agent(30, "a1")
    created, *rest = t.parsed()
    f = fold("T1", [*reversed(rest), created])
    assert f.first_reply is not None
    assert f.first_reply.at == at(30)


# --- events at the same instant --------------------------------------------------------


def test_a_reply_at_the_same_instant_as_the_solve_counts_before_it() -> None:
    f = facts(Ticket().created(0).customer(1).solve(30).agent(30, "a1"))
    assert f.replies_before_first_solve == 1


def test_an_assignment_at_the_same_instant_as_the_solve_counts_before_it() -> None:
    f = facts(Ticket().created(0, assignee="a1").solve(30).assign(30, "a2"))
    assert f.first_solve is not None
    assert f.first_solve.assignee == "a2"


def test_an_assignment_at_the_same_instant_as_a_rating_counts_before_it() -> None:
    f = facts(Ticket().created(0, assignee="a1").solve(30).rate(60, 5).assign(60, "a2"))
    rating = f.rating(RatingKind.CSAT)
    assert rating is not None
    assert rating.owner == "a2"


def test_a_reply_at_the_same_instant_as_a_rating_counts_before_it() -> None:
    # Nobody is assigned, so the owner falls back to the last public replier.
    f = facts(Ticket().created(0).customer(1).agent(10, "a1").rate(60, 5).agent(60, "a2"))
    rating = f.rating(RatingKind.CSAT)
    assert rating is not None
    assert rating.owner == "a2"


# --- outbound tickets and first replies -----------------------------------------------


def test_a_ticket_whose_first_message_is_from_an_agent_is_outbound_with_no_first_reply() -> None:
    f = facts(Ticket().created(0).agent(5, "a1").customer(60).agent(90, "a1"))
    assert f.outbound
    assert f.first_reply is None
    assert f.public_agent_replies == 2


def test_a_ticket_the_customer_opens_has_the_first_public_agent_reply_as_first_reply() -> None:
    f = facts(Ticket().created(0).customer(1).agent(10, "a1", public=False).agent(30, "a2"))
    assert not f.outbound
    assert f.first_reply is not None
    assert (f.first_reply.at, f.first_reply.agent) == (at(30), "a2")


# --- which customer message a reply answers -------------------------------------------


def test_the_first_reply_is_never_a_reply_time_observation() -> None:
    f = facts(Ticket().created(0).customer(1).agent(30, "a1"))
    assert [r.waited_since for r in f.replies] == [None]


def test_a_later_reply_waits_from_the_earliest_unanswered_customer_message() -> None:
    f = facts(
        Ticket().created(0).customer(1).agent(30, "a1").customer(40).customer(50).agent(70, "a1")
    )
    assert [r.waited_since for r in f.replies] == [None, at(40)]


def test_bots_and_internal_notes_do_not_answer_the_customer() -> None:
    f = facts(
        Ticket()
        .created(0)
        .customer(1)
        .agent(30, "a1")
        .customer(40)
        .bot(41)
        .agent(45, "a1", public=False)
        .agent(100, "a2")
    )
    assert [r.waited_since for r in f.replies] == [None, at(40)]


def test_a_reply_with_no_customer_message_since_the_last_reply_answers_nothing() -> None:
    f = facts(Ticket().created(0).customer(1).agent(30, "a1").agent(35, "a1"))
    assert [r.waited_since for r in f.replies] == [None, None]


def test_after_an_outbound_message_a_reply_to_the_customer_waits_from_their_message() -> None:
    f = facts(Ticket().created(0).agent(5, "a1").customer(60).agent(90, "a1"))
    assert [r.waited_since for r in f.replies] == [None, at(60)]


# --- solves and reopens ---------------------------------------------------------------


def test_the_first_solve_is_the_earliest_and_later_solves_do_not_replace_it() -> None:
    f = facts(
        Ticket()
        .created(0, assignee="a1")
        .solve(60)
        .reopen(90)
        .assign(95, "a2")
        .status(120, "closed")
    )
    assert f.first_solve is not None
    assert (f.first_solve.at, f.first_solve.assignee) == (at(60), "a1")
    assert [(s.at, s.assignee) for s in f.solves] == [(at(60), "a1"), (at(120), "a2")]


def test_solved_then_closed_is_one_solve() -> None:
    f = facts(Ticket().created(0).solve(60).status(1440, "closed"))
    assert [s.at for s in f.solves] == [at(60)]
    assert f.status is Status.CLOSED
    assert f.reopen_count == 0


def test_closing_an_open_ticket_directly_is_a_solve() -> None:
    f = facts(Ticket().created(0).status(60, "pending").status(90, "closed"))
    assert [s.at for s in f.solves] == [at(90)]


def test_a_change_from_solved_or_closed_back_to_open_or_pending_is_a_reopen() -> None:
    f = facts(
        Ticket()
        .created(0)
        .solve(10)
        .reopen(20)
        .status(30, "closed")
        .status(40, "pending")
        .solve(50)
    )
    assert f.reopens == (at(20), at(40))
    assert f.reopen_count == 2


def test_open_to_pending_is_neither_a_solve_nor_a_reopen() -> None:
    f = facts(Ticket().created(0).status(10, "pending").status(20, "open"))
    assert (f.solves, f.reopens) == ((), ())


def test_replies_after_the_first_solve_do_not_count_before_it() -> None:
    f = facts(Ticket().created(0).customer(1).agent(10, "a1").solve(20).agent(30, "a1"))
    assert (f.replies_before_first_solve, f.public_agent_replies) == (1, 2)


def test_a_solve_while_nobody_is_assigned_has_no_assignee() -> None:
    f = facts(Ticket().created(0, assignee="a1").assign(10, None).solve(20))
    assert f.first_solve is not None
    assert f.first_solve.assignee is None


# --- ratings: latest wins, and who owns them -------------------------------------------


def test_the_latest_rating_of_a_kind_replaces_earlier_ones() -> None:
    f = facts(Ticket().created(0).solve(10).rate(20, 5).rate(90, 2).rate(30, 4))
    rating = f.rating(RatingKind.CSAT)
    assert rating is not None
    assert (rating.at, rating.score) == (at(90), 2)


def test_ratings_of_different_kinds_are_kept_apart() -> None:
    f = facts(Ticket().created(0).solve(10).rate(20, 5).rate(30, 9, kind="nps", scale_max=10))
    assert {r.kind for r in f.ratings} == {RatingKind.CSAT, RatingKind.NPS}


def test_a_rating_belongs_to_the_assignee_at_rating_time() -> None:
    f = facts(
        Ticket().created(0, assignee="a1").agent(5, "a1").solve(10).assign(20, "a2").rate(30, 5)
    )
    rating = f.rating(RatingKind.CSAT)
    assert rating is not None
    assert rating.owner == "a2"


def test_without_an_assignee_a_rating_belongs_to_the_assignee_at_the_latest_solve() -> None:
    f = facts(
        Ticket()
        .created(0, assignee="a1")
        .solve(10)
        .reopen(20)
        .assign(25, "a2")
        .solve(30)
        .assign(40, None)
        .rate(50, 5)
    )
    rating = f.rating(RatingKind.CSAT)
    assert rating is not None
    assert rating.owner == "a2"


def test_without_any_assignee_a_rating_belongs_to_the_last_public_agent_replier() -> None:
    f = facts(
        Ticket()
        .created(0)
        .customer(1)
        .agent(5, "a1")
        .agent(6, "a2")
        .agent(7, "a3", public=False)
        .bot(8)
        .solve(10)
        .rate(30, 5)
    )
    rating = f.rating(RatingKind.CSAT)
    assert rating is not None
    assert rating.owner == "a2"


def test_a_rating_nobody_can_own_has_no_owner() -> None:
    f = facts(Ticket().created(0).customer(1).solve(10).rate(30, 5))
    rating = f.rating(RatingKind.CSAT)
    assert rating is not None
    assert rating.owner is None


# --- creation, assignment and team ----------------------------------------------------


def test_a_ticket_without_ticket_created_has_no_creation_but_keeps_its_other_facts() -> None:
    f = facts(Ticket().assign(0, "a1").customer(1).agent(30, "a1").solve(60))
    assert (f.created_at, f.channel) == (None, None)
    assert f.first_reply is not None
    assert f.first_solve is not None
    assert f.first_solve.assignee == "a1"


def test_a_repeated_ticket_created_keeps_the_first_creation_and_restates_the_assignee() -> None:
    f = facts(
        Ticket()
        .created(0, assignee="a1", channel="email")
        .created(30, assignee="a2", channel="chat")
    )
    assert (f.created_at, f.channel, f.created_assignee) == (at(0), "email", "a1")
    assert f.assignee == "a2"


def test_an_assignment_without_a_team_keeps_the_ticket_s_team() -> None:
    f = facts(Ticket().created(0, assignee="a1", team="t1").assign(10, "a2").solve(20))
    assert f.first_solve is not None
    assert (f.first_solve.assignee, f.first_solve.team) == ("a2", "t1")


def test_an_assignment_to_another_team_moves_the_ticket() -> None:
    f = facts(Ticket().created(0, team="t1").assign(10, "a2", team="t2").solve(20))
    assert f.first_solve is not None
    assert f.first_solve.team == "t2"
    assert f.created_team == "t1"


def test_unassigning_is_not_an_assignment() -> None:
    f = facts(Ticket().created(0, assignee="a1").assign(10, None).assign(20, "a2"))
    assert [(a.at, a.agent) for a in f.assignments] == [(at(0), "a1"), (at(20), "a2")]


def test_every_handle_time_report_is_kept_with_its_agent() -> None:
    f = facts(Ticket().created(0).handled(10, "a1", 120).handled(20, "a1", 60).handled(30, "a2", 5))
    assert [(h.agent, h.seconds) for h in f.handling] == [("a1", 120), ("a1", 60), ("a2", 5)]
