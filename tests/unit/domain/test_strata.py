"""A ticket's channel and priority at a time (SPEC §8; docs/metrics.md "Channel and
priority at time T"): every observation carries the ticket's stratum at its own time."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.event_fields import EventError
from domain.events import Priority, TicketUpdated, format_time, parse_event
from domain.fold import fold
from domain.metrics import ticket_samples
from domain.samples import SamplePolicy, SlaTargets, Stratum
from tests.factories import Ticket, at
from tests.unit.domain.histories import facts, samples_of
from tests.unit.domain.test_order_independence import delivered_messily, ticket_events


def strata(t: Ticket, metric: str) -> list[tuple[str | None, str | None]]:
    return [(s.channel, s.priority) for s in samples_of(t, metric)]


# --- the event ---------------------------------------------------------------------------


def test_ticket_created_takes_an_optional_priority_of_four() -> None:
    base = {"id": "e1", "occurred_at": "2026-03-02T09:00:00Z", "ticket_id": "T1"}
    created = {**base, "type": "ticket.created", "channel": "email", "requester_id": "c"}
    assert parse_event(created).priority is None  # type: ignore[union-attr]
    assert parse_event({**created, "priority": "urgent"}).priority is Priority.URGENT  # type: ignore[union-attr]
    with pytest.raises(
        EventError, match=re.escape("'priority' must be one of low|normal|high|urgent, got 'p1'")
    ):
        parse_event({**created, "priority": "p1"})


def test_ticket_updated_needs_a_channel_or_a_priority() -> None:
    base = {"id": "e2", "type": "ticket.updated", "occurred_at": "2026-03-02T09:00:00Z"}
    update = parse_event({**base, "ticket_id": "T1", "priority": "high"})
    assert update == TicketUpdated("e2", update.occurred_at, "T1", None, Priority.HIGH)
    assert parse_event({**base, "ticket_id": "T1", "channel": "phone"}).channel == "phone"  # type: ignore[union-attr]
    with pytest.raises(EventError, match="'channel' or 'priority' is required"):
        parse_event({**base, "ticket_id": "T1", "priority": None})
    with pytest.raises(EventError, match="'priority' must be one of"):
        parse_event({**base, "ticket_id": "T1", "priority": "critical"})


# --- the rule ----------------------------------------------------------------------------


def test_every_observation_has_the_stratum_the_ticket_was_created_with() -> None:
    t = Ticket().created(0, channel="chat", priority="high", assignee="a1").customer(1)
    t.agent(5, "a1").solve(10).rate(20, 5)
    samples = ticket_samples(facts(t))
    assert {s.metric for s in samples} >= {"tickets_created", "first_response_time", "csat"}
    assert {(s.channel, s.priority) for s in samples} == {("chat", "high")}


def test_an_update_changes_the_stratum_from_its_time_on_only() -> None:
    t = Ticket().created(0, channel="email", priority="low").customer(1).agent(10, "a1")
    t.updated(20, priority="urgent").customer(30).agent(40, "a1").updated(50, channel="phone")
    t.solve(60)
    assert strata(t, "tickets_created") == [("email", "low")]
    assert strata(t, "first_response_time") == [("email", "low")]
    assert strata(t, "reply_time") == [("email", "urgent")]
    assert strata(t, "resolution_time") == [("phone", "urgent")]  # the update kept the priority
    f = facts(t)
    assert (f.channel, f.priority) == ("phone", "urgent")  # the ticket's current ones


def test_an_update_at_the_same_instant_counts_before_the_observation() -> None:
    t = (
        Ticket()
        .created(0, channel="email")
        .customer(1)
        .agent(10, "a1")
        .updated(10, priority="high")
    )
    assert strata(t, "first_response_time") == [("email", "high")]


def test_an_update_at_the_creation_instant_overrides_the_creation() -> None:
    t = Ticket().created(0, priority="low").updated(0, priority="urgent")
    assert strata(t, "tickets_created") == [("email", "urgent")]


def test_same_instant_updates_resolve_by_event_id_whatever_the_delivery_order() -> None:
    t = Ticket().created(0).updated(5, priority="low").updated(5, priority="high").solve(5)
    expected = [s for s in ticket_samples(fold("T1", t.parsed()))]
    assert ticket_samples(fold("T1", list(reversed(t.parsed())))) == expected
    last_by_id = max(t.events[1:3], key=lambda e: e["id"])["priority"]
    assert strata(t, "tickets_solved") == [("email", last_by_id)]


def test_a_repeated_ticket_created_does_not_restate_the_stratum() -> None:
    t = Ticket().created(0, channel="chat", priority="low")
    t.created(30, channel="phone", priority="urgent").solve(40)
    assert strata(t, "tickets_solved") == [("chat", "low")]


def test_an_observation_before_the_first_statement_takes_the_first_statement() -> None:
    t = Ticket().customer(-5).agent(-2, "a1").created(0, channel="chat", priority="normal")
    t.updated(30, priority="high").solve(60)
    f = facts(t)
    assert f.stratum_at(at(-10)) == Stratum("chat", "normal")
    assert f.stratum_at(at(30)) == Stratum("chat", "high")


def test_a_ticket_never_created_or_updated_has_no_stratum() -> None:
    t = Ticket().customer(0).agent(5, "a1").solve(10)
    assert set(strata(t, "tickets_solved")) == {(None, None)}


def test_a_ticket_known_only_from_updates_has_their_stratum() -> None:
    t = Ticket().updated(0, priority="urgent").customer(0).agent(5, "a1").solve(10)
    assert strata(t, "tickets_solved") == [(None, "urgent")]


def test_the_sla_target_is_the_channel_s_at_the_observation() -> None:
    sla = SlaTargets(first_response={"chat": 300, "*": 3600})
    t = Ticket().created(0, channel="email").customer(0).updated(2, channel="chat")
    t.agent(10, "a1")
    met = samples_of(t, "sla_first_response", policy=SamplePolicy(sla=sla))
    assert [(s.value, s.channel) for s in met] == [(0.0, "chat")]  # 10 min > chat's 5


# --- order independence ------------------------------------------------------------------

BASE = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
PRIORITIES = (None, "low", "normal", "high", "urgent")


@st.composite
def stratified_ticket(draw: st.DrawFn) -> list[dict[str, Any]]:
    """A random history (test_order_independence's) with priorities and updates on a
    coarse time grid, so updates tie with each other and with other events."""
    events = draw(ticket_events("T1"))
    for event in events:
        if event["type"] == "ticket.created":
            event["priority"] = draw(st.sampled_from(PRIORITIES))
    for n in range(draw(st.integers(0, 4))):
        minutes = draw(st.integers(-60, 60 * 24 * 40).map(lambda m: m - m % 30))
        channel = draw(st.sampled_from((None, "chat", "phone")))
        priority = draw(st.sampled_from(PRIORITIES[1:] if channel is None else PRIORITIES))
        events.append(
            {
                "id": f"T1-u{n}",
                "type": "ticket.updated",
                "occurred_at": format_time(BASE + timedelta(minutes=minutes)),
                "ticket_id": "T1",
                "channel": channel,
                "priority": priority,
            }
        )
    return events


def stated_at(events: list[dict[str, Any]], when: datetime) -> Stratum:
    """The rule, independently: per field, the latest statement at or before `when` (the
    first ticket.created states both, updates what they carry), else the earliest."""
    created = sorted((e for e in events if e["type"] == "ticket.created"), key=_order)[:1]
    statements = sorted(created + [e for e in events if e["type"] == "ticket.updated"], key=_order)
    if not statements:
        return Stratum(None, None)
    upto = [e for e in statements if parse_event(e).occurred_at <= when] or statements[:1]
    channel = next((e["channel"] for e in reversed(upto) if e.get("channel")), None)
    priority = next((e["priority"] for e in reversed(upto) if e.get("priority")), None)
    return Stratum(channel, priority)


def _order(event: dict[str, Any]) -> tuple[datetime, int, str]:
    return (parse_event(event).occurred_at, event["type"] == "ticket.updated", event["id"])


PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(stratified_ticket(), st.integers(0, 2**32))
def test_late_repeated_and_shuffled_deliveries_give_the_same_stratified_samples(
    events: list[dict[str, Any]], seed: int
) -> None:
    clean = sorted(events, key=_order)
    messy = delivered_messily(events, seed)
    policy = SamplePolicy(sla=SlaTargets(first_response={"chat": 600, "*": 3600}))
    expected = ticket_samples(fold("T1", [parse_event(e) for e in clean]), policy)
    assert ticket_samples(fold("T1", [parse_event(e) for e in messy]), policy) == expected


@PROPERTY
@given(stratified_ticket())
def test_every_sample_has_the_stratum_stated_last_at_or_before_its_time(
    events: list[dict[str, Any]],
) -> None:
    samples = ticket_samples(fold("T1", [parse_event(e) for e in events]))
    for sample in samples:
        assert (sample.channel, sample.priority) == stated_at(events, sample.at), sample
