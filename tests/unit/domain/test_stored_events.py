"""Events read back from the event log decode to what `parse_event` gave on the way in."""

from __future__ import annotations

from typing import Any

import pytest

from domain.events import parse_event, to_json
from domain.stored_events import from_stored

AT = "2026-03-02T09:00:00.250000Z"
RAW: list[dict[str, Any]] = [
    {
        "type": "ticket.created",
        "id": "e1",
        "occurred_at": AT,
        "ticket_id": "T1",
        "channel": "email",
        "requester_id": "c1",
        "team_id": "t1",
    },
    {
        "type": "ticket.message",
        "id": "e2",
        "occurred_at": AT,
        "ticket_id": "T1",
        "message_id": "m1",
        "author_type": "customer",
        "author_id": None,
        "public": True,
    },
    {
        "type": "ticket.assigned",
        "id": "e3",
        "occurred_at": AT,
        "ticket_id": "T1",
        "assignee_id": None,
    },
    {
        "type": "ticket.status_changed",
        "id": "e4",
        "occurred_at": AT,
        "ticket_id": "T1",
        "status": "solved",
    },
    {
        "type": "ticket.rated",
        "id": "e5",
        "occurred_at": AT,
        "ticket_id": "T1",
        "kind": "ces",
        "score": 5,
        "scale_max": 7,
        "comment": "fine",
    },
    {
        "type": "ticket.handled",
        "id": "e6",
        "occurred_at": AT,
        "ticket_id": "T1",
        "agent_id": "a1",
        "seconds": 90,
    },
    {
        "type": "agent.upserted",
        "id": "e7",
        "occurred_at": AT,
        "agent_id": "a1",
        "name": "Ann",
        "email": "ann@example.com",
    },
    {
        "type": "agent.activity",
        "id": "e8",
        "occurred_at": AT,
        "agent_id": "a1",
        "started_at": "2026-03-02T08:00:00Z",
        "ended_at": "2026-03-02T16:30:00Z",
    },
]


@pytest.mark.parametrize("raw", RAW, ids=[r["type"] for r in RAW])
def test_a_stored_event_decodes_to_the_parsed_event(raw: dict[str, Any]) -> None:
    parsed = parse_event(raw)
    stored = from_stored(to_json(parsed))
    assert stored == parsed
    assert [type(getattr(stored, n)) for n in stored.__dataclass_fields__] == [
        type(getattr(parsed, n)) for n in parsed.__dataclass_fields__
    ]


def test_whole_numbers_in_a_stored_payload_come_back_as_floats() -> None:
    """A JSON number without a fraction (5, not 5.0) is still the float parse_event makes."""
    stored = from_stored({**RAW[4], "score": 5, "scale_max": 7})
    assert stored == parse_event(RAW[4])
    assert isinstance(stored.score, float) and isinstance(stored.scale_max, float)  # type: ignore[union-attr]
