"""Streaming import of Zendesk history from its Incremental Export API.

Input: JSON lines, one object per line, in any order and mix of
  * tickets from the Incremental Ticket Export (`/api/v2/incremental/tickets`):
    `id`, `created_at`, `via.channel`, `requester_id`, `assignee_id`;
  * ticket events from the Incremental Ticket Event Export
    (`/api/v2/incremental/ticket_events?include=comment_events`): `ticket_id`,
    `created_at` (or unix `timestamp`), `updater_id`, `child_events[]`;
  * users from the Incremental User Export (`role`: end-user | agent | admin), which
    tell agents from customers; put them first, or the importer only learns an agent
    once it has seen them as an assignee;
  * a whole API page (`{"tickets": [...]}`, `{"ticket_events": [...]}`, `{"users": [...]}`).

Child events read: `Create`/`Change` (status, assignee_id, group_id, priority) as the export's
flattened form (`"status": "solved"`) or the audit form (`field_name`/`value`),
`Comment` (`id`, `author_id`, `public`, `created_at`; or `comment_public` without the
comment_events sideload) and `SatisfactionRating` (`score`, `body`).

Memory does not grow with the file: one line at a time, plus the set of agent ids.
Event ids are the webhook adapter's (zendesk_ids), so an import after webhooks dedupes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.json_nesting import DEFAULT_MAX_DEPTH, loads
from infra.sources import event_builders as build
from infra.sources import zendesk_ids as ids
from infra.sources.base import PayloadError
from infra.sources.event_builders import Event
from infra.sources.payload_fields import Fields
from infra.sources.priorities import ZENDESK, priority_of

PAGE_KEYS = ("tickets", "ticket_events", "users")
TRACKED_FIELDS = ("status", "assignee_id", "group_id", "priority")
SYSTEM_USER = "-1"  # Zendesk's id for changes made by the system itself


@dataclass(frozen=True, slots=True)
class ExportError:
    """A line that could not be imported; the import goes on with the next line."""

    line: int
    message: str


def iter_events(lines: Iterable[str]) -> Iterator[dict[str, Any] | ExportError]:
    agents: set[str] = set()
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text:
            continue
        try:
            document = loads(text, max_depth=DEFAULT_MAX_DEPTH)
        except json.JSONDecodeError as exc:
            yield ExportError(number, f"not JSON: {exc}")
            continue
        for item in _items(document):
            try:
                events = _events_of(item, agents)
            except PayloadError as exc:
                yield ExportError(number, str(exc))
                continue
            yield from events


def _items(document: Any) -> list[Any]:
    if isinstance(document, Mapping):
        for key in PAGE_KEYS:
            if isinstance(document.get(key), list):
                return list(document[key])
    return [document]


def _events_of(item: Any, agents: set[str]) -> list[Event]:
    obj = Fields.of(item, "export line")
    if obj.has("child_events"):
        return _ticket_event(obj, agents)
    if obj.has("role"):
        return _user(obj, agents)
    if obj.has("requester_id") or obj.has("via"):
        return _ticket(obj, agents)
    raise PayloadError("not a ticket, ticket event or user object")


def _user(obj: Fields, agents: set[str]) -> list[Event]:
    if obj.opt_text("role") not in ("agent", "admin"):
        return []
    agent_id = obj.text("id")
    agents.add(agent_id)
    at = obj.opt_time("updated_at") or obj.time("created_at")
    return build.agent_upserted(
        at=at, agent_id=agent_id, name=obj.opt_text("name"), email=obj.opt_text("email")
    )


def _ticket(obj: Fields, agents: set[str]) -> list[Event]:
    """Creation only: the ticket's current assignee and status are not its history."""
    ticket_id = obj.text("id")
    assignee = obj.opt_text("assignee_id")
    if assignee:
        agents.add(assignee)
    via = obj.opt_child("via")
    channel = (via.opt_text("channel") if via else None) or "unknown"
    created = build.ticket_created(
        event_id=ids.created_id(ticket_id),
        at=obj.time("created_at"),
        ticket_id=ticket_id,
        channel=channel.lower(),
        requester_id=obj.opt_text("requester_id"),
    )
    return [created]


@dataclass(frozen=True, slots=True)
class _Audit:
    ticket_id: str
    at: datetime
    updater_id: str | None


def _ticket_event(obj: Fields, agents: set[str]) -> list[Event]:
    audit = _Audit(
        ticket_id=obj.text("ticket_id"),
        at=obj.opt_time("created_at") or obj.time("timestamp"),
        updater_id=obj.opt_text("updater_id"),
    )
    children = obj.children("child_events")
    events: list[Event] = []
    for kind in ("Create", "Change"):
        fields = _merged_fields(c for c in children if _kind(c) == kind)
        events.extend(_field_events(audit, fields, created=kind == "Create", agents=agents))
    for child in children:
        if _kind(child) == "Comment":
            events.append(_comment(audit, child, agents))
        elif _kind(child) == "SatisfactionRating":
            events.extend(_rating(audit, child))
    return events


def _kind(child: Fields) -> str | None:
    return child.opt_text("event_type") or child.opt_text("type")


def _merged_fields(children: Iterable[Fields]) -> dict[str, str | None]:
    """One audit's changes of the tracked fields, in either child-event form."""
    found: dict[str, str | None] = {}
    for child in children:
        field = child.opt_text("field_name")
        if field in TRACKED_FIELDS:
            found[field] = child.opt_text("value")
            continue
        for name in TRACKED_FIELDS:
            if child.has(name):
                found[name] = child.opt_text(name)
    return found


def _field_events(
    audit: _Audit, fields: dict[str, str | None], *, created: bool, agents: set[str]
) -> list[Event]:
    events: list[Event] = []
    raw = (fields.get("status") or "").lower()
    if raw in ids.STATUSES and not (created and ids.STATUSES[raw] == "open"):
        events.append(
            build.status_changed(
                event_id=ids.status_event_id(audit.ticket_id, raw, audit.at),
                at=audit.at,
                ticket_id=audit.ticket_id,
                status=ids.STATUSES[raw],
            )
        )
    if "assignee_id" in fields or (created and "group_id" in fields):
        events.append(_assignment(audit, fields, agents))
    priority = priority_of(fields.get("priority"), ZENDESK)
    if priority is not None:  # at creation too: the ticket object's is today's, not then
        events.append(
            build.priority_updated(
                event_id=ids.priority_event_id(audit.ticket_id, priority, audit.at),
                at=audit.at,
                ticket_id=audit.ticket_id,
                priority=priority,
            )
        )
    # A group-only change is skipped: the export does not say who is assigned at that time,
    # and a ticket.assigned without the right assignee would unassign the ticket.
    return events


def _assignment(audit: _Audit, fields: dict[str, str | None], agents: set[str]) -> Event:
    assignee = fields.get("assignee_id")
    if assignee:
        agents.add(assignee)
    group = fields.get("group_id")
    event_id = (
        ids.assignee_event_id(audit.ticket_id, assignee, audit.at)
        if "assignee_id" in fields
        else ids.group_event_id(audit.ticket_id, group, audit.at)
    )
    return build.ticket_assigned(
        event_id=event_id,
        at=audit.at,
        ticket_id=audit.ticket_id,
        assignee_id=assignee,
        team_id=group,
    )


def _comment(audit: _Audit, child: Fields, agents: set[str]) -> Event:
    comment_id = child.text("id")
    public = child.opt_bool("public")
    if public is None:
        public = child.opt_bool("comment_public")
    if public is None:
        raise child.missing("public")
    author = child.opt_text("author_id") or audit.updater_id
    author_type = "system" if author == SYSTEM_USER else "agent" if author in agents else "customer"
    return build.ticket_message(
        event_id=ids.comment_event_id(comment_id),
        at=child.opt_time("created_at") or audit.at,
        ticket_id=audit.ticket_id,
        message_id=comment_id,
        author_type=author_type,
        author_id=author,
        public=public,
    )


def _rating(audit: _Audit, child: Fields) -> list[Event]:
    rating = ids.parse_rating(child.text("score"), field=child.where("score"))
    if rating is None:
        return []
    return [
        build.ticket_rated(
            event_id=ids.rating_event_id(audit.ticket_id, rating.token, audit.at),
            at=audit.at,
            ticket_id=audit.ticket_id,
            score=rating.score,
            scale_max=rating.scale_max,
            comment=child.opt_text("body") or child.opt_text("comment"),
        )
    ]
