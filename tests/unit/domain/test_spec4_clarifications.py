"""SPEC §4 clarifications in the domain (fold → samples → in-memory aggregation): handle_time
above agent level per ticket; tickets_created / nps without a team fall back to the assignee
at creation / the rating owner; with a team they use the ticket's team at that time."""

from __future__ import annotations

import pytest

from domain.events import RatingKind
from tests.factories import Ticket, agent_profile, at
from tests.support.spec4_stories import STORIES, Events, Expected, differences
from tests.unit.domain.histories import entry, facts, samples_of, table

DAY = "2026-03-02"


def teams_t1_t1_t2() -> list[dict[str, object]]:
    return [
        agent_profile("a1", team="t1"),
        agent_profile("a2", team="t1"),
        agent_profile("a3", team="t2"),
    ]


# --- handle_time ------------------------------------------------------------------------


def test_each_handle_time_report_keeps_its_agent_and_the_ticket_s_team_or_none() -> None:
    t = Ticket().created(0).handled(10, "a1", 100).handled(20, "a3", 50)
    samples = samples_of(t, "handle_time")
    assert [(s.agent, s.team, s.value) for s in samples] == [("a1", None, 100), ("a3", None, 50)]


def test_handle_time_of_one_team_s_two_agents_is_one_observation_of_their_sum() -> None:
    t = Ticket().created(0).handled(10, "a1", 100).handled(20, "a2", 20).handled(30, "a2", 30)
    r = table(t, extra=teams_t1_t1_t2())
    # t1: one ticket, 100 + 20 + 30 = 150 (not the mean 50 of three reports or 75 of two agents)
    assert entry(r, "handle_time", level="team", subject="t1", period=DAY) == {
        "value": 150.0,
        "sample": 1,
        "mean": 150.0,
        "p90": None,
    }
    assert entry(r, "handle_time", period=DAY) == {
        "value": 150.0,
        "sample": 1,
        "mean": 150.0,
        "p90": None,
    }
    found = entry(r, "handle_time", level="agent", subject="a2", period=DAY)
    assert found is not None and (found["value"], found["sample"]) == (50.0, 1)


def test_handle_time_of_two_teams_agents_splits_by_team_and_sums_for_the_tenant() -> None:
    t1 = Ticket("T1").created(0).handled(10, "a1", 100).handled(20, "a3", 200)
    t2 = Ticket("T2").created(0).handled(10, "a3", 40)
    r = table(t1, t2, extra=teams_t1_t1_t2())

    def value_sample(level: str, subject: str) -> tuple[float, int] | None:
        found = entry(r, "handle_time", level=level, subject=subject, period=DAY)
        return None if found is None else (found["value"], found["sample"])

    assert value_sample("team", "t1") == (100.0, 1)  # T1: a1's part
    assert value_sample("team", "t2") == (120.0, 2)  # T1 200, T2 40 -> 240 / 2
    assert value_sample("tenant", "tenant") == (170.0, 2)  # T1 300, T2 40 -> 340 / 2


# --- tickets_created --------------------------------------------------------------------


def test_creation_keeps_the_assignee_at_creation_not_a_later_one() -> None:
    f = facts(Ticket().created(0, assignee="a1").assign(30, "a3"))
    assert (f.created_assignee, f.created_team, f.assignee) == ("a1", None, "a3")
    created = samples_of(Ticket().created(0, assignee="a1").assign(30, "a3"), "tickets_created")
    assert [(s.agent, s.team, s.at) for s in created] == [("a1", None, at(0))]


def test_an_assignment_at_the_creation_instant_is_the_assignee_at_creation() -> None:
    f = facts(Ticket().created(0).assign(0, "a3").assign(1, "a1"))
    assert f.created_assignee == "a3"


def test_tickets_created_without_a_team_counts_for_the_creation_assignee_s_team() -> None:
    c1 = Ticket("C1").created(0, assignee="a1").assign(30, "a3")
    c2 = Ticket("C2").created(0).assign(30, "a3")
    r = table(c1, c2, extra=teams_t1_t1_t2())
    assert entry(r, "tickets_created", level="team", subject="t1", period=DAY) == {
        "value": 1.0,
        "sample": 1,
        "mean": None,
        "p90": None,
    }
    assert entry(r, "tickets_created", level="team", subject="t2", period=DAY) is None
    found = entry(r, "tickets_created", period=DAY)
    assert found is not None and found["value"] == 2  # C2 counts for the tenant only


def test_tickets_created_with_a_team_counts_for_the_ticket_s_team() -> None:
    t = Ticket().created(0, assignee="a1", team="tx").assign(30, "a3", team="ty")
    r = table(t, extra=teams_t1_t1_t2())
    found = entry(r, "tickets_created", level="team", subject="tx", period=DAY)
    assert found is not None and (found["value"], found["sample"]) == (1.0, 1)
    assert "t1" not in r["team"] and "ty" not in r["team"]


# --- nps --------------------------------------------------------------------------------


def test_an_nps_rating_without_a_team_belongs_to_its_owner_then_with_no_team() -> None:
    t = Ticket().created(0, assignee="a1").solve(10).assign(20, "a3")
    t.rate(30, 10, kind="nps", scale_max=10)
    rating = facts(t).rating(RatingKind.NPS)
    assert rating is not None and (rating.owner, rating.team) == ("a3", None)
    assert [(s.agent, s.team) for s in samples_of(t, "nps")] == [("a3", None)]


def test_nps_without_a_team_counts_for_the_rating_owner_s_team() -> None:
    # N1 owner a3 (assignee at rating), N2 owner a1 (assignee at the solve), N3 owner a3
    # (last replier): t1 -100 (N2), t2 promoter + passive -> 100 * (1 - 0) / 2 = 50
    n1 = Ticket("N1").created(0, assignee="a1").solve(10).assign(20, "a3")
    n1.rate(30, 9, kind="nps", scale_max=10)
    n2 = Ticket("N2").created(0, assignee="a1").customer(1).agent(5, "a3").solve(10)
    n2.assign(20, None).rate(30, 6, kind="nps", scale_max=10)
    n3 = Ticket("N3").created(0).customer(1).agent(5, "a3").solve(10)
    n3.rate(30, 7, kind="nps", scale_max=10)
    r = table(n1, n2, n3, extra=teams_t1_t1_t2())

    def value_sample(level: str, subject: str) -> tuple[float, int] | None:
        found = entry(r, "nps", level=level, subject=subject, period=DAY)
        return None if found is None else (found["value"], found["sample"])

    assert value_sample("team", "t1") == (-100.0, 1)
    assert value_sample("team", "t2") == (50.0, 2)
    assert value_sample("tenant", "tenant") == (0.0, 3)  # 100 * (1 - 1) / 3
    assert value_sample("agent", "a3") is None  # no agent level


def test_nps_with_a_team_counts_for_the_ticket_s_team_at_rating_time() -> None:
    t = Ticket().created(0, assignee="a1", team="tx").assign(20, "a3", team="ty")
    t.rate(30, 2, kind="nps", scale_max=10)
    assert [(s.agent, s.team) for s in samples_of(t, "nps")] == [("a3", "ty")]
    r = table(t, extra=teams_t1_t1_t2())
    found = entry(r, "nps", level="team", subject="ty", period=DAY)
    assert found is not None and (found["value"], found["sample"]) == (-100.0, 1)
    assert entry(r, "nps", level="team", subject="t2", period=DAY) is None
    assert entry(r, "nps", level="team", subject="tx", period=DAY) is None


# --- the shared stories (also run through SQL against the oracle) -------------------------


@pytest.mark.parametrize(("events", "expected"), list(STORIES.values()), ids=list(STORIES))
def test_the_domain_gives_the_hand_computed_story_values(
    events: Events, expected: Expected
) -> None:
    ours = table(extra=events, timezone="Europe/Berlin", grain="MONTH")
    assert differences(ours, expected) == []
