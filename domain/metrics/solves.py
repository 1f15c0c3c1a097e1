"""What the first solve says: tickets solved, resolution time and its SLA, one-touch,
reopens, replies per ticket and abandoned tickets — all dated by the first solve and
attributed to its assignee (SPEC §4)."""

from __future__ import annotations

from domain.fold import TicketFacts
from domain.metrics.definition import ALL, GROUPS, H, Kind, L, MetricDef, Producer
from domain.samples import Sample, SamplePolicy, duration_sample, sla_sample

BY_SOLVE = "first solve time"
SOLVE_OWNER = "assignee at first solve"

TICKETS_SOLVED = MetricDef(
    "tickets_solved",
    "Tickets solved",
    "tickets",
    Kind.COUNT,
    H,
    ALL,
    BY_SOLVE,
    SOLVE_OWNER,
    "Tickets with their first solve in the period.",
)

RESOLUTION_TIME = MetricDef(
    "resolution_time",
    "Resolution time",
    "seconds",
    Kind.DURATION,
    L,
    ALL,
    BY_SOLVE,
    SOLVE_OWNER,
    "Ticket creation to its first solve.",
)

SLA_RESOLUTION = MetricDef(
    "sla_resolution",
    "Resolution SLA",
    "ratio",
    Kind.RATE,
    H,
    ALL,
    BY_SOLVE,
    SOLVE_OWNER,
    "Share of first solves within the tenant's resolution target for the ticket's "
    "channel (in the basis the tenant sets).",
)

ONE_TOUCH_RATE = MetricDef(
    "one_touch_rate",
    "One-touch resolution",
    "ratio",
    Kind.RATE,
    H,
    ALL,
    BY_SOLVE,
    SOLVE_OWNER,
    "Share of first-solved tickets with exactly one public agent reply before the first solve.",
)

REOPEN_RATE = MetricDef(
    "reopen_rate",
    "Reopen rate",
    "ratio",
    Kind.RATE,
    L,
    ALL,
    BY_SOLVE,
    SOLVE_OWNER,
    "Share of first-solved tickets reopened at any later time.",
)

REPLIES_PER_TICKET = MetricDef(
    "replies_per_ticket",
    "Replies per ticket",
    "replies",
    Kind.MEAN,
    L,
    ALL,
    BY_SOLVE,
    SOLVE_OWNER,
    "Mean public agent replies before the first solve, over first-solved tickets.",
)

ABANDONED_RATE = MetricDef(
    "abandoned_rate",
    "Abandoned rate",
    "ratio",
    Kind.RATE,
    L,
    GROUPS,
    BY_SOLVE,
    "—",
    "Share of first-solved tickets with no public agent reply at all.",
)


def solves(facts: TicketFacts, policy: SamplePolicy) -> list[Sample]:
    solve = facts.first_solve
    if solve is None:
        return []
    at, agent, team = solve.at, solve.assignee, solve.team
    stratum = facts.stratum_at(at)
    replies = facts.replies_before_first_solve
    out = [
        Sample(metric, at, agent, team, value, None, *stratum)
        for metric, value in (
            ("tickets_solved", 1.0),
            ("one_touch_rate", float(replies == 1)),
            ("reopen_rate", float(bool(facts.reopens))),
            ("replies_per_ticket", float(replies)),
            ("abandoned_rate", float(not facts.replies)),
        )
    ]
    if facts.created_at is not None:
        resolution = duration_sample(
            "resolution_time",
            facts.created_at,
            at,
            agent=agent,
            team=team,
            stratum=stratum,
            policy=policy,
        )
        out.append(resolution)
        out += sla_sample("sla_resolution", target="resolution", duration=resolution, policy=policy)
    return out


SOLVES = Producer(
    (
        "tickets_solved",
        "one_touch_rate",
        "reopen_rate",
        "replies_per_ticket",
        "abandoned_rate",
        "resolution_time",
        "sla_resolution",
    ),
    solves,
)
