"""The oracle on tiny hand-computed histories: which team a metric counts for — the
ticket's team at the time, else the agent's team at the time (a history), and SPEC §4's
fall-backs for metrics without an attributed agent or above agent level."""

from __future__ import annotations

from tests.oracle.builders import (
    JUNE,
    assigned,
    created,
    ev,
    metric,
    msg,
    rated,
    run,
    status,
    upsert,
    value,
)


def test_team_attribution_uses_ticket_team_at_the_time_else_agent_team_at_the_time() -> None:
    events = [
        upsert("2026-05-01T00:00", "ag1", "team1"),
        upsert("2026-06-15T00:00", "ag1", "team2"),  # a move: June 1 stays with team1
        created("2026-06-01T08:00", "T1", assignee="ag1"),  # no ticket team
        msg("2026-06-01T08:00", "T1", "cust"),
        msg("2026-06-01T09:00", "T1", "ag1"),
        status("2026-06-01T10:00", "T1", "solved"),
        created("2026-06-01T08:00", "T2", assignee="ag1", team="teamA"),
        msg("2026-06-01T08:00", "T2", "cust"),
        msg("2026-06-01T09:00", "T2", "ag1"),
        assigned("2026-06-01T09:30", "T2", "ag1", team="teamB"),
        status("2026-06-01T10:00", "T2", "solved"),
    ]
    r = run(events)
    assert value(r, "team", "team1", JUNE, "tickets_solved") == 1
    assert value(r, "team", "team1", JUNE, "first_response_time") == 3600.0
    assert metric(r, "team", "team2", JUNE, "tickets_solved") is None
    assert value(r, "team", "teamA", JUNE, "first_response_time") == 3600.0  # team at reply
    assert value(r, "team", "teamA", JUNE, "tickets_created") == 1
    assert value(r, "team", "teamB", JUNE, "tickets_solved") == 1  # team at the solve
    assert value(r, "team", "team1", JUNE, "tickets_created") == 1


def test_a_move_keeps_the_old_teams_past_and_counts_from_its_local_day_on() -> None:
    def ticket(day: str, name: str) -> list[dict]:
        return [
            created(f"2026-06-{day}T08:00", name, assignee="ag1"),
            msg(f"2026-06-{day}T08:00", name, "cust"),
            msg(f"2026-06-{day}T09:00", name, "ag1"),
            status(f"2026-06-{day}T10:00", name, "solved"),
        ]

    events = [
        # Berlin: 22:30 UTC on June 9 is June 10, local: the move counts from June 10 on
        upsert("2026-06-09T22:30", "ag1", "team2"),
        upsert("2026-06-12T00:00", "ag1", "team2"),  # the same team again: no move
        upsert("2026-05-01T00:00", "ag1", "team1"),  # arrives last, states the earlier team
        *ticket("09", "T1"),
        *ticket("10", "T2"),
        *ticket("20", "T3"),
    ]
    days = {grain: run(events, grain=grain) for grain in ("DAY", "MONTH")}
    assert value(days["DAY"], "team", "team1", "2026-06-09", "tickets_solved") == 1
    assert value(days["DAY"], "team", "team2", "2026-06-10", "tickets_solved") == 1
    assert value(days["MONTH"], "team", "team1", JUNE, "tickets_solved") == 1
    assert value(days["MONTH"], "team", "team2", JUNE, "tickets_solved") == 2
    # before the first upsert's day, the first day's team applies
    early = [upsert("2026-06-15T12:00", "ag1", "team2"), *ticket("01", "T1")]
    assert value(run(early), "team", "team2", JUNE, "tickets_solved") == 1


def _handled(at: str, ticket: str, agent: str, seconds: int) -> dict:
    return ev("ticket.handled", at, ticket_id=ticket, agent_id=agent, seconds=seconds)


def test_handle_time_above_agent_level_is_one_observation_per_ticket() -> None:
    """SPEC §4: above agent level, one observation per ticket: the summed ticket.handled
    seconds of the level's agents on that ticket."""
    events = [
        upsert("2026-05-01T00:00", "ag1", "team1"),
        upsert("2026-05-01T00:00", "ag2", "team1"),
        upsert("2026-05-01T00:00", "ag3", "team2"),
        # T1 (no ticket team): two agents of team1
        created("2026-06-10T08:00", "T1"),
        _handled("2026-06-10T09:00", "T1", "ag1", 100),
        _handled("2026-06-10T09:10", "T1", "ag2", 20),
        _handled("2026-06-10T09:20", "T1", "ag2", 30),
        # T2 (no ticket team): agents of two teams
        created("2026-06-10T08:00", "T2"),
        _handled("2026-06-10T09:00", "T2", "ag1", 10),
        _handled("2026-06-10T09:10", "T2", "ag3", 200),
    ]
    r = run(events)
    # agents: ag1 T1 100, T2 10 -> 110 / 2; ag2 T1 20+30 = 50; ag3 T2 200
    assert metric(r, "agent", "ag1", JUNE, "handle_time") == {"value": 55.0, "sample": 2}
    assert metric(r, "agent", "ag2", JUNE, "handle_time") == {"value": 50.0, "sample": 1}
    assert metric(r, "agent", "ag3", JUNE, "handle_time") == {"value": 200.0, "sample": 1}
    # team1: T1 100+20+30 = 150, T2 10 (ag1's part only) -> 160 / 2 (not 160 / 4 reports)
    assert metric(r, "team", "team1", JUNE, "handle_time") == {"value": 80.0, "sample": 2}
    # team2: T2 200 (ag3's part only)
    assert metric(r, "team", "team2", JUNE, "handle_time") == {"value": 200.0, "sample": 1}
    # tenant: T1 150, T2 210 -> 360 / 2 (per agent and ticket it would be 360 / 4)
    assert metric(r, "tenant", "tenant", JUNE, "handle_time") == {"value": 180.0, "sample": 2}


def test_tickets_created_without_a_team_falls_back_to_the_assignee_at_creation() -> None:
    events = [
        upsert("2026-05-01T00:00", "ag1", "team1"),
        upsert("2026-05-01T00:00", "ag3", "team2"),
        # T1: created with ag1, later ag3 -> team1 (not team2)
        created("2026-06-10T08:00", "T1", assignee="ag1"),
        assigned("2026-06-10T09:00", "T1", "ag3"),
        # T2: created unassigned, later ag3 -> no team (tenant only)
        created("2026-06-10T08:00", "T2"),
        assigned("2026-06-10T09:00", "T2", "ag3"),
        # T3: assigned to ag3 at the creation instant -> team2
        created("2026-06-10T08:00", "T3"),
        assigned("2026-06-10T08:00", "T3", "ag3"),
        # T4: a ticket team wins over the assignee's team
        created("2026-06-10T08:00", "T4", assignee="ag1", team="teamX"),
    ]
    r = run(events)
    assert metric(r, "team", "team1", JUNE, "tickets_created") == {"value": 1, "sample": 1}
    assert metric(r, "team", "team2", JUNE, "tickets_created") == {"value": 1, "sample": 1}
    assert metric(r, "team", "teamX", JUNE, "tickets_created") == {"value": 1, "sample": 1}
    assert value(r, "tenant", "tenant", JUNE, "tickets_created") == 4  # T1..T4


def test_nps_without_a_team_falls_back_to_the_rating_owner_s_team_at_rating_time() -> None:
    events = [
        upsert("2026-05-01T00:00", "ag1", "team1"),
        upsert("2026-05-01T00:00", "ag3", "team2"),
        # T1: solved under ag1, ag3 assigned when rated 10 -> owner ag3, team2
        created("2026-06-10T08:00", "T1", assignee="ag1"),
        msg("2026-06-10T08:00", "T1", "cust"),
        msg("2026-06-10T08:30", "T1", "ag1"),
        status("2026-06-10T09:00", "T1", "solved"),
        assigned("2026-06-10T09:30", "T1", "ag3"),
        rated("2026-06-11T09:00", "T1", 10, kind="nps", scale=10),
        # T2: solved under ag1 (ag3 replied), unassigned, rated 2 -> owner ag1, team1
        created("2026-06-10T08:00", "T2", assignee="ag1"),
        msg("2026-06-10T08:00", "T2", "cust"),
        msg("2026-06-10T08:30", "T2", "ag3"),
        status("2026-06-10T09:00", "T2", "solved"),
        assigned("2026-06-10T09:30", "T2", None),
        rated("2026-06-11T09:00", "T2", 2, kind="nps", scale=10),
        # T3: never assigned, ag3 replied, rated 7 -> owner ag3, team2
        created("2026-06-10T08:00", "T3"),
        msg("2026-06-10T08:00", "T3", "cust"),
        msg("2026-06-10T08:30", "T3", "ag3"),
        rated("2026-06-11T09:00", "T3", 7, kind="nps", scale=10),
        # T4: ticket team teamX at creation, moved to teamY before the rating -> teamY
        created("2026-06-10T08:00", "T4", assignee="ag1", team="teamX"),
        assigned("2026-06-10T09:30", "T4", "ag3", team="teamY"),
        rated("2026-06-11T09:00", "T4", 9, kind="nps", scale=10),
    ]
    r = run(events)
    # team1: T2 detractor -> 100 * (0 - 1) / 1
    assert metric(r, "team", "team1", JUNE, "nps") == {
        "value": -100.0,
        "sample": 1,
        "promoters": 0,
        "detractors": 1,
    }
    # team2: T1 promoter, T3 passive -> 100 * (1 - 0) / 2
    assert metric(r, "team", "team2", JUNE, "nps") == {
        "value": 50.0,
        "sample": 2,
        "promoters": 1,
        "detractors": 0,
    }
    assert value(r, "team", "teamY", JUNE, "nps") == 100.0  # T4, the ticket's team then
    assert metric(r, "team", "teamX", JUNE, "nps") is None
    # tenant: 2 promoters (T1, T4), 1 detractor (T2), 1 passive -> 100 * (2 - 1) / 4
    assert metric(r, "tenant", "tenant", JUNE, "nps") == {
        "value": 25.0,
        "sample": 4,
        "promoters": 2,
        "detractors": 1,
    }
