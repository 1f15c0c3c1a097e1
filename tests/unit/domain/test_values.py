"""Metric values (SPEC §4): hand-made histories through the whole pipeline, hand-computed.

Counts and empty values, ratings and conversations per hour are in test_values_counts.py,
test_values_ratings.py and test_values_conversations.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from domain.metrics import Basis, Level
from domain.values import Aggregate, PeriodContext, metric_values
from tests.factories import Ticket, agent_profile
from tests.unit.domain.histories import DAY, MINUTE, MON, TUE, entry, table, value

# --- statistics and sample sizes ------------------------------------------------------


def test_a_duration_is_its_median_and_also_reports_mean_p90_and_sample_size() -> None:
    seconds = [300.0, 60.0, 600.0, 120.0]  # sorted: 60 120 300 600
    values = metric_values(
        {("resolution_time", Basis.CALENDAR): Aggregate.of(seconds)}, level=Level.AGENT
    )
    v = values[("resolution_time", Basis.CALENDAR)]
    assert (v.value, v.median, v.mean, v.p90, v.sample_size) == (210.0, 210.0, 270.0, 600.0, 4)


def test_a_rate_is_the_share_of_positives_with_its_denominator_and_a_wilson_interval() -> None:
    values = metric_values(
        {("csat", Basis.CALENDAR): Aggregate.of([1.0] * 8 + [0.0] * 2)}, level=Level.AGENT
    )
    v = values[("csat", Basis.CALENDAR)]
    assert (v.value, v.sample_size, v.positives) == (0.8, 10, 8.0)
    assert v.interval is not None
    # Wilson 95% for 8/10, worked out by hand in test_stats: 0.4902 to 0.9433.
    assert v.interval == pytest.approx((0.4902, 0.9433), abs=5e-5)


def test_only_rates_carry_an_interval() -> None:
    aggregates = {
        ("reopen_rate", Basis.CALENDAR): Aggregate.of([0.0, 1.0]),
        ("replies_per_ticket", Basis.CALENDAR): Aggregate.of([1.0, 2.0]),
        ("tickets_solved", Basis.CALENDAR): Aggregate.of([1.0, 1.0]),
    }
    values = metric_values(aggregates, level=Level.TENANT)
    assert values[("reopen_rate", Basis.CALENDAR)].interval is not None
    assert values[("replies_per_ticket", Basis.CALENDAR)].interval is None
    assert values[("tickets_solved", Basis.CALENDAR)].interval is None


def test_the_median_of_an_even_count_of_tickets_is_the_mean_of_the_two_middle_ones() -> None:
    tickets = [
        Ticket(f"T{n}").created(0).customer(0).agent(minutes, "a1")
        for n, minutes in enumerate([10, 40, 20, 30])
    ]
    frt = entry(table(*tickets), "first_response_time")
    assert frt is not None
    assert (frt["value"], frt["mean"], frt["sample"]) == (25 * MINUTE, 25 * MINUTE, 4)
    assert frt["p90"] == 40 * MINUTE


# --- the first-solve cohort -----------------------------------------------------------


def solve_cohort() -> dict[str, Any]:
    """Four tickets solved on Monday; only T2 is ever reopened (and solved again on Tuesday)."""
    t1 = Ticket("T1").created(0, assignee="a1").customer(1).agent(10, "a1").solve(20)
    t2 = (
        Ticket("T2")
        .created(0, assignee="a1")
        .customer(1)
        .agent(10, "a1")
        .customer(15)
        .agent(25, "a1")
        .solve(30)
        .reopen(DAY + 40)
        .solve(DAY + 50)
    )
    t3 = Ticket("T3").created(0, assignee="a2").customer(1).agent(5, "a2", public=False).solve(30)
    t4 = (
        Ticket("T4")
        .created(0, assignee="a2")
        .customer(1)
        .agent(5, "a2")
        .agent(6, "a2")
        .agent(7, "a2")
        .solve(8)
    )
    return table(t1, t2, t3, t4)


def test_first_solve_rates_over_the_tenant() -> None:
    result = solve_cohort()
    assert value(result, "tickets_solved") == (4.0, 4)
    assert value(result, "one_touch_rate") == (0.25, 4)  # T1
    assert value(result, "reopen_rate") == (0.25, 4)  # T2
    assert value(result, "replies_per_ticket") == ((1 + 2 + 0 + 3) / 4, 4)
    assert value(result, "abandoned_rate") == (0.25, 4)  # T3: only an internal note


def test_first_solve_rates_per_agent() -> None:
    result = solve_cohort()
    a1, a2 = {"level": "agent", "subject": "a1"}, {"level": "agent", "subject": "a2"}
    assert value(result, "tickets_solved", **a1) == (2.0, 2)
    assert value(result, "one_touch_rate", **a1) == (0.5, 2)
    assert value(result, "reopen_rate", **a1) == (0.5, 2)
    assert value(result, "replies_per_ticket", **a1) == (1.5, 2)
    assert value(result, "one_touch_rate", **a2) == (0.0, 2)
    assert value(result, "replies_per_ticket", **a2) == (1.5, 2)
    assert value(result, "abandoned_rate", **a2) is None  # a team and tenant metric only


def test_a_later_solve_and_its_reopen_stay_with_the_first_solve_s_period() -> None:
    result = solve_cohort()
    assert value(result, "tickets_solved", period=TUE) is None
    assert value(result, "reopen_rate", period=TUE) is None


def test_tickets_solved_goes_to_the_assignee_at_first_solve_after_a_reassignment() -> None:
    t = Ticket().created(0, assignee="a1").assign(10, "a2").solve(20).reopen(30).assign(40, "a3")
    t.solve(50)
    result = table(t)
    assert value(result, "tickets_solved", level="agent", subject="a2") == (1.0, 1)
    assert entry(result, "tickets_solved", level="agent", subject="a1") is None
    assert entry(result, "tickets_solved", level="agent", subject="a3") is None


def test_a_solve_nobody_is_assigned_to_counts_for_the_team_and_tenant_only() -> None:
    result = table(Ticket().created(0, team="t1").customer(1).agent(5, "a1").solve(20))
    assert value(result, "tickets_solved", level="team", subject="t1") == (1.0, 1)
    assert value(result, "tickets_solved") == (1.0, 1)
    # a1 is listed (first response time) and solved nothing: 0, not null (SPEC §4)
    assert value(result, "tickets_solved", level="agent", subject="a1") == (0.0, 0)


def test_team_metrics_use_the_ticket_s_team_else_the_agent_s_team() -> None:
    profile = agent_profile("a1", team="home")
    in_team = Ticket("T1").created(0, assignee="a1", team="t1").solve(10)
    teamless = Ticket("T2").created(0, assignee="a1").solve(10)
    result = table(in_team, teamless, extra=[profile])
    assert value(result, "tickets_solved", level="team", subject="t1") == (1.0, 1)
    assert value(result, "tickets_solved", level="team", subject="home") == (1.0, 1)


def test_a_ticket_without_ticket_created_counts_its_solve_but_not_its_creation() -> None:
    result = table(Ticket().assign(0, "a1").customer(1).agent(30, "a1").solve(60))
    assert value(result, "tickets_solved") == (1.0, 1)
    assert value(result, "tickets_created") == (0.0, 0)  # nothing created: 0 (SPEC §4)
    assert entry(result, "first_response_time") is None
    assert entry(result, "resolution_time") is None


def test_an_outbound_ticket_adds_no_first_response_time() -> None:
    outbound = Ticket("T1").created(0).agent(5, "a1").customer(60).agent(90, "a1")
    inbound = Ticket("T2").created(0).customer(0).agent(20, "a1")
    result = table(outbound, inbound)
    assert value(result, "first_response_time") == (20 * MINUTE, 1)
    assert value(result, "reply_time") == (30 * MINUTE, 1)


# --- handle time ----------------------------------------------------------------------


def test_handle_time_is_the_agent_s_summed_seconds_per_ticket_averaged_over_tickets() -> None:
    h1 = Ticket("H1").created(0).handled(10, "a1", 100).handled(20, "a1", 200)
    h2 = Ticket("H2").created(0).handled(10, "a1", 300).handled(30, "a2", 50)
    result = table(h1, h2)
    # a1: H1 = 100 + 200, H2 = 300 → (300 + 300) / 2 tickets.
    assert value(result, "handle_time", level="agent", subject="a1") == (300.0, 2)
    assert value(result, "handle_time", level="agent", subject="a2") == (50.0, 1)
    # the tenant: H1 = 300, H2 = 350 → 325 over 2 tickets.
    assert value(result, "handle_time") == (325.0, 2)


def test_each_handle_time_report_is_dated_by_its_own_event_time() -> None:
    t = Ticket().created(0).handled(10, "a1", 100).handled(DAY + 10, "a1", 200)
    agent = {"level": "agent", "subject": "a1"}
    assert value(table(t), "handle_time", **agent, period=MON) == (100.0, 1)
    assert value(table(t), "handle_time", **agent, period=TUE) == (200.0, 1)
    assert value(table(t, grain="WEEK"), "handle_time", **agent) == (300.0, 1)


# --- admin-entered context ------------------------------------------------------------


def test_contact_ratio_is_tickets_created_over_active_users() -> None:
    created = {("tickets_created", Basis.CALENDAR): Aggregate.of([1.0] * 30)}
    context = PeriodContext(active_users=1200)
    v = metric_values(created, level=Level.TENANT, context=context)[
        ("contact_ratio", Basis.CALENDAR)
    ]
    assert (v.value, v.sample_size) == (0.025, 1200)
    assert ("contact_ratio", Basis.CALENDAR) not in metric_values(created, level=Level.TENANT)
