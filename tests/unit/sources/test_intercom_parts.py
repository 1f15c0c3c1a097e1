"""Intercom conversation parts: what each part type, author type and assignment means."""

from __future__ import annotations

import re
from typing import Any

import pytest

from domain.events import TicketMessage, TicketStatusChanged, parse_batch
from infra.sources.base import PayloadError
from tests.unit.sources.intercom_builders import (
    ADMIN,
    T0,
    conversation,
    deliver,
    notification,
    part,
    story,
)

# --- one part, several facts -------------------------------------------------------------


@pytest.mark.parametrize(
    ("part_type", "body", "facts"),
    [
        (
            "close",
            "<p>Closing, shout if not</p>",
            [("message", "agent", "42", True), ("status", "solved")],
        ),
        ("snoozed", None, [("status", "pending")]),
        ("unsnoozed", None, [("status", "open")]),
        ("timer_unsnooze", None, [("status", "open")]),
        (
            "note_and_reopen",
            "<p>again</p>",
            [("message", "agent", "42", False), ("status", "open")],
        ),
        ("conversation_attribute_updated_by_admin", "<p>x</p>", []),
    ],
)
def test_part_types(part_type: str, body: str | None, facts: list[tuple[Any, ...]]) -> None:
    item = conversation(T0 + 5, part("p7", part_type, T0 + 5, ADMIN, body=body))
    events = deliver(notification("conversation.admin.replied", item, T0 + 5))
    assert story(events)[2:] == facts


@pytest.mark.parametrize(
    ("author_type", "expected"),
    [
        ("user", "customer"),
        ("lead", "customer"),
        ("contact", "customer"),
        ("admin", "agent"),
        ("bot", "bot"),
        ("team", "bot"),
        ("something_new", "system"),
    ],
)
def test_author_types(author_type: str, expected: str) -> None:
    author = {"type": author_type, "id": "a-1"}
    item = conversation(T0 + 5, part("p8", "comment", T0 + 5, author, body="<p>x</p>"))
    events = parse_batch({"events": deliver(notification("conversation.user.replied", item, T0))})
    message = events[-1]
    assert isinstance(message, TicketMessage)
    assert message.author_type == expected


def test_assignment_to_a_team_or_to_nobody() -> None:
    to_team = part("p10", "assignment", T0 + 5, ADMIN, assigned_to={"type": "team", "id": "7"})
    to_nobody = part(
        "p11", "assignment", T0 + 6, ADMIN, assigned_to={"type": "nobody_admin", "id": None}
    )
    item = conversation(T0 + 6, to_team, to_nobody, admin=None, team=7)
    events = deliver(notification("conversation.admin.assigned", item, T0 + 6))
    assert story(events)[2:] == [("assigned", None, "7"), ("assigned", None, "7")]


def test_a_closed_notification_without_a_close_part_still_solves() -> None:
    events = deliver(notification("conversation.admin.closed", conversation(T0 + 50), T0 + 51))
    statuses = [e for e in parse_batch({"events": events}) if isinstance(e, TicketStatusChanged)]
    assert [(s.status, s.occurred_at.timestamp()) for s in statuses] == [("solved", T0 + 50)]


@pytest.mark.parametrize("rating", [0, 6, "5", None, True])
def test_a_rating_outside_one_to_five_is_a_payload_error(rating: Any) -> None:
    item = conversation(T0, rating={"rating": rating, "remark": None})
    with pytest.raises(
        PayloadError, match=re.escape("conversation_rating.rating' must be a whole number")
    ):
        deliver(notification("conversation.rating.added", item, T0))


def test_a_rating_notification_without_a_rating_is_a_payload_error() -> None:
    with pytest.raises(PayloadError, match=re.escape("'data.item.conversation_rating' is missing")):
        deliver(notification("conversation.rating.added", conversation(T0), T0))
