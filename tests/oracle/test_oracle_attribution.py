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
