"""The metric dictionary (SPEC §4): one definition per metric, used everywhere.

Each metric lives in one module of this package beside the function that produces its
samples — `volume`, `responses` (and its SLA), `solves`, `ratings`, `workload`, `reviews`;
a derived metric's formula is in `domain.values`. This module assembles them: the
published order of the definitions, and the producers in the order they run. The API
publishes the entries as they are; the roll-up's SQL (its aggregation hints), validation
of KPI models and the explanation of a score all read the same objects.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from domain.fold import TicketFacts
from domain.metrics import ratings, responses, reviews, solves, volume, workload
from domain.metrics.definition import (
    Basis,
    Direction,
    Kind,
    Level,
    MetricDef,
    Producer,
    Statistic,
    Stream,
)
from domain.samples import Sample, SamplePolicy

__all__ = [
    "BY_KEY",
    "DEFINITIONS",
    "PRODUCERS",
    "STREAMS",
    "TICKET_PRODUCERS",
    "Basis",
    "Direction",
    "Kind",
    "Level",
    "MetricDef",
    "Producer",
    "Statistic",
    "Stream",
    "distinct_ticket_streams",
    "duration_streams",
    "get",
    "producer_of",
    "ticket_samples",
]

# The order the API, docs/metrics.md and every metric set list them in.
DEFINITIONS: tuple[MetricDef, ...] = (
    volume.TICKETS_CREATED,
    solves.TICKETS_SOLVED,
    responses.FIRST_RESPONSE_TIME,
    responses.REPLY_TIME,
    solves.RESOLUTION_TIME,
    solves.ONE_TOUCH_RATE,
    solves.REOPEN_RATE,
    solves.REPLIES_PER_TICKET,
    solves.ABANDONED_RATE,
    ratings.CSAT,
    ratings.CSAT_RESPONSE_RATE,
    ratings.CSAT_COMMENT_RATE,
    ratings.CES,
    ratings.NPS,
    workload.CONVERSATIONS_PER_HOUR,
    workload.HANDLE_TIME,
    reviews.QA_SCORE,
    reviews.REVIEWS_GIVEN,
    responses.SLA_FIRST_RESPONSE,
    solves.SLA_RESOLUTION,
    volume.CONTACT_RATIO,
)

BY_KEY: dict[str, MetricDef] = {d.key: d for d in DEFINITIONS}

# Streams that are not metrics but inputs of derived ones.
STREAMS: tuple[Stream, ...] = (workload.ASSIGNMENT, workload.ACTIVITY)

TicketProducer = Producer[Callable[[TicketFacts, SamplePolicy], list[Sample]]]

# Run in this order on every re-fold; a sample's position is its stored `seq`.
TICKET_PRODUCERS: tuple[TicketProducer, ...] = (
    volume.CREATED,
    responses.RESPONSES,
    solves.SOLVES,
    ratings.RATINGS,
    workload.ASSIGNMENTS,
    workload.HANDLING,
)

# Every producer: of ticket facts, of an agent's activity spans, of a review.
PRODUCERS: tuple[Producer[Any], ...] = (
    *TICKET_PRODUCERS,
    workload.ACTIVITY_SPANS,
    reviews.REVIEWS,
)

_PRODUCER_OF: dict[str, Producer[Any]] = {s: p for p in PRODUCERS for s in p.streams}


def get(key: str) -> MetricDef:
    try:
        return BY_KEY[key]
    except KeyError:
        raise KeyError(f"unknown metric {key!r}") from None


def producer_of(stream: str) -> Producer[Any] | None:
    """The producer of a metric's or a stream's samples; None for a derived metric."""
    return _PRODUCER_OF.get(stream)


def ticket_samples(facts: TicketFacts, policy: SamplePolicy | None = None) -> list[Sample]:
    """Every registered ticket producer's samples of one folded ticket."""
    policy = policy or SamplePolicy()
    return [sample for p in TICKET_PRODUCERS for sample in p.produce(facts, policy)]


def duration_streams() -> tuple[str, ...]:
    """Streams whose roll-up pays for percentiles (median, p90), in both bases."""
    return tuple(d.key for d in DEFINITIONS if d.is_duration)


def distinct_ticket_streams() -> tuple[str, ...]:
    """Streams whose roll-up also counts distinct tickets (sample origins)."""
    streams: list[MetricDef | Stream] = [*STREAMS, *DEFINITIONS]
    return tuple(s.key for s in streams if s.distinct_tickets)
