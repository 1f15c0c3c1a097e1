"""Rating metrics (SPEC §4): csat, its response and comment rates, nps and ces over each
ticket's latest rating, hand-computed from hand-made histories."""

from __future__ import annotations

import pytest

from domain.metrics import Basis, Level
from domain.values import Aggregate, metric_values
from tests.factories import Ticket
from tests.unit.domain.histories import DAY, MON, TUE, WED, entry, table, value


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
