"""Ticket volume: tickets created, and contact ratio (created per active user)."""

from __future__ import annotations

from domain.fold import TicketFacts
from domain.metrics.definition import GROUPS, Kind, L, Level, MetricDef, N, Producer
from domain.samples import Sample, SamplePolicy

TICKETS_CREATED = MetricDef(
    "tickets_created",
    "Tickets created",
    "tickets",
    Kind.COUNT,
    N,
    GROUPS,
    "creation time",
    "—",
    "Tickets created in the period.",
)

# Derived in domain.values from tickets_created and the admin-entered active users.
CONTACT_RATIO = MetricDef(
    "contact_ratio",
    "Contact ratio",
    "ratio",
    Kind.DERIVED,
    L,
    (Level.TENANT,),
    "creation time",
    "—",
    "Tickets created / active users of the tenant's product in the period (set by an "
    "admin with setActiveUsers).",
)


def created(facts: TicketFacts, policy: SamplePolicy) -> list[Sample]:
    """One sample at creation, for the assignee and team the ticket was created with."""
    at = facts.created_at
    if at is None:
        return []
    stratum = facts.stratum_at(at)
    return [
        Sample(
            "tickets_created", at, facts.created_assignee, facts.created_team, 1.0, None, *stratum
        )
    ]


CREATED = Producer(("tickets_created",), created)
