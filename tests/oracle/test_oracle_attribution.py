"""The oracle on tiny hand-computed histories: ratings, attribution, activity, periods."""

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
    upsert,
    value,
)


def test_re_rating_only_latest_rating_counts_in_its_own_period() -> None:
    events = [
        created("2026-06-20T08:00", "T1", assignee="ag1"),
        msg("2026-06-20T08:00", "T1", "cust"),
        msg("2026-06-20T09:00", "T1", "ag1"),
        status("2026-06-20T10:00", "T1", "solved"),
        rated("2026-06-21T10:00", "T1", 2, comment="meh"),
        rated("2026-07-01T10:00", "T1", 4),  # re-rated in July: 4/5 = 0.8 -> positive
        rated("2026-06-25T10:00", "T1", 9, kind="nps", scale=10),
        rated("2026-06-26T10:00", "T1", 6, kind="nps", scale=10),  # latest nps: detractor
        rated("2026-06-22T10:00", "T1", 3, kind="ces", scale=7),
    ]
    r = run(events)
    assert metric(r, "agent", "ag1", JUNE, "csat") is None
    assert metric(r, "agent", "ag1", JUNE, "csat_comment_rate") is None
    assert value(r, "agent", "ag1", JUNE, "csat_response_rate") == 0.0
    assert metric(r, "agent", "ag1", JULY, "csat") == {"value": 1.0, "sample": 1, "positives": 1}
    assert value(r, "agent", "ag1", JULY, "csat_comment_rate") == 0.0
    # rated in July but nothing solved in July: null
    assert metric(r, "agent", "ag1", JULY, "csat_response_rate") is None
    assert value(r, "tenant", "tenant", JUNE, "nps") == -100.0
    assert metric(r, "agent", "ag1", JUNE, "nps") is None  # nps has no agent level
    assert metric(r, "agent", "ag1", JUNE, "ces") == {"value": 3.0, "sample": 1}


def test_rating_owner_fallbacks() -> None:
    events = [
        upsert("2026-05-01T00:00", "ag1", "team1"),
        upsert("2026-05-01T00:00", "ag2", "team2"),
        upsert("2026-05-01T00:00", "ag3", "team3"),
        # T1: unassigned after the solve -> owner = assignee at the latest solve before (ag2)
        created("2026-06-05T08:00", "T1", assignee="ag1"),
        msg("2026-06-05T08:00", "T1", "cust"),
        msg("2026-06-05T09:00", "T1", "ag1"),
        assigned("2026-06-05T09:30", "T1", "ag2"),
        status("2026-06-05T10:00", "T1", "solved"),
        assigned("2026-06-05T10:01", "T1", None),
        rated("2026-06-06T10:00", "T1", 5, comment="great"),
        # T2: never assigned -> owner = last public agent replier before the rating (ag3)
        created("2026-06-05T08:00", "T2"),
        msg("2026-06-05T08:00", "T2", "cust"),
        msg("2026-06-05T09:00", "T2", "ag1"),
        msg("2026-06-05T09:10", "T2", "ag3"),
        msg("2026-06-05T09:20", "T2", "ag1", public=False),
        status("2026-06-05T10:00", "T2", "solved"),
        rated("2026-06-06T10:00", "T2", 1),
        msg("2026-06-07T10:00", "T2", "ag1"),  # after the rating: irrelevant
        # T3: assignee at rating time wins (ag3, assigned after the solve by ag1)
        created("2026-06-05T08:00", "T3", assignee="ag1"),
        msg("2026-06-05T08:00", "T3", "cust"),
        msg("2026-06-05T09:00", "T3", "ag1"),
        status("2026-06-05T10:00", "T3", "solved"),
        assigned("2026-06-05T11:00", "T3", "ag3"),
        rated("2026-06-06T10:00", "T3", 4),
        # T4: unassigned, solved without assignee and without any reply: team/tenant only
        created("2026-06-05T08:00", "T4", team="team9"),
        msg("2026-06-05T08:00", "T4", "cust"),
        status("2026-06-05T10:00", "T4", "solved"),
        rated("2026-06-06T10:00", "T4", 3),
    ]
    r = run(events)
    assert metric(r, "agent", "ag2", JUNE, "csat") == {"value": 1.0, "sample": 1, "positives": 1}
    assert value(r, "agent", "ag2", JUNE, "csat_comment_rate") == 1.0
    assert metric(r, "agent", "ag3", JUNE, "csat") == {"value": 0.5, "sample": 2, "positives": 1}
    assert metric(r, "agent", "ag1", JUNE, "csat") is None
    # teams: no ticket team on T1..T3, so the owner's team; T4 has its own team
    assert value(r, "team", "team2", JUNE, "csat") == 1.0
    assert value(r, "team", "team3", JUNE, "csat") == 0.5
    assert value(r, "team", "team9", JUNE, "csat") == 0.0
    assert metric(r, "tenant", "tenant", JUNE, "csat") == {
        "value": 0.5,
        "sample": 4,
        "positives": 2,
    }
    # solved: T1 by ag2, T2 nobody, T3 ag1, T4 nobody
    assert value(r, "agent", "ag2", JUNE, "tickets_solved") == 1
    assert value(r, "agent", "ag1", JUNE, "tickets_solved") == 1
    assert value(r, "tenant", "tenant", JUNE, "tickets_solved") == 4
    assert value(r, "tenant", "tenant", JUNE, "abandoned_rate") == 0.25
    assert value(r, "team", "team9", JUNE, "abandoned_rate") == 1.0
    assert value(r, "team", "team1", JUNE, "tickets_created") == 2  # T1, T3 via assignee's team


def test_ticket_without_created_event_has_no_creation_based_metrics() -> None:
    events = [
        upsert("2026-05-01T00:00", "ag1", "team1"),
        msg("2026-06-05T08:00", "T1", "cust"),
        assigned("2026-06-05T08:05", "T1", "ag1"),
        msg("2026-06-05T09:00", "T1", "ag1"),
        msg("2026-06-05T10:00", "T1", "cust"),
        msg("2026-06-05T10:30", "T1", "ag1"),
        status("2026-06-05T11:00", "T1", "solved"),
    ]
    r = run(events)
    june = r["agent"]["ag1"][JUNE]
    assert "first_response_time" not in june
    assert "resolution_time" not in june
    assert june["reply_time"]["value"] == 1800.0
    assert june["tickets_solved"] == {"value": 1, "sample": 1}
    # no ticket.created: nothing created, so the listed team counts 0 (SPEC §4)
    assert r["team"]["team1"][JUNE]["tickets_created"] == {"value": 0, "sample": 0}
    assert r["team"]["team1"][JUNE]["tickets_solved"]["value"] == 1


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


def test_conversations_per_hour_and_handle_time() -> None:
    def activity(agent: str, start: str, end: str) -> dict:
        return ev(
            "agent.activity",
            end,
            agent_id=agent,
            started_at=f"{start}:00Z",
            ended_at=f"{end}:00Z",
        )

    def handled(at: str, ticket: str, agent: str, seconds: int) -> dict:
        return ev("ticket.handled", at, ticket_id=ticket, agent_id=agent, seconds=seconds)

    events = [
        upsert("2026-05-01T00:00", "ag1", "team1"),
        upsert("2026-05-01T00:00", "ag2", "team1"),
        created("2026-06-10T08:00", "T1", assignee="ag1"),
        assigned("2026-06-10T09:00", "T1", "ag1"),  # same ticket again: counted once
        created("2026-06-10T08:00", "T2"),
        assigned("2026-06-10T08:30", "T2", "ag1"),
        assigned("2026-06-10T08:40", "T2", "ag2"),
        created("2026-06-10T08:00", "T3"),
        assigned("2026-06-10T08:30", "T3", "ag1"),
        assigned("2026-06-10T08:35", "T3", None),
        activity("ag1", "2026-06-10T07:00", "2026-06-10T08:30"),
        activity("ag1", "2026-06-10T08:00", "2026-06-10T09:00"),  # overlaps: merged -> 2 h
        activity("ag2", "2026-06-30T21:00", "2026-06-30T23:00"),  # 1 h in June, 1 h in July
        handled("2026-06-10T09:00", "T1", "ag1", 100),
        handled("2026-06-10T09:10", "T1", "ag1", 50),
        handled("2026-06-10T09:20", "T2", "ag1", 30),
        handled("2026-06-10T09:30", "T2", "ag2", 60),
    ]
    r = run(events)
    assert metric(r, "agent", "ag1", JUNE, "conversations_per_hour") == {
        "value": 1.5,
        "sample": 3,
        "tickets": 3,
        "hours": 2.0,
    }
    assert value(r, "agent", "ag2", JUNE, "conversations_per_hour") == 1.0
    assert metric(r, "agent", "ag2", JULY, "conversations_per_hour") == {
        "value": 0.0,
        "sample": 0,
        "tickets": 0,
        "hours": 1.0,
    }
    assert value(r, "team", "team1", JUNE, "conversations_per_hour") == 1.0  # 3 tickets / 3 h
    assert metric(r, "tenant", "tenant", JUNE, "conversations_per_hour") is None
    assert metric(r, "agent", "ag1", JUNE, "handle_time") == {"value": 90.0, "sample": 2}
    assert metric(r, "team", "team1", JUNE, "handle_time") == {"value": 120.0, "sample": 2}


def test_periods_are_local_calendar_periods() -> None:
    events = [
        # 2026-03-31 22:30 UTC = 2026-04-01 00:30 in Berlin (CEST): April, Q2, week of Mar 30
        created("2026-03-31T22:30", "T1", team="team1"),
        # 2026-03-29 00:30 UTC = 01:30 CET on Sunday 29 March: week starting Monday 23 March
        created("2026-03-29T00:30", "T2", team="team1"),
    ]
    r = run(events, grain="MONTH")
    assert set(r["tenant"]["tenant"]) == {"2026-03-01", "2026-04-01"}
    assert set(run(events, grain="QUARTER")["tenant"]["tenant"]) == {"2026-01-01", "2026-04-01"}
    assert set(run(events, grain="WEEK")["tenant"]["tenant"]) == {"2026-03-23", "2026-03-30"}
    assert set(run(events, grain="DAY")["tenant"]["tenant"]) == {"2026-03-29", "2026-04-01"}
    assert r["agent"] == {}


def test_nps_scores() -> None:
    events = []
    for i, score in enumerate([10, 9, 7, 3]):
        events.append(created("2026-06-01T08:00", f"N{i}", team="team1"))
        events.append(rated("2026-06-02T08:00", f"N{i}", score, kind="nps", scale=10))
    r = run(events)
    assert metric(r, "team", "team1", JUNE, "nps") == {
        "value": 25.0,
        "sample": 4,
        "promoters": 2,
        "detractors": 1,
    }


def test_solved_to_closed_is_not_a_solve_for_the_rating_owner() -> None:
    # The latest solve before the rating is the change to "solved" (ag1 assigned), not the
    # later solved -> closed done while ag2 held the ticket.
    events = [
        created("2026-06-10T08:00", "T1", assignee="ag1"),
        msg("2026-06-10T08:00", "T1", "cust"),
        msg("2026-06-10T08:30", "T1", "ag1"),
        status("2026-06-10T09:00", "T1", "solved"),
        assigned("2026-06-11T09:00", "T1", "ag2"),
        status("2026-06-12T09:00", "T1", "closed"),
        assigned("2026-06-12T09:05", "T1", None),
        rated("2026-06-13T09:00", "T1", 5),
    ]
    r = run(events)
    assert value(r, "agent", "ag1", JUNE, "csat") == 1.0
    assert metric(r, "agent", "ag2", JUNE, "csat") is None


def test_a_listed_subject_with_nothing_counted_has_the_count_0() -> None:
    """SPEC §4: counts are 0 (sample size 0) where other metrics are null; a subject with
    nothing at all in a period is not listed."""
    events = [
        upsert("2026-05-01T00:00", "ag2", "team2"),
        created("2026-05-30T08:00", "T1", assignee="ag1", team="team1"),
        msg("2026-05-30T08:00", "T1", "cust"),
        msg("2026-06-02T09:00", "T1", "ag2"),  # ag2's first reply in June, no solve
    ]
    r = run(events)
    assert metric(r, "agent", "ag2", JUNE, "tickets_solved") == {"value": 0, "sample": 0}
    assert metric(r, "tenant", "tenant", JUNE, "tickets_created") == {"value": 0, "sample": 0}
    assert metric(r, "team", "team1", JUNE, "tickets_solved") == {"value": 0, "sample": 0}
    assert metric(r, "team", "team1", JUNE, "first_response_time") is not None
    assert metric(r, "tenant", "tenant", JUNE, "resolution_time") is None  # not a count
    assert "ag1" not in r["agent"]  # ag1 has nothing in any period: not listed
    assert "tickets_created" not in r["agent"]["ag2"][JUNE]  # no agent level


# --- SPEC §4 clarifications (issue 10 item 7) -------------------------------------------


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
