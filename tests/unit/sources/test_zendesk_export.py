"""Zendesk history import: a small generated export, id parity with the webhooks,
streaming and per-line errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from domain.events import parse_event
from infra.sources.zendesk_export import ExportError, iter_events
from tests.unit.sources.test_zendesk_lifecycle import all_events as webhook_events

AGENT_USER = {
    "id": 901,
    "role": "agent",
    "name": "Person 2",
    "email": "person2@example.com",
    "created_at": "2024-01-01T00:00:00Z",
    "updated_at": "2025-01-01T00:00:00Z",
}
END_USER = {"id": 501, "role": "end-user", "name": "Person 1", "created_at": "2024-06-01T00:00:00Z"}
TICKET = {
    "id": 7001,
    "created_at": "2025-03-03T09:00:00Z",
    "updated_at": "2025-03-04T08:15:42Z",
    "via": {"channel": "email", "source": {"from": {}, "to": {}, "rel": None}},
    "requester_id": 501,
    "assignee_id": 901,
    "group_id": 31,
    "status": "solved",
}


def audit(at: str, updater: int, *children: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": int("".join(ch for ch in at if ch.isdigit())),
        "ticket_id": 7001,
        "timestamp": 0,  # created_at wins when both are present
        "created_at": at,
        "updater_id": updater,
        "via": "Mail",
        "event_type": "Audit",
        "child_events": list(children),
    }


def comment(comment_id: int, author: int, at: str, *, public: bool = True) -> dict[str, Any]:
    return {
        "id": comment_id,
        "via": {"channel": "email"},
        "type": "Comment",
        "author_id": author,
        "body": "…",
        "public": public,
        "audit_id": 1,
        "created_at": at,
        "event_type": "Comment",
    }


CREATION = audit(
    "2025-03-03T09:00:00Z",
    501,
    comment(1001, 501, "2025-03-03T09:00:00Z"),
    {"id": 2001, "via": "Mail", "status": "new", "event_type": "Create"},
    {"id": 2002, "via": "Mail", "assignee_id": 901, "event_type": "Create"},
    {"id": 2003, "via": "Mail", "group_id": 31, "event_type": "Create"},
    {"id": 2004, "via": "Mail", "requester_id": 501, "event_type": "Create"},
)
REPLY_AND_SOLVE = audit(
    "2025-03-03T09:42:10Z",
    901,
    comment(1002, 901, "2025-03-03T09:42:10Z"),
    {"id": 2005, "status": "solved", "previous_value": "open", "event_type": "Change"},
)
RATING = audit(
    "2025-03-04T08:15:42Z",
    501,
    {"id": 3001, "score": "good", "body": "Thanks!", "assignee_id": 901},
)
RATING["child_events"][0]["event_type"] = "SatisfactionRating"

EXPORT = [AGENT_USER, END_USER, TICKET, CREATION, REPLY_AND_SOLVE, RATING]


def lines(objects: list[dict[str, Any]]) -> list[str]:
    return [json.dumps(obj) for obj in objects]


def imported(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    for item in iter_events(lines(objects)):
        assert not isinstance(item, ExportError), item
        parse_event(item)
        events.append(item)
    return events


def test_a_small_export_becomes_the_tickets_history() -> None:
    story = [(e["type"], e["id"]) for e in imported(EXPORT)]
    assert story == [
        ("agent.upserted", story[0][1]),
        ("ticket.created", "ticket:7001:created"),
        ("ticket.assigned", "ticket:7001:assignee:901:2025-03-03T09:00:00Z"),
        ("ticket.message", "comment:1001"),
        ("ticket.status_changed", "ticket:7001:status:solved:2025-03-03T09:42:10Z"),
        ("ticket.message", "comment:1002"),
        ("ticket.rated", "ticket:7001:csat:good:2025-03-04T08:15Z"),
    ]


def test_imported_events_carry_the_right_values() -> None:
    by_id = {e["id"]: e for e in imported(EXPORT)}
    assert by_id["ticket:7001:created"]["channel"] == "email"
    assert by_id["ticket:7001:created"]["requester_id"] == "501"
    assigned = by_id["ticket:7001:assignee:901:2025-03-03T09:00:00Z"]
    assert (assigned["assignee_id"], assigned["team_id"]) == ("901", "31")
    assert by_id["comment:1001"]["author_type"] == "customer"
    assert by_id["comment:1002"]["author_type"] == "agent"
    rating = by_id["ticket:7001:csat:good:2025-03-04T08:15Z"]
    assert (rating["score"], rating["scale_max"], rating["comment"]) == (1.0, 1.0, "Thanks!")


def test_an_import_after_webhooks_repeats_the_same_ids() -> None:
    from_webhooks = {e["id"] for e in webhook_events()}
    from_import = {e["id"] for e in imported(EXPORT)}
    # every fact both channels know has one id; the import adds the assignment at creation,
    # the webhooks the synthetic opening message and the agent as its comment named him
    assert from_import - from_webhooks == {"ticket:7001:assignee:901:2025-03-03T09:00:00Z"}
    webhook_only = from_webhooks - from_import
    assert "ticket:7001:opening" in webhook_only and len(webhook_only) == 2
    assert all(i.startswith("agent:901:") for i in webhook_only - {"ticket:7001:opening"})


def test_the_audit_form_of_child_events_is_read_too() -> None:
    change = {"id": 9, "type": "Change", "field_name": "status", "value": "pending"}
    change["previous_value"] = "open"
    events = imported([audit("2025-03-05T10:00:00Z", 901, change)])
    assert [(e["type"], e["status"]) for e in events] == [("ticket.status_changed", "pending")]


def test_priorities_at_creation_and_later_are_updates_with_the_webhook_s_ids() -> None:
    at_creation = {"id": 2006, "priority": "normal", "event_type": "Create"}
    raised = {"id": 9, "type": "Change", "field_name": "priority", "value": "urgent"}
    cleared = {"id": 10, "priority": None, "previous_value": "urgent", "event_type": "Change"}
    events = imported(
        [
            audit("2025-03-03T09:00:00Z", 501, at_creation),
            audit("2025-03-03T11:00:00Z", 901, raised),
            audit("2025-03-03T12:00:00Z", 901, cleared),  # a cleared priority changes nothing
        ]
    )
    assert [(e["type"], e["id"], e["priority"]) for e in events] == [
        ("ticket.updated", "ticket:7001:priority:normal:2025-03-03T09:00:00Z", "normal"),
        ("ticket.updated", "ticket:7001:priority:urgent:2025-03-03T11:00:00Z", "urgent"),
    ]


def test_comments_without_the_comment_events_sideload() -> None:
    child = {"id": 1003, "comment_present": True, "comment_public": False, "event_type": "Comment"}
    (note,) = imported([AGENT_USER, audit("2025-03-05T10:00:00Z", 901, child)])[1:]
    assert (note["id"], note["author_id"], note["author_type"]) == ("comment:1003", "901", "agent")
    assert note["public"] is False


def test_system_comments_and_group_only_changes() -> None:
    events = imported(
        [
            audit("2025-03-05T10:00:00Z", -1, comment(1004, -1, "2025-03-05T10:00:00Z")),
            audit("2025-03-05T11:00:00Z", 901, {"id": 5, "group_id": 32, "event_type": "Change"}),
        ]
    )
    assert [(e["id"], e["author_type"]) for e in events] == [("comment:1004", "system")]


def test_a_whole_api_page_on_one_line() -> None:
    page = {"ticket_events": [CREATION, REPLY_AND_SOLVE], "end_of_stream": True}
    assert len(imported([page])) == 4


def test_bad_lines_are_reported_and_the_import_goes_on() -> None:
    broken = dict(REPLY_AND_SOLVE)
    del broken["ticket_id"]
    source = [
        "{not json",
        json.dumps({"unexpected": 1}),
        json.dumps(broken),
        "",
        json.dumps(TICKET),
    ]
    results = list(iter_events(source))
    errors = [r for r in results if isinstance(r, ExportError)]
    assert [(e.line, e.message) for e in errors] == [
        (1, errors[0].message),
        (2, "not a ticket, ticket event or user object"),
        (3, "'ticket_id' is missing"),
    ]
    assert errors[0].message.startswith("not JSON")
    assert [r["id"] for r in results if isinstance(r, dict)] == ["ticket:7001:created"]


def test_it_streams_line_by_line() -> None:
    consumed: list[int] = []

    def endless() -> Iterator[str]:
        number = 0
        while True:
            number += 1
            consumed.append(number)
            ticket = {**TICKET, "id": number}
            yield json.dumps(ticket)

    iterator = iter_events(endless())
    first = next(iterator)
    assert isinstance(first, dict) and first["ticket_id"] == "1"
    assert consumed == [1]  # nothing read ahead, so a file of any size fits in memory
    for _ in range(999):
        next(iterator)
    assert len(consumed) == 1000


@pytest.mark.parametrize("score", ["offered", "unoffered"])
def test_an_offered_survey_is_not_imported_as_a_rating(score: str) -> None:
    child = {"id": 1, "score": score, "event_type": "SatisfactionRating"}
    assert imported([audit("2025-03-05T10:00:00Z", -1, child)]) == []
