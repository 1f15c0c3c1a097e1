"""Canonical events (SPEC §3): what the parser accepts, what it refuses, and why."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest

from domain.event_fields import EventError
from domain.events import (
    AgentActivity,
    AgentUpserted,
    AuthorType,
    RatingKind,
    Status,
    TicketAssigned,
    TicketCreated,
    TicketHandled,
    TicketMessage,
    TicketRated,
    TicketStatusChanged,
    parse_batch,
    parse_event,
    stream_of,
    to_json,
)

NINE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def raw(event_type: str, /, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"id": "e1", "type": event_type, "occurred_at": "2026-03-02T09:00:00Z"}
    if event_type.startswith("ticket."):
        base["ticket_id"] = "T1"
    return base | fields


MESSAGE = raw(
    "ticket.message",
    message_id="m1",
    author_type="agent",
    author_id="a1",
    public=True,
)
RATING = raw("ticket.rated", kind="csat", score=4, scale_max=5)


EXAMPLES = [
    pytest.param(
        raw("ticket.created", channel="email", requester_id="c1", team_id="t1", assignee_id="a1"),
        TicketCreated("e1", NINE, "T1", "email", "c1", team_id="t1", assignee_id="a1"),
        id="ticket.created",
    ),
    pytest.param(
        MESSAGE,
        TicketMessage("e1", NINE, "T1", "m1", AuthorType.AGENT, "a1", public=True),
        id="ticket.message",
    ),
    pytest.param(
        raw("ticket.assigned", assignee_id=None, team_id="t2"),
        TicketAssigned("e1", NINE, "T1", None, team_id="t2"),
        id="ticket.assigned to nobody",
    ),
    pytest.param(
        raw("ticket.status_changed", status="solved"),
        TicketStatusChanged("e1", NINE, "T1", Status.SOLVED),
        id="ticket.status_changed",
    ),
    pytest.param(
        raw("ticket.rated", kind="nps", score=9, scale_max=10, comment="great"),
        TicketRated("e1", NINE, "T1", RatingKind.NPS, 9.0, 10.0, comment="great"),
        id="ticket.rated",
    ),
    pytest.param(
        raw("ticket.handled", agent_id="a1", seconds=300),
        TicketHandled("e1", NINE, "T1", "a1", 300.0),
        id="ticket.handled",
    ),
    pytest.param(
        raw("agent.upserted", agent_id="a1", name="Ann", email="ann@example.com", team_id="t1"),
        AgentUpserted("e1", NINE, "a1", "Ann", email="ann@example.com", team_id="t1"),
        id="agent.upserted",
    ),
    pytest.param(
        raw(
            "agent.activity",
            agent_id="a1",
            started_at="2026-03-02T08:00:00Z",
            ended_at="2026-03-02T09:00:00Z",
        ),
        AgentActivity("e1", NINE, "a1", datetime(2026, 3, 2, 8, tzinfo=UTC), NINE),
        id="agent.activity",
    ),
]


@pytest.mark.parametrize(("document", "expected"), EXAMPLES)
def test_every_canonical_event_type_parses_into_its_typed_event(
    document: dict[str, Any], expected: object
) -> None:
    assert parse_event(document) == expected


@pytest.mark.parametrize(("document", "expected"), EXAMPLES)
def test_to_json_is_the_inverse_of_parsing(document: dict[str, Any], expected: Any) -> None:
    assert parse_event(to_json(expected)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2026-03-02T10:00:00+01:00",
        "2026-03-02T04:00:00-05:00",
        "2026-03-02T09:00:00Z",
        "2026-03-02t09:00:00z",
        "2026-03-02T09:00:00.000Z",
    ],
)
def test_times_with_any_utc_offset_are_stored_in_utc(text: str) -> None:
    parsed = parse_event(raw("ticket.status_changed", status="open", occurred_at=text))
    assert parsed.occurred_at == NINE
    assert parsed.occurred_at.utcoffset() == UTC.utcoffset(None)


def test_a_time_without_a_utc_offset_is_refused() -> None:
    with pytest.raises(EventError, match="'occurred_at' needs a UTC offset"):
        parse_event(raw("ticket.status_changed", status="open", occurred_at="2026-03-02T09:00"))


@pytest.mark.parametrize("value", ["yesterday", 1767600000, None])
def test_a_time_that_is_not_an_rfc_3339_string_is_refused(value: object) -> None:
    with pytest.raises(EventError, match="'occurred_at'"):
        parse_event(raw("ticket.status_changed", status="open", occurred_at=value))


def test_an_unknown_event_type_is_refused_with_the_list_of_known_types() -> None:
    with pytest.raises(EventError, match=r"unknown event type 'ticket\.deleted'.*ticket\.created"):
        parse_event(raw("ticket.deleted"))


def test_an_event_must_be_a_json_object() -> None:
    with pytest.raises(EventError, match="must be a JSON object"):
        parse_event(["ticket.created"])


def test_a_missing_required_field_is_named_in_the_error() -> None:
    document = raw("ticket.created", requester_id="c1")
    with pytest.raises(EventError, match=r"event \(ticket\.created\): 'channel' is required"):
        parse_event(document)


def test_numeric_ids_are_accepted_as_text() -> None:
    parsed = parse_event(raw("ticket.status_changed", id=7, ticket_id=42, status="open"))
    assert (parsed.id, parsed.ticket_id) == ("7", "42")


def test_optional_fields_may_be_missing_null_or_empty() -> None:
    parsed = parse_event(raw("ticket.created", channel="chat", requester_id="", team_id=None))
    assert isinstance(parsed, TicketCreated)
    assert (parsed.requester_id, parsed.team_id, parsed.assignee_id) == (None, None, None)


def test_the_author_type_must_be_agent_customer_bot_or_system() -> None:
    with pytest.raises(
        EventError, match=re.escape("'author_type' must be one of agent|customer|bot|system")
    ):
        parse_event(MESSAGE | {"author_type": "robot"})


def test_public_must_be_a_real_boolean() -> None:
    with pytest.raises(EventError, match="'public' must be true or false"):
        parse_event(MESSAGE | {"public": "yes"})


def test_the_status_must_be_open_pending_solved_or_closed() -> None:
    with pytest.raises(
        EventError, match=re.escape("'status' must be one of open|pending|solved|closed")
    ):
        parse_event(raw("ticket.status_changed", status="archived"))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"scale_max": 0}, "'scale_max' must be positive"),
        ({"score": 6}, "'score' must lie between 0 and 'scale_max'"),
        ({"score": -1}, "'score' must lie between 0 and 'scale_max'"),
        ({"score": True}, "'score' must be a number"),
        ({"kind": "stars"}, "'kind' must be one of csat|ces|nps"),
    ],
)
def test_a_rating_needs_a_known_kind_and_a_score_within_its_scale(
    fields: dict[str, Any], message: str
) -> None:
    with pytest.raises(EventError, match=re.escape(message)):
        parse_event(RATING | fields)


def test_handle_time_must_not_be_negative() -> None:
    with pytest.raises(EventError, match="'seconds' must not be negative"):
        parse_event(raw("ticket.handled", agent_id="a1", seconds=-1))


def test_an_activity_span_must_not_end_before_it_starts() -> None:
    document = raw(
        "agent.activity",
        agent_id="a1",
        started_at="2026-03-02T09:00:00Z",
        ended_at="2026-03-02T08:59:59Z",
    )
    with pytest.raises(EventError, match="'ended_at' is before 'started_at'"):
        parse_event(document)


def test_a_batch_is_one_event_or_a_list_under_events() -> None:
    assert parse_batch(MESSAGE) == [parse_event(MESSAGE)]
    second = MESSAGE | {"id": "e2", "message_id": "m2"}
    assert parse_batch({"events": [MESSAGE, second]}) == [parse_event(MESSAGE), parse_event(second)]


def test_an_error_in_a_batch_names_the_position_of_the_bad_event() -> None:
    with pytest.raises(EventError, match=r"events\[1\] \(ticket\.message\): 'public'"):
        parse_batch({"events": [MESSAGE, MESSAGE | {"public": None}]})


@pytest.mark.parametrize(
    ("document", "message"),
    [({"events": []}, "'events' is empty"), ({"events": {}}, "'events' must be a list")],
)
def test_a_batch_must_be_a_non_empty_list(document: dict[str, Any], message: str) -> None:
    with pytest.raises(EventError, match=message):
        parse_batch(document)


def test_ticket_events_fold_per_ticket_and_agent_events_per_agent() -> None:
    assert stream_of(parse_event(MESSAGE)) == "T1"
    assert stream_of(parse_event(raw("agent.upserted", agent_id="a1", name="Ann"))) == "agent:a1"
    activity = raw(
        "agent.activity",
        agent_id="a1",
        started_at="2026-03-02T08:00:00Z",
        ended_at="2026-03-02T09:00:00Z",
    )
    assert stream_of(parse_event(activity)) == "activity:a1"


def test_solved_and_closed_are_the_solved_statuses() -> None:
    assert {s for s in Status if s.is_solved} == {Status.SOLVED, Status.CLOSED}
