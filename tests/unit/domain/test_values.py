"""Metric values (SPEC §4): hand-made histories through the whole pipeline, hand-computed."""

from __future__ import annotations

from typing import Any

import pytest

from domain import metrics as m
from domain.metrics import Basis, Level
from domain.samples import ASSIGNMENT
from domain.values import (
    Aggregate,
    MetricValue,
    PeriodContext,
    has_data,
    metric_values,
    with_counts,
    with_nulls,
)
from tests.factories import Ticket, activity, agent_profile
from tests.unit.domain.histories import entry, table, utc

MINUTE = 60
DAY = 24 * 60
MON, TUE, WED = "2026-03-02", "2026-03-03", "2026-03-04"


def value(result: dict[str, Any], metric: str, **where: str) -> tuple[float, int] | None:
    found = entry(result, metric, **where)
    return None if found is None else (found["value"], found["sample"])


# --- no data is null, never 0 — except counts, which are 0 ------------------------------


@pytest.mark.parametrize("level", list(Level))
def test_every_metric_is_null_with_sample_size_zero_when_there_is_no_data(level: Level) -> None:
    counts = {d.key for d in m.DEFINITIONS if d.is_count and level in d.levels}
    measured = metric_values({}, level=level, has_business_hours=True)
    assert {key for key, _ in measured} == counts, "sparse: only the counts"
    assert not has_data(measured)
    values = with_nulls({}, level=level)
    assert values, "every level has metrics"
    for (key, basis), v in values.items():
        if key in counts:
            assert v == MetricValue(key, basis, 0.0, 0), key  # SPEC §4: a count is 0
        else:
            assert v == MetricValue(key, basis, None, 0), key


def test_a_subject_with_other_data_counts_0_not_null() -> None:
    """SPEC §4: the count is 0 with sample size 0 and no interval; other metrics stay null."""
    replied = {("first_response_time", Basis.CALENDAR): Aggregate.of([60.0])}
    agent = metric_values(replied, level=Level.AGENT)
    assert agent[("tickets_solved", Basis.CALENDAR)] == MetricValue(
        "tickets_solved", Basis.CALENDAR, 0.0, 0
    )
    assert agent[("reviews_given", Basis.CALENDAR)].value == 0.0
    assert ("tickets_created", Basis.CALENDAR) not in agent  # no agent level
    assert ("one_touch_rate", Basis.CALENDAR) not in agent  # null, not 0
    assert has_data(agent)
    tenant = with_nulls(metric_values(replied, level=Level.TENANT), level=Level.TENANT)
    assert tenant[("tickets_created", Basis.CALENDAR)].value == 0.0
    assert tenant[("tickets_created", Basis.CALENDAR)].interval is None
    assert tenant[("csat_response_rate", Basis.CALENDAR)].value is None  # nothing solved
    assert with_counts({}, level=Level.TEAM) == {
        (key, Basis.CALENDAR): MetricValue(key, Basis.CALENDAR, 0.0, 0)
        for key in ("tickets_created", "tickets_solved", "reviews_given")
    }


@pytest.mark.parametrize("level", list(Level))
def test_a_level_has_exactly_the_metrics_defined_for_it(level: Level) -> None:
    keys = {key for key, _ in with_nulls({}, level=level)}
    assert keys == {d.key for d in m.DEFINITIONS if level in d.levels}


def test_business_time_is_null_while_the_tenant_has_no_business_hours() -> None:
    aggregates = {("first_response_time", Basis.BUSINESS): Aggregate.of([60.0])}
    values = with_nulls(metric_values(aggregates, level=Level.TENANT), level=Level.TENANT)
    assert values[("first_response_time", Basis.BUSINESS)].value is None
    with_hours = metric_values(aggregates, level=Level.TENANT, has_business_hours=True)
    assert with_hours[("first_response_time", Basis.BUSINESS)].value == 60.0


def test_every_duration_metric_has_a_calendar_and_a_business_value() -> None:
    values = with_nulls({}, level=Level.TENANT)
    durations = {d.key for d in m.DEFINITIONS if d.is_duration and Level.TENANT in d.levels}
    assert durations == {"first_response_time", "reply_time", "resolution_time"}
    for key in durations:
        assert {(key, Basis.CALENDAR), (key, Basis.BUSINESS)} <= set(values)


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


# --- ratings --------------------------------------------------------------------------


def test_csat_is_positive_over_rated_using_each_ticket_s_latest_rating() -> None:
    tickets = [
        Ticket("T1").created(0).solve(5).rate(10, 4),  # 0.8: positive
        Ticket("T2").created(0).solve(5).rate(10, 3.99),  # just under 0.8
        Ticket("T3").created(0).solve(5).rate(10, 1).rate(20, 5),  # re-rated up
        Ticket("T4").created(0).solve(5).rate(10, 5).rate(20, 2),  # re-rated down
    ]
    assert value(table(*tickets), "csat") == (0.5, 4)


def test_a_re_rating_moves_the_rating_to_the_period_of_the_latest_one() -> None:
    t = Ticket().created(0, assignee="a1").solve(5).rate(10, 5).rate(DAY + 10, 2)
    result = table(t)
    assert entry(result, "csat") is None
    assert value(result, "csat", period=TUE) == (0.0, 1)


def test_csat_response_rate_is_rated_in_the_period_over_solved_in_the_period() -> None:
    t1 = Ticket("T1").created(0).solve(10).rate(20, 5)
    t2 = Ticket("T2").created(0).solve(10).rate(DAY + 20, 5)
    t3 = Ticket("T3").created(0).solve(2 * DAY + 10)
    result = table(t1, t2, t3)
    assert value(result, "csat_response_rate", period=MON) == (0.5, 2)
    assert value(result, "csat_response_rate", period=TUE) is None  # nothing solved
    assert value(result, "csat_response_rate", period=WED) == (0.0, 1)  # solved, not rated


def test_csat_response_rate_is_zero_when_nothing_was_rated_and_null_when_nothing_was_solved() -> (
    None
):
    solved = {("tickets_solved", Basis.CALENDAR): Aggregate.of([1.0, 1.0, 1.0])}
    rate = metric_values(solved, level=Level.AGENT)[("csat_response_rate", Basis.CALENDAR)]
    assert (rate.value, rate.sample_size) == (0.0, 3)
    rated = {("csat", Basis.CALENDAR): Aggregate.of([1.0])}
    assert ("csat_response_rate", Basis.CALENDAR) not in metric_values(rated, level=Level.AGENT)


def test_csat_comment_rate_is_commented_over_latest_ratings() -> None:
    tickets = [
        Ticket("T1").created(0).solve(5).rate(10, 5, comment="Lovely"),
        Ticket("T2").created(0).solve(5).rate(10, 2, comment="Slow").rate(20, 3),
        Ticket("T3").created(0).solve(5).rate(10, 4),
        Ticket("T4").created(0).solve(5).rate(10, 4, comment="Fine"),
    ]
    assert value(table(*tickets), "csat_comment_rate") == (0.5, 4)


def test_a_rating_counts_for_its_owner() -> None:
    assigned = Ticket("T1").created(0, assignee="a1").solve(5).assign(6, "a2").rate(10, 5)
    unassigned_later = Ticket("T2").created(0, assignee="a3").solve(5).assign(6, None).rate(10, 5)
    nobody_assigned = Ticket("T3").created(0).customer(1).agent(2, "a4").solve(5).rate(10, 5)
    result = table(assigned, unassigned_later, nobody_assigned)
    owners = {a for a, periods in result["agent"].items() if "csat" in periods.get(MON, {})}
    assert owners == {"a2", "a3", "a4"}


def test_nps_is_the_mean_of_plus_100_for_promoters_0_for_passives_minus_100_for_detractors() -> (
    None
):
    answers = [(10, 10), (9, 10), (4.5, 5), (8, 10), (7, 10), (6, 10), (3, 5)]
    tickets = [
        Ticket(f"T{n}").created(0, team="t1").solve(5).rate(10, s, kind="nps", scale_max=top)
        for n, (s, top) in enumerate(answers)
    ]
    result = table(*tickets)
    # 3 promoters, 2 passives, 2 detractors out of 7: 100 × (3 − 2) / 7.
    nps = entry(result, "nps")
    assert nps is not None
    assert (nps["value"], nps["sample"]) == (pytest.approx(100 / 7), 7)
    assert value(result, "nps", level="team", subject="t1") == (pytest.approx(100 / 7), 7)


def test_nps_of_only_promoters_only_passives_or_only_detractors() -> None:
    def nps(score: float) -> tuple[float, int] | None:
        return value(
            table(Ticket().created(0).solve(5).rate(10, score, kind="nps", scale_max=10)), "nps"
        )

    assert (nps(9), nps(8), nps(6)) == ((100.0, 1), (0.0, 1), (-100.0, 1))


def test_ces_is_the_mean_of_each_ticket_s_latest_score() -> None:
    tickets = [
        Ticket("T1").created(0).solve(5).rate(10, 2, kind="ces", scale_max=7),
        Ticket("T2")
        .created(0)
        .solve(5)
        .rate(10, 7, kind="ces", scale_max=7)
        .rate(20, 5, kind="ces", scale_max=7),
    ]
    assert value(table(*tickets), "ces") == (3.5, 2)


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


# --- conversations per hour -----------------------------------------------------------


def test_conversations_per_hour_is_distinct_tickets_assigned_over_merged_activity_hours() -> None:
    online = [activity("a1", 0, 120), activity("a1", 60, 180)]  # 09:00–12:00: 3 hours
    c1 = Ticket("C1").created(0, assignee="a1")
    c2 = Ticket("C2").created(0).assign(30, "a1")
    c3 = Ticket("C3").created(0).assign(40, "a1").assign(50, "a2").assign(60, "a1")
    result = table(c1, c2, c3, extra=online)
    assert value(result, "conversations_per_hour", level="agent", subject="a1") == (1.0, 3)


def test_conversations_per_hour_is_null_without_activity() -> None:
    aggregates = {(ASSIGNMENT, Basis.CALENDAR): Aggregate.of([1.0], ["T1"])}
    values = metric_values(aggregates, level=Level.AGENT)
    assert ("conversations_per_hour", Basis.CALENDAR) not in values  # null: not stored


def test_conversations_per_hour_counts_activity_inside_each_local_day() -> None:
    # Online Monday 22:00 to Tuesday 02:00 in Berlin; one ticket each side of midnight.
    online = {
        "id": "act-1",
        "type": "agent.activity",
        "occurred_at": "2026-03-03T01:00:00Z",
        "agent_id": "a1",
        "started_at": "2026-03-02T21:00:00Z",
        "ended_at": "2026-03-03T01:00:00Z",
    }
    monday = Ticket("C1").created(12 * 60, assignee="a1")  # 21:00 UTC = 22:00 Berlin
    tuesday = Ticket("C2").created(15 * 60 + 30, assignee="a1")  # 00:30 UTC = 01:30 Berlin
    result = table(monday, tuesday, extra=[online], timezone="Europe/Berlin")
    agent = {"level": "agent", "subject": "a1"}
    assert value(result, "conversations_per_hour", **agent, period=MON) == (0.5, 1)
    assert value(result, "conversations_per_hour", **agent, period=TUE) == (0.5, 1)


def test_conversations_per_hour_on_the_spring_forward_day_divides_by_23_hours() -> None:
    online = {
        "id": "act-dst",
        "type": "agent.activity",
        "occurred_at": "2026-03-30T00:00:00Z",
        "agent_id": "a1",
        "started_at": "2026-03-28T21:00:00Z",  # Saturday 22:00 in Berlin
        "ended_at": "2026-03-30T00:00:00Z",  # Monday 02:00 in Berlin
    }
    sunday = utc(2026, 3, 29, 10)
    tickets = [Ticket(f"C{n}", base=sunday).created(n, assignee="a1") for n in range(23)]
    result = table(*tickets, extra=[online], timezone="Europe/Berlin")
    agent = {"level": "agent", "subject": "a1"}
    assert value(result, "conversations_per_hour", **agent, period="2026-03-29") == (1.0, 23)


def test_the_team_s_conversations_per_hour_pools_its_agents() -> None:
    profiles = [agent_profile("a1", team="t1"), agent_profile("a2", team="t1")]
    online = [activity("a1", 0, 60), activity("a2", 0, 180)]
    tickets = [Ticket(f"C{n}").created(n, assignee="a1" if n < 2 else "a2") for n in range(6)]
    result = table(*tickets, extra=[*profiles, *online])
    # 6 distinct tickets over 1 + 3 hours online.
    assert value(result, "conversations_per_hour", level="team", subject="t1") == (1.5, 6)


# --- admin-entered context ------------------------------------------------------------


def test_contact_ratio_is_tickets_created_over_active_users() -> None:
    created = {("tickets_created", Basis.CALENDAR): Aggregate.of([1.0] * 30)}
    context = PeriodContext(active_users=1200)
    v = metric_values(created, level=Level.TENANT, context=context)[
        ("contact_ratio", Basis.CALENDAR)
    ]
    assert (v.value, v.sample_size) == (0.025, 1200)
    assert ("contact_ratio", Basis.CALENDAR) not in metric_values(created, level=Level.TENANT)
