"""Hand-made ticket histories for the SPEC §4 tests, and short ways to read their results.

Times are minutes after `tests.factories.T0` (Monday 2026-03-02 09:00 UTC) unless a test
says otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from domain.fold import TicketFacts, fold
from domain.metrics import ticket_samples
from domain.samples import Sample, SamplePolicy
from tests.factories import Ticket
from tests.support.compare import in_memory

MINUTE = 60
DAY = 24 * 60
MON, TUE, WED = "2026-03-02", "2026-03-03", "2026-03-04"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def facts(ticket: Ticket) -> TicketFacts:
    events: list[Any] = ticket.parsed()
    return fold(ticket.ticket_id, events)


def samples_of(ticket: Ticket, metric: str, *, policy: SamplePolicy | None = None) -> list[Sample]:
    return [s for s in ticket_samples(facts(ticket), policy) if s.metric == metric]


Table = dict[str, Any]


def table(
    *tickets: Ticket,
    extra: Iterable[dict[str, Any]] = (),
    timezone: str = "UTC",
    grain: str = "DAY",
) -> Table:
    """The whole domain pipeline (no database) over these histories; UTC days by default."""
    events = [e for t in tickets for e in t.events] + list(extra)
    return in_memory(events, timezone=timezone, grain=grain)


def entry(
    result: Table,
    metric: str,
    *,
    level: str = "tenant",
    subject: str = "tenant",
    period: str = "2026-03-02",
) -> dict[str, Any] | None:
    """One metric's {value, sample, mean, p90}, or None when it is null there."""
    found: dict[str, Any] | None = result[level].get(subject, {}).get(period, {}).get(metric)
    return found


def value(result: Table, metric: str, **where: str) -> tuple[float, int] | None:
    """One metric's (value, sample size), or None when it is null there."""
    found = entry(result, metric, **where)
    return None if found is None else (found["value"], found["sample"])
