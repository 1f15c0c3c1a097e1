"""Per-ticket observations (SPEC §4 table): value, attribution and the time that dates them."""

from __future__ import annotations

from datetime import datetime

import pytest

from domain.samples import Sample, SamplePolicy, SlaTargets
from tests.factories import Ticket, at
from tests.unit.domain.histories import samples_of

MINUTE = 60


def values(samples: list[Sample]) -> list[float]:
    return [s.value for s in samples]


def only(samples: list[Sample]) -> Sample:
    assert len(samples) == 1, samples
    return samples[0]


# --- creation -------------------------------------------------------------------------


def test_a_ticket_is_created_once_at_creation_time_in_its_creation_team() -> None:
    t = Ticket().created(0, assignee="a1", team="t1").assign(10, "a2", team="t2")
    created = only(samples_of(t, "tickets_created"))
    assert (created.at, created.team, created.value) == (at(0), "t1", 1.0)


def test_a_ticket_without_ticket_created_is_not_created_and_has_no_creation_durations() -> None:
    t = Ticket().assign(0, "a1").customer(1).agent(30, "a1").solve(60)
    assert samples_of(t, "tickets_created") == []
    assert samples_of(t, "first_response_time") == []
    assert samples_of(t, "resolution_time") == []
    assert values(samples_of(t, "tickets_solved")) == [1.0]


# --- first response and reply times ---------------------------------------------------


def test_first_response_time_runs_from_creation_to_the_first_public_agent_reply() -> None:
    t = Ticket().created(0).customer(1).agent(10, "a9", public=False).agent(25, "a1")
    frt = only(samples_of(t, "first_response_time"))
    assert (frt.value, frt.agent, frt.at) == (25 * MINUTE, "a1", at(25))


def test_an_outbound_ticket_has_no_first_response_time() -> None:
    t = Ticket().created(0).agent(5, "a1").customer(60).agent(90, "a1")
    assert samples_of(t, "first_response_time") == []


def test_reply_time_is_measured_from_the_earliest_unanswered_customer_message() -> None:
    t = (
        Ticket()
        .created(0)
        .customer(1)
        .agent(30, "a1")  # first response: not a reply_time
        .customer(40)
        .bot(42)  # a bot does not answer
        .agent(45, "a1", public=False)  # nor does an internal note
        .customer(50)
        .agent(70, "a2")  # answers 40 and 50: waited 30 minutes
        .agent(75, "a2")  # nothing to answer
        .customer(80)
        .agent(95, "a1")  # waited 15 minutes
    )
    replies = samples_of(t, "reply_time")
    assert [(s.value, s.agent, s.at) for s in replies] == [
        (30 * MINUTE, "a2", at(70)),
        (15 * MINUTE, "a1", at(95)),
    ]


def test_an_outbound_ticket_measures_reply_time_from_the_customer_s_answer() -> None:
    t = Ticket().created(0).agent(5, "a1").customer(60).agent(90, "a1")
    assert values(samples_of(t, "reply_time")) == [30 * MINUTE]


# --- first solve and everything dated by it -------------------------------------------


def test_a_ticket_counts_as_solved_once_at_its_first_solve() -> None:
    t = Ticket().created(0, assignee="a1").solve(60).reopen(90).solve(120).status(200, "closed")
    solved = only(samples_of(t, "tickets_solved"))
    assert (solved.at, solved.agent) == (at(60), "a1")


def test_tickets_solved_goes_to_the_assignee_at_first_solve_not_earlier_or_later_ones() -> None:
    t = (
        Ticket()
        .created(0, assignee="a1")
        .assign(20, "a2")
        .solve(60)
        .reopen(90)
        .assign(95, "a3")
        .solve(120)
    )
    assert only(samples_of(t, "tickets_solved")).agent == "a2"
    assert only(samples_of(t, "resolution_time")).agent == "a2"


def test_resolution_time_runs_from_creation_to_the_first_solve() -> None:
    t = Ticket().created(0, assignee="a1").solve(90).reopen(100).solve(400)
    resolution = only(samples_of(t, "resolution_time"))
    assert (resolution.value, resolution.at) == (90 * MINUTE, at(90))


def test_solved_then_closed_is_not_a_second_solve() -> None:
    t = Ticket().created(0).solve(60).status(2000, "closed")
    assert only(samples_of(t, "tickets_solved")).at == at(60)
    assert values(samples_of(t, "reopen_rate")) == [0.0]


@pytest.mark.parametrize(
    ("ticket", "one_touch"),
    [
        pytest.param(Ticket().created(0).customer(1).agent(10, "a1").solve(20), 1.0, id="one"),
        pytest.param(
            Ticket().created(0).customer(1).agent(10, "a1").agent(15, "a1").solve(20),
            0.0,
            id="two",
        ),
        pytest.param(Ticket().created(0).customer(1).solve(20), 0.0, id="none"),
        pytest.param(
            Ticket().created(0).customer(1).agent(10, "a1", public=False).agent(15, "a1").solve(20),
            1.0,
            id="a note is not a touch",
        ),
        pytest.param(
            Ticket().created(0).customer(1).agent(10, "a1").solve(20).agent(30, "a1"),
            1.0,
            id="replies after the solve do not count",
        ),
        pytest.param(
            Ticket().created(0).customer(1).solve(20).agent(20, "a1"),
            1.0,
            id="a reply at the solve's instant counts",
        ),
    ],
)
def test_one_touch_means_exactly_one_public_agent_reply_before_the_first_solve(
    ticket: Ticket, one_touch: float
) -> None:
    assert values(samples_of(ticket, "one_touch_rate")) == [one_touch]


def test_replies_per_ticket_counts_public_agent_replies_before_the_first_solve() -> None:
    t = (
        Ticket()
        .created(0)
        .customer(1)
        .agent(5, "a1")
        .agent(6, "a1", public=False)
        .bot(7)
        .agent(8, "a2")
        .agent(10, "a1")
        .solve(10)
        .agent(30, "a1")
    )
    assert values(samples_of(t, "replies_per_ticket")) == [3.0]


def test_a_reopen_at_any_later_time_counts_against_the_first_solve() -> None:
    t = Ticket().created(0, assignee="a1").solve(60).reopen(60 * 24 * 40).solve(60 * 24 * 41)
    reopened = only(samples_of(t, "reopen_rate"))
    assert (reopened.value, reopened.at, reopened.agent) == (1.0, at(60), "a1")


def test_a_ticket_never_reopened_has_reopen_rate_zero() -> None:
    t = Ticket().created(0).solve(60)
    assert values(samples_of(t, "reopen_rate")) == [0.0]


@pytest.mark.parametrize(
    ("ticket", "abandoned"),
    [
        pytest.param(Ticket().created(0).customer(1).solve(20), 1.0, id="no reply"),
        pytest.param(
            Ticket().created(0).customer(1).agent(5, "a1", public=False).bot(6).solve(20),
            1.0,
            id="only notes and bots",
        ),
        pytest.param(Ticket().created(0).customer(1).agent(5, "a1").solve(20), 0.0, id="a reply"),
    ],
)
def test_a_solved_ticket_without_any_public_agent_reply_is_abandoned(
    ticket: Ticket, abandoned: float
) -> None:
    assert values(samples_of(ticket, "abandoned_rate")) == [abandoned]


def test_an_unsolved_ticket_has_no_solve_samples() -> None:
    t = Ticket().created(0).customer(1).agent(5, "a1")
    for metric in ("tickets_solved", "one_touch_rate", "reopen_rate", "abandoned_rate"):
        assert samples_of(t, metric) == []


# --- ratings --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "scale_max", "positive"),
    [
        (4, 5, 1.0),
        (3.99, 5, 0.0),
        (5, 5, 1.0),
        (8, 10, 1.0),
        (7.99, 10, 0.0),
        (0, 5, 0.0),
        (1, 1, 1.0),
    ],
)
def test_a_csat_rating_is_positive_when_score_over_scale_max_is_at_least_0_8(
    score: float, scale_max: float, positive: float
) -> None:
    t = Ticket().created(0).solve(10).rate(20, score, scale_max=scale_max)
    assert values(samples_of(t, "csat")) == [positive]


def test_only_the_latest_csat_rating_of_a_ticket_counts() -> None:
    t = Ticket().created(0, assignee="a1").solve(10).rate(20, 5).rate(60 * 24, 2)
    csat = only(samples_of(t, "csat"))
    assert (csat.value, csat.at) == (0.0, at(60 * 24))


def test_a_csat_rating_is_dated_at_rating_time_and_owned_by_the_assignee_then() -> None:
    t = Ticket().created(0, assignee="a1", team="t1").solve(10).assign(15, "a2").rate(20, 5)
    csat = only(samples_of(t, "csat"))
    assert (csat.at, csat.agent, csat.team) == (at(20), "a2", "t1")


@pytest.mark.parametrize(
    ("comment", "commented"), [("Quick and kind", 1.0), ("", 0.0), (None, 0.0)]
)
def test_a_csat_rating_counts_as_commented_when_its_comment_is_not_empty(
    comment: str | None, commented: float
) -> None:
    t = Ticket().created(0).solve(10).rate(20, 5, comment=comment)
    assert values(samples_of(t, "csat_comment_rate")) == [commented]


def test_ces_keeps_the_latest_raw_score() -> None:
    t = Ticket().created(0).solve(10).rate(20, 2, kind="ces", scale_max=7)
    t.rate(30, 6, kind="ces", scale_max=7)
    assert values(samples_of(t, "ces")) == [6.0]


@pytest.mark.parametrize(
    ("score", "scale_max", "points"),
    [
        pytest.param(10, 10, 100.0, id="10/10 promoter"),
        pytest.param(9, 10, 100.0, id="9/10 promoter"),
        pytest.param(8, 10, 0.0, id="8/10 passive"),
        pytest.param(7, 10, 0.0, id="7/10 passive"),
        pytest.param(6, 10, -100.0, id="6/10 detractor"),
        pytest.param(0, 10, -100.0, id="0/10 detractor"),
        pytest.param(4.5, 5, 100.0, id="4.5/5 is 9/10"),
        pytest.param(4, 5, 0.0, id="4/5 is 8/10"),
        pytest.param(3, 5, -100.0, id="3/5 is 6/10"),
        pytest.param(90, 100, 100.0, id="90/100 is 9/10"),
        pytest.param(65, 100, 0.0, id="65/100 is 6.5/10"),
    ],
)
def test_an_nps_answer_scores_plus_100_0_or_minus_100_on_the_0_to_10_scale(
    score: float, scale_max: float, points: float
) -> None:
    t = Ticket().created(0).solve(10).rate(20, score, kind="nps", scale_max=scale_max)
    assert values(samples_of(t, "nps")) == [points]


# --- handle time and assignments ------------------------------------------------------


def test_every_handle_time_report_is_a_sample_of_its_agent_at_its_time() -> None:
    t = Ticket().created(0, team="t1").handled(10, "a1", 120).handled(20, "a2", 30)
    assert [(s.agent, s.value, s.at, s.team) for s in samples_of(t, "handle_time")] == [
        ("a1", 120.0, at(10), "t1"),
        ("a2", 30.0, at(20), "t1"),
    ]


def test_every_assignment_to_an_agent_is_an_assignment_sample() -> None:
    t = Ticket().created(0, assignee="a1").assign(10, None).assign(20, "a2")
    assert [(s.agent, s.at) for s in samples_of(t, "assignment")] == [
        ("a1", at(0)),
        ("a2", at(20)),
    ]


# --- SLA targets and business time ----------------------------------------------------

SLA = SlaTargets(first_response={"chat": 5 * MINUTE, "*": 60 * MINUTE}, resolution={})


@pytest.mark.parametrize(
    ("channel", "reply_at", "met"),
    [
        pytest.param("chat", 5, [1.0], id="chat on the target"),
        pytest.param("chat", 6, [0.0], id="chat over the target"),
        pytest.param("email", 60, [1.0], id="email on the catch-all target"),
        pytest.param("email", 61, [0.0], id="email over the catch-all target"),
    ],
)
def test_a_first_response_meets_its_sla_within_the_channel_s_target(
    channel: str, reply_at: float, met: list[float]
) -> None:
    t = Ticket().created(0, channel=channel).customer(0).agent(reply_at, "a1").solve(90)
    policy = SamplePolicy(sla=SLA)
    assert values(samples_of(t, "sla_first_response", policy=policy)) == met
    assert samples_of(t, "sla_resolution", policy=policy) == []  # no resolution target


def test_an_sla_in_business_time_measures_the_business_seconds() -> None:
    def half_time(start: datetime, end: datetime) -> float:
        return (end - start).total_seconds() / 2

    sla = SlaTargets(resolution={"*": 60 * MINUTE}, business_basis=True)
    t = Ticket().created(0).solve(100)
    policy = SamplePolicy(business_clock=half_time, sla=sla)
    resolution = only(samples_of(t, "resolution_time", policy=policy))
    assert (resolution.value, resolution.business) == (100 * MINUTE, 50 * MINUTE)
    assert values(samples_of(t, "sla_resolution", policy=policy)) == [1.0]


def test_without_a_business_clock_durations_have_no_business_time() -> None:
    t = Ticket().created(0).solve(100)
    assert only(samples_of(t, "resolution_time")).business is None
