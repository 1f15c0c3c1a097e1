"""Stories that pin SPEC §4's clarifications, with hand-computed monthly values.

- handle_time above agent level is one observation per ticket: the summed `ticket.handled`
  seconds of the level's agents on that ticket;
- tickets_created / nps on a ticket without a team fall back to the team of the assignee at
  creation / of the rating owner at the rating time;
- a ticket with a team gives both metrics the ticket's team at that time.

Agents: a1 and a2 in team t1, a3 in team t2 (nobody moves). Every event falls on Monday
2026-03-02 (`tests.factories.T0` + minutes), so each story is one day, week, month and quarter.
"""

from __future__ import annotations

from typing import Any

from tests.factories import Ticket, agent_profile

MONTH = "2026-03-01"
Events = list[dict[str, Any]]
# (level, subject, metric) -> (value, sample), in MONTH; None = null (subject absent or no data)
Expected = dict[tuple[str, str, str], tuple[float, int] | None]


def profiles() -> Events:
    return [
        agent_profile("a1", team="t1"),
        agent_profile("a2", team="t1"),
        agent_profile("a3", team="t2"),
    ]


def handle_time() -> Events:
    """Tickets without a team. H1: a1 100 s + 50 s, a2 30 s (one team); H2: a1 40 s;
    H3: a1 60 s, a3 120 s + 30 s (two teams)."""
    h1 = Ticket("H1").created(0).handled(10, "a1", 100).handled(20, "a1", 50)
    h1.handled(30, "a2", 30)
    h2 = Ticket("H2").created(0).handled(10, "a1", 40)
    h3 = Ticket("H3").created(0).handled(10, "a1", 60).handled(20, "a3", 120)
    h3.handled(30, "a3", 30)
    return profiles() + h1.events + h2.events + h3.events


HANDLE_TIME: Expected = {
    # a1: H1 150, H2 40, H3 60 -> 250 / 3
    ("agent", "a1", "handle_time"): (250 / 3, 3),
    ("agent", "a2", "handle_time"): (30.0, 1),
    ("agent", "a3", "handle_time"): (150.0, 1),
    # t1: H1 100+50+30 = 180, H2 40, H3 60 (a1's part only) -> 280 / 3
    # (per report it would be 280 / 5, per agent and ticket 280 / 4)
    ("team", "t1", "handle_time"): (280 / 3, 3),
    # t2: H3 120+30 = 150 (a3's part only)
    ("team", "t2", "handle_time"): (150.0, 1),
    # tenant: H1 180, H2 40, H3 60+120+30 = 210 -> 430 / 3 (per agent and ticket: 430 / 5)
    ("tenant", "tenant", "handle_time"): (430 / 3, 3),
}


def created_without_team() -> Events:
    """C1: created assigned to a1, later to a3; C2: created unassigned, later a3;
    C3: created unassigned and assigned to a3 at the same instant."""
    c1 = Ticket("C1").created(0, assignee="a1").assign(30, "a3")
    c2 = Ticket("C2").created(0).assign(30, "a3")
    c3 = Ticket("C3").created(0).assign(0, "a3")
    return profiles() + c1.events + c2.events + c3.events


CREATED_WITHOUT_TEAM: Expected = {
    ("team", "t1", "tickets_created"): (1, 1),  # C1: a1 at creation (not a3 later)
    ("team", "t2", "tickets_created"): (1, 1),  # C3: a3 at the creation instant
    ("tenant", "tenant", "tickets_created"): (3, 3),  # C2 has no team at all: tenant only
}


def nps_without_team() -> Events:
    """N1: a1 solves, a3 holds it when rated 10 -> a3; N2: a1 solves (a3 replied),
    unassigned, rated 3 -> a1 at the solve; N3: never assigned, a3 replied, rated 8 -> a3."""
    n1 = Ticket("N1").created(0, assignee="a1").customer(1).agent(5, "a1").solve(10)
    n1.assign(20, "a3").rate(30, 10, kind="nps", scale_max=10)
    n2 = Ticket("N2").created(0, assignee="a1").customer(1).agent(5, "a3").solve(10)
    n2.assign(20, None).rate(30, 3, kind="nps", scale_max=10)
    n3 = Ticket("N3").created(0).customer(1).agent(5, "a3").solve(10)
    n3.rate(30, 8, kind="nps", scale_max=10)
    return profiles() + n1.events + n2.events + n3.events


NPS_WITHOUT_TEAM: Expected = {
    ("team", "t1", "nps"): (-100.0, 1),  # N2: one detractor
    ("team", "t2", "nps"): (50.0, 2),  # N1 promoter, N3 passive: 100 * (1 - 0) / 2
    ("tenant", "tenant", "nps"): (0.0, 3),  # 100 * (1 - 1) / 3
    ("agent", "a1", "nps"): None,  # nps has no agent level
}


def with_ticket_team() -> Events:
    """W1: team tx, a1 assigned, rated 9; W2: team tx, a1, then moved to a3 in ty, rated 2."""
    w1 = Ticket("W1").created(0, assignee="a1", team="tx").customer(1).agent(5, "a1")
    w1.solve(10).rate(30, 9, kind="nps", scale_max=10)
    w2 = Ticket("W2").created(0, assignee="a1", team="tx").assign(20, "a3", team="ty")
    w2.rate(30, 2, kind="nps", scale_max=10)
    return profiles() + w1.events + w2.events


WITH_TICKET_TEAM: Expected = {
    ("team", "tx", "tickets_created"): (2, 2),  # the ticket's team, not a1's t1
    ("team", "tx", "nps"): (100.0, 1),  # W1: team at the rating is tx
    ("team", "ty", "nps"): (-100.0, 1),  # W2: team at the rating is ty (not tx, not t2)
    ("team", "t1", "tickets_created"): None,  # t1 is not listed at all
    ("team", "t1", "nps"): None,
    ("team", "t2", "nps"): None,
    ("tenant", "tenant", "nps"): (0.0, 2),
}

STORIES: dict[str, tuple[Events, Expected]] = {
    "handle_time": (handle_time(), HANDLE_TIME),
    "created_without_team": (created_without_team(), CREATED_WITHOUT_TEAM),
    "nps_without_team": (nps_without_team(), NPS_WITHOUT_TEAM),
    "with_ticket_team": (with_ticket_team(), WITH_TICKET_TEAM),
}


def found(table: dict[str, Any], level: str, subject: str, metric: str) -> tuple[float, int] | None:
    """(value, sample) of one metric in MONTH from a table in the oracle's shape."""
    entry = table[level].get(subject, {}).get(MONTH, {}).get(metric)
    return None if entry is None else (entry["value"], entry["sample"])


def differences(table: dict[str, Any], expected: Expected) -> list[str]:
    """Every expected (level, subject, metric) the table gets wrong (values to 1e-9)."""
    problems = []
    for (level, subject, metric), want in expected.items():
        got = found(table, level, subject, metric)
        same = (got is None) == (want is None) and (
            got is None or want is None or (abs(got[0] - want[0]) < 1e-9 and got[1] == want[1])
        )
        if not same:
            problems.append(f"{level} {subject} {metric}: got {got}, want {want}")
    return problems
