"""Intercom conversations end to end, in the 1.x (captured) and 2.x (documented) shapes."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

from domain.events import TicketRated, parse_batch
from tests.unit.sources.intercom_builders import (
    ADMIN,
    LEAD,
    T0,
    conversation,
    deliver,
    fixture,
    notification,
    part,
    store,
    story,
)


def step(topic: str, at: int, *parts: dict[str, Any], **state: Any) -> dict[str, Any]:
    """A notification Intercom sends a second after the change it reports."""
    return notification(topic, conversation(at, *parts, **state), at + 1)


RATING = {
    "rating": 4,
    "remark": "Quick and friendly",
    "created_at": T0 + 600,  # when the survey was *requested*
    "contact": {"type": "contact", "id": "c-77"},
    "teammate": {"type": "admin", "id": "42"},
}


def v2_lifecycle() -> list[dict[str, Any]]:
    assigned = {"type": "admin", "id": "42"}
    held = {"admin": 42, "team": 7}
    closed = held | {"state": "closed"}
    return [
        step("conversation.user.created", T0),
        step(
            "conversation.admin.assigned",
            T0 + 60,
            part("p1", "assignment", T0 + 60, ADMIN, assigned_to=assigned),
            **held,
        ),
        step(
            "conversation.user.replied",
            T0 + 120,
            part("p2", "comment", T0 + 120, LEAD, body="<p>Any news?</p>"),
            **held,
        ),
        step(
            "conversation.admin.replied",
            T0 + 300,
            part("p3", "comment", T0 + 300, ADMIN, body="<p>Fixed!</p>"),
            **held,
        ),
        step(
            "conversation.admin.noted",
            T0 + 320,
            part("p4", "note", T0 + 320, ADMIN, body="<p>refunded</p>"),
            **held,
        ),
        step("conversation.admin.closed", T0 + 600, part("p5", "close", T0 + 600, ADMIN), **closed),
        step("conversation.rating.added", T0 + 899, rating=RATING, **closed),
    ]


def test_v2_lifecycle_created_customer_reply_solved_rated() -> None:
    events = store(v2_lifecycle())
    assert story(events) == [
        ("created", "chat", "c-77"),
        ("message", "customer", "c-77", True),
        ("assigned", "42", "7"),
        ("message", "customer", "c-77", True),
        ("message", "agent", "42", True),
        ("message", "agent", "42", False),
        ("status", "solved"),
        ("rated", 4, 5, "Quick and friendly"),
    ]
    rated = [e for e in events if e["type"] == "ticket.rated"]
    assert rated[0]["occurred_at"] == "2023-11-14T22:28:20Z"  # the notification, not the request
    agents = [e for e in events if e["type"] == "agent.upserted"]
    assert {(a["agent_id"], a["name"], a["email"]) for a in agents} == {
        ("42", "Person 3", "person3@example.com")
    }
    assert len(agents) == 4  # one sighting per notification that names the admin


def test_v2_lifecycle_is_the_same_in_any_delivery_order_and_with_retries() -> None:
    deliveries = v2_lifecycle()
    shuffled = [*reversed(deliveries), *deliveries[:3]]
    assert store(shuffled) == store(deliveries)


def test_v2_outbound_conversation_starts_with_an_agent_message() -> None:
    item = conversation(T0, admin=42)
    item["source"] = item["source"] | {"delivered_as": "admin_initiated", "author": ADMIN}
    events = store([notification("conversation.admin.single.created", item, T0)])
    assert story(events) == [
        ("created", "chat", "c-77"),
        ("message", "agent", "42", True),
        ("assigned", "42", None),
    ]


# --- API 1.x shapes (the captured fixtures) ----------------------------------------------


def v1_lifecycle() -> list[dict[str, Any]]:
    created = copy.deepcopy(fixture("conversation.user.created"))
    replied = fixture("conversation.admin.replied")
    created["data"]["item"] |= {
        key: replied["data"]["item"][key] for key in ("id", "created_at", "conversation_message")
    }
    created["data"]["item"]["updated_at"] = replied["data"]["item"]["created_at"]
    rated = copy.deepcopy(fixture("conversation.admin.closed"))
    rated |= {"topic": "conversation.rating.added", "id": "notif_rating", "created_at": 1553291500}
    rated["data"]["item"]["conversation_parts"]["conversation_parts"] = []
    rated["data"]["item"]["conversation_rating"] = {
        "rating": 5,
        "remark": "Thanks!",
        "created_at": 1553291389,
        "customer": {"type": "lead", "id": "5c9553cb27e377f24eed49f7"},
        "teammate": {"type": "admin", "id": "1957471"},
    }
    return [
        created,
        replied,
        fixture("conversation.admin.assigned"),
        fixture("conversation.user.replied"),
        fixture("conversation.admin.closed"),
        rated,
    ]


def test_v1_lifecycle_created_customer_reply_solved_rated() -> None:
    lead = "5c9553cb27e377f24eed49f7"
    events = store(v1_lifecycle())
    assert story(events) == [
        ("created", "chat", lead),
        ("message", "customer", lead, True),
        ("message", "agent", "1957471", True),
        ("assigned", "1957471", None),
        ("message", "customer", lead, True),
        ("status", "solved"),
        ("rated", 5, 5, "Thanks!"),
    ]
    rated = [e for e in parse_batch({"events": events}) if isinstance(e, TicketRated)]
    assert [r.occurred_at for r in rated] == [datetime(2019, 3, 22, 21, 51, 40, tzinfo=UTC)]


# --- ids ---------------------------------------------------------------------------------


def test_ids_are_deterministic_and_distinct_per_fact() -> None:
    payload = fixture("conversation.admin.replied")
    first = [e["id"] for e in deliver(payload)]
    again = [e["id"] for e in deliver(json.loads(json.dumps(payload, sort_keys=True)))]
    assert first == again
    assert len(set(first)) == len(first)
    every = [e["id"] for p in v2_lifecycle() for e in deliver(p)]
    facts = {e["id"]: e for p in v2_lifecycle() for e in deliver(p)}
    # 9 ticket facts (repeated by several notifications; one is the priority flag at
    # creation) + agent 42 seen in 4 notifications
    assert len(facts) == 13
    assert facts["5501:priority:normal:created"]["priority"] == "normal"  # not_priority
    assert len(every) > len(facts)


def test_an_agent_observation_is_keyed_by_agent_content_and_notification_time() -> None:
    def agent_id(name: str, email: str, at: int = T0) -> str:
        author = ADMIN | {"name": name, "email": email}
        item = conversation(at, part("p9", "comment", at, author, body="<p>hi</p>"))
        events = deliver(notification("conversation.admin.replied", item, at))
        return next(e["id"] for e in events if e["type"] == "agent.upserted")

    same = agent_id("Person 3", "person3@example.com")
    assert same == agent_id("Person 3", "person3@example.com")  # a retry
    assert same.startswith("agent:42:")
    assert same != agent_id("Person 3 Renamed", "person3@example.com")
    assert same != agent_id("Person 3", "other@example.com")
    # A later sighting is its own event, so a rename back (A → B → A) still ends on A.
    assert same != agent_id("Person 3", "person3@example.com", at=T0 + 60)


def test_a_changed_remark_is_a_new_rating_with_a_later_time() -> None:
    first = {"rating": 2, "remark": None, "created_at": T0}
    later = first | {"remark": "Still slow", "updated_at": T0 + 500}
    a = deliver(notification("conversation.rating.added", conversation(T0, rating=first), T0 + 10))
    b = deliver(notification("conversation.rating.added", conversation(T0, rating=later), T0 + 9))
    rating_a, rating_b = a[-1], b[-1]
    assert rating_a["id"] != rating_b["id"]
    assert rating_a["occurred_at"] < rating_b["occurred_at"]  # the rating's own updated_at wins


# --- priority (SPEC §8) -----------------------------------------------------------------


def test_the_priority_flag_is_stated_at_creation_and_at_each_priority_update() -> None:
    created = step("conversation.user.created", T0)
    flagged = step("conversation.priority.updated", T0 + 300, priority="priority")
    updates = [e for p in (flagged, created) for e in deliver(p) if e["type"] == "ticket.updated"]
    assert [(u["occurred_at"], u["priority"]) for u in updates] == [
        (datetime.fromtimestamp(T0 + 301, UTC).isoformat().replace("+00:00", "Z"), "high"),
        (datetime.fromtimestamp(T0, UTC).isoformat().replace("+00:00", "Z"), "normal"),
    ]
    created_event = next(e for e in deliver(created) if e["type"] == "ticket.created")
    assert "priority" not in created_event  # the same in every notification, the flag is not


def test_the_1x_fixtures_carry_no_priority_and_state_none() -> None:
    events = deliver(fixture("conversation.user.created"))
    assert not [e for e in events if e["type"] == "ticket.updated"]
