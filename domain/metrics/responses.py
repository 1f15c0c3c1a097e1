"""Responsiveness: first response time and its SLA, and reply time."""

from __future__ import annotations

from domain.fold import TicketFacts
from domain.metrics.definition import ALL, H, Kind, L, MetricDef, Producer
from domain.samples import Sample, SamplePolicy, duration_sample, sla_sample

FIRST_RESPONSE_TIME = MetricDef(
    "first_response_time",
    "First response time",
    "seconds",
    Kind.DURATION,
    L,
    ALL,
    "reply time",
    "author of the first public agent reply",
    "Ticket creation to the first public agent reply; outbound tickets have none.",
)

SLA_FIRST_RESPONSE = MetricDef(
    "sla_first_response",
    "First response SLA",
    "ratio",
    Kind.RATE,
    H,
    ALL,
    "reply time",
    "author of the first public agent reply",
    "Share of first responses within the tenant's first-response target for the "
    "ticket's channel (targets per channel, in the basis the tenant sets).",
)

REPLY_TIME = MetricDef(
    "reply_time",
    "Reply time",
    "seconds",
    Kind.DURATION,
    L,
    ALL,
    "reply time",
    "replying agent",
    "For each later public agent reply that answers customer messages: the earliest "
    "unanswered customer message to that reply.",
)


def responses(facts: TicketFacts, policy: SamplePolicy) -> list[Sample]:
    """The first reply's time from creation (and whether it met the SLA), then each later
    reply that answers customers, timed from the earliest message it answers."""
    out: list[Sample] = []
    first = facts.first_reply
    if first is not None and facts.created_at is not None:
        frt = duration_sample(
            "first_response_time",
            facts.created_at,
            first.at,
            agent=first.agent,
            team=first.team,
            stratum=facts.stratum_at(first.at),
            policy=policy,
        )
        out.append(frt)
        out += sla_sample(
            "sla_first_response", target="first_response", duration=frt, policy=policy
        )
    for reply in facts.replies:
        if reply.waited_since is not None:
            out.append(
                duration_sample(
                    "reply_time",
                    reply.waited_since,
                    reply.at,
                    agent=reply.agent,
                    team=reply.team,
                    stratum=facts.stratum_at(reply.at),
                    policy=policy,
                )
            )
    return out


RESPONSES = Producer(("first_response_time", "sla_first_response", "reply_time"), responses)
