"""A Zendesk ticket's whole life through the webhook adapter, as Fairscore sees it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from domain.events import TicketMessage, TicketRated, TicketStatusChanged, parse_event
from infra.sources.base import InboundRequest
from infra.sources.zendesk import ZendeskAdapter
from tests.unit.sources import zendesk_builders as zd
from tests.unit.sources.helpdesk_support import canonical

adapter = ZendeskAdapter()
RECEIVED = datetime(2025, 3, 4, 8, 16, tzinfo=UTC)


def deliver(payload: dict[str, Any]) -> list[dict[str, Any]]:
    body = json.dumps(payload).encode()
    return canonical(adapter.decode(InboundRequest({}, body, RECEIVED), payload))


def all_events() -> list[dict[str, Any]]:
    return [event for payload in zd.lifecycle() for event in deliver(payload)]


def test_lifecycle_maps_to_the_canonical_story() -> None:
    story = [(e["type"], e["id"]) for e in all_events()]
    assert story == [
        ("ticket.created", "ticket:7001:created"),
        ("ticket.message", "ticket:7001:opening"),  # the description, from ticket.created
        ("ticket.message", "comment:1001"),  # the same words, if Zendesk also sends them
        ("ticket.message", "comment:1002"),
        ("agent.upserted", story[4][1]),
        ("ticket.status_changed", "ticket:7001:status:solved:2025-03-03T09:42:10Z"),
        ("ticket.rated", "ticket:7001:csat:good:2025-03-04T08:15Z"),
        ("agent.upserted", story[7][1]),
    ]
    assert story[4][1].startswith("agent:901:")


def test_lifecycle_carries_what_the_kpis_need() -> None:
    events = [parse_event(e) for e in all_events()]
    opening, customer, reply = (e for e in events if isinstance(e, TicketMessage))
    assert (opening.author_type, opening.author_id) == ("customer", "501")
    (solve,) = (e for e in events if isinstance(e, TicketStatusChanged))
    (rating,) = (e for e in events if isinstance(e, TicketRated))
    assert (customer.author_type, customer.public) == ("customer", True)
    assert (reply.author_type, reply.author_id, reply.public) == ("agent", "901", True)
    assert (reply.occurred_at - customer.occurred_at).total_seconds() == 2530.3
    assert solve.status == "solved" and solve.occurred_at > reply.occurred_at
    assert (rating.score / rating.scale_max, rating.comment) == (1.0, "Thanks!")
    assert rating.occurred_at == datetime(2025, 3, 4, 8, 15, tzinfo=UTC)


def test_the_agent_is_named_identically_by_comment_and_trigger() -> None:
    upserts = [e for e in all_events() if e["type"] == "agent.upserted"]
    assert {e["agent_id"] for e in upserts} == {"901"}
    assert upserts[1]["email"] == "person2@example.com"


def test_redelivering_everything_changes_no_id() -> None:
    assert all_events() == all_events()
