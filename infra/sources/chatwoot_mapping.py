"""Chatwoot account-webhook payloads → canonical events (SPEC §3).

Field names follow Chatwoot's own serialisers (`Message#webhook_data`,
`Conversations::EventDataPresenter#push_data`, `BaseListener#extract_changed_attributes`):
conversation events carry the conversation at top level (`id` is the per-account
display id), message events carry the message with the conversation nested under
`conversation`. Ticket ids are display ids, so one Fairscore integration serves one
Chatwoot account.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from domain.events import format_time
from infra.sources import event_builders as build
from infra.sources.base import Decoded, InboundRequest, PayloadError
from infra.sources.event_builders import Event
from infra.sources.payload_fields import Fields, aware_utc, body_digest, digest
from infra.sources.priorities import CHATWOOT, priority_of

# Chatwoot statuses; "bot" is the pre-2.x name of "pending" (a bot is handling it).
STATUSES: Mapping[str, str] = {
    "open": "open",
    "pending": "pending",
    "bot": "pending",
    "snoozed": "pending",
    "resolved": "solved",
}
# `channel` is the inbox's channel class; common ones get the names other sources use.
CHANNELS: Mapping[str, str] = {
    "Channel::WebWidget": "chat",
    "Channel::Email": "email",
    "Channel::Whatsapp": "whatsapp",
    "Channel::Sms": "sms",
    "Channel::TwilioSms": "sms",
    "Channel::FacebookPage": "facebook",
    "Channel::Instagram": "instagram",
    "Channel::TwitterProfile": "twitter",
    "Channel::Telegram": "telegram",
    "Channel::Line": "line",
    "Channel::Api": "api",
}
# Message webhooks send the enum name; the integers are the same enum's values.
MESSAGE_TYPES: Mapping[object, str] = {
    "incoming": "incoming",
    0: "incoming",
    "outgoing": "outgoing",
    1: "outgoing",
    "activity": "activity",
    2: "activity",
    "template": "template",
    3: "template",
}

Handler = Callable[[Fields, InboundRequest], Decoded]


def decode_event(payload: Any, request: InboundRequest) -> Decoded:
    root = Fields.of(payload, "Chatwoot")
    name = root.text("event")
    handler = HANDLERS.get(name)
    if handler is None:
        return Decoded(events=[], ignored=f"Chatwoot event '{name}' is not used by Fairscore")
    return handler(root, request)


def conversation_created(conv: Fields, request: InboundRequest) -> Decoded:
    conv_id = conv.text("id")
    meta = conv.opt_child("meta")
    created = build.ticket_created(
        event_id=f"{conv_id}:created",
        at=created_at(conv),
        ticket_id=conv_id,
        channel=channel_name(conv.opt_text("channel")),
        requester_id=person_id(meta, "sender"),
        team_id=person_id(meta, "team"),
        assignee_id=person_id(meta, "assignee"),
        priority=priority_of(conv.raw.get("priority"), CHATWOOT),
    )
    return Decoded(events=[created])


def created_at(conv: Fields) -> datetime:
    """`created_at` since Chatwoot 3.x; before, `timestamp` was the creation time."""
    at = conv.opt_time("created_at") or conv.opt_time("timestamp")
    if at is None:
        raise conv.missing("created_at")
    return at


def status_changed(conv: Fields, request: InboundRequest) -> Decoded:
    conv_id = conv.text("id")
    raw = conv.text("status")
    if raw not in STATUSES:
        raise PayloadError(f"'status' has a value Fairscore does not know: {raw!r}")
    at, stamp = change_moment(conv, request)
    event = build.status_changed(
        event_id=f"{conv_id}:status:{STATUSES[raw]}:{stamp}",
        at=at,
        ticket_id=conv_id,
        status=STATUSES[raw],
    )
    return Decoded(events=[event])


def conversation_updated(conv: Fields, request: InboundRequest) -> Decoded:
    """Assignment and priority changes matter here; status has its own event."""
    changes = changed_attributes(conv)
    at, stamp = change_moment(conv, request)
    conv_id = conv.text("id")
    events: list[Event] = []
    if "assignee_id" in changes or "team_id" in changes:
        meta = conv.opt_child("meta")
        assignee = current(changes, "assignee_id", person_id(meta, "assignee"))
        team = current(changes, "team_id", person_id(meta, "team"))
        events.append(
            build.ticket_assigned(
                event_id=f"{conv_id}:assigned:{digest(assignee, team, stamp)}",
                at=at,
                ticket_id=conv_id,
                assignee_id=assignee,
                team_id=team,
            )
        )
    change = changes.get("priority")
    priority = priority_of(change.raw.get("current_value"), CHATWOOT) if change else None
    if priority is not None:  # back to none: the priority it had stays
        events.append(
            build.priority_updated(
                event_id=f"{conv_id}:priority:{priority}:{stamp}",
                at=at,
                ticket_id=conv_id,
                priority=priority,
            )
        )
    if not events:
        return Decoded(
            events=[],
            ignored="Chatwoot conversation_updated without an assignee, team or priority "
            "change is not used by Fairscore",
        )
    return Decoded(events=events)


def message_created(message: Fields, request: InboundRequest) -> Decoded:
    conv_id = message.child("conversation").text("id")
    message_id = message.text("id")
    at = message.time("created_at")
    sender = message.opt_child("sender")
    event = build.ticket_message(
        event_id=f"{conv_id}:message:{message_id}",
        at=at,
        ticket_id=conv_id,
        message_id=message_id,
        author_type=author_type(message, sender),
        author_id=sender.opt_text("id") if sender else None,
        public=message.raw.get("private") is not True,
    )
    return Decoded(events=[event, *agent_from_sender(sender, at)])


def message_updated(message: Fields, request: InboundRequest) -> Decoded:
    """A CSAT answer: the survey message (`input_csat`) updated with the customer's answer."""
    answer = csat_answer(message)
    if answer is None:
        return Decoded(
            events=[],
            ignored="Chatwoot message_updated without a CSAT answer is not used by Fairscore",
        )
    score, comment = csat_score(answer), answer.opt_text("feedback_message")
    conv = message.child("conversation")
    conv_id, message_id = conv.text("id"), message.text("id")
    # Updating the message touches the conversation, so its `updated_at` (Chatwoot ≥ 3.x
    # sends it) dates the answer and tells a later re-submission apart from a retry.
    answered_at = conv.opt_time("updated_at")
    stamp = format_time(answered_at) if answered_at else None
    event = build.ticket_rated(
        event_id=f"{conv_id}:csat:{message_id}:{digest(score, comment, stamp)}",
        at=answered_at or aware_utc(request.received_at),
        ticket_id=conv_id,
        score=score,
        scale_max=5,
        comment=comment,
    )
    return Decoded(events=[event])


HANDLERS: Mapping[str, Handler] = {
    "conversation_created": conversation_created,
    "conversation_status_changed": status_changed,
    "conversation_updated": conversation_updated,
    "message_created": message_created,
    "message_updated": message_updated,
}


def channel_name(channel: str | None) -> str:
    if channel is None:
        return "unknown"
    return CHANNELS.get(channel, channel.removeprefix("Channel::").lower())


def person_id(meta: Fields | None, key: str) -> str | None:
    person = meta.opt_child(key) if meta else None
    return person.opt_text("id") if person else None


def changed_attributes(conv: Fields) -> dict[str, Fields]:
    """`[{attribute: {previous_value, current_value}}, ...]` → {attribute: change}."""
    changes = {}
    for entry in conv.children("changed_attributes"):
        for name, change in entry.raw.items():
            if isinstance(change, Mapping):
                changes[name] = Fields(change, entry.where(name))
    return changes


def current(changes: dict[str, Fields], key: str, fallback: str | None) -> str | None:
    change = changes.get(key)
    return change.opt_text("current_value") if change else fallback


def change_moment(conv: Fields, request: InboundRequest) -> tuple[datetime, str]:
    """When a conversation change happened, and a stamp that tells changes apart.

    Newer Chatwoot sends `updated_at` (in `changed_attributes` and on the conversation);
    older payloads have no time for the change itself, so the receive time dates it and
    the body fingerprint (the same on every retry) keys it.
    """
    change = changed_attributes(conv).get("updated_at")
    at = (change.opt_time("current_value") if change else None) or conv.opt_time("updated_at")
    if at is not None:
        return at, digest(format_time(at))
    return aware_utc(request.received_at), body_digest(request.body).removeprefix("sha256:")[:16]


def author_type(message: Fields, sender: Fields | None) -> str:
    raw = message.raw.get("message_type")
    if raw is None:
        raise message.missing("message_type")
    kind = MESSAGE_TYPES.get(raw) if isinstance(raw, str | int) else None
    if kind == "incoming":
        return "customer"
    if kind != "outgoing":
        return "system"  # activity and template messages, and any future kind
    sender_type = sender.opt_text("type") if sender else None
    if sender_type == "user":
        return "agent"
    # Agent bots (and any other automated sender) reply as bots; no sender is automation.
    return "bot" if sender_type else "system"


def agent_from_sender(sender: Fields | None, at: datetime) -> list[Event]:
    """Agents (`type: user`) are sent with name and e-mail — enough for agent.upserted."""
    if sender is None or sender.opt_text("type") != "user":
        return []
    agent_id, name, email = sender.opt_text("id"), sender.opt_text("name"), sender.opt_text("email")
    if agent_id is None or name is None or email is None:
        return []
    return build.agent_upserted(
        event_id=f"agent:{agent_id}:{digest(name, email, format_time(at))}",
        at=at,
        agent_id=agent_id,
        name=name,
        email=email,
    )


def csat_answer(message: Fields) -> Fields | None:
    attributes = message.opt_child("content_attributes")
    if attributes is None:
        return None
    submitted = attributes.raw.get("submitted_values")
    # Form messages submit a list of values; only the CSAT answer is an object.
    if not isinstance(submitted, Mapping):
        return None
    return Fields(submitted, attributes.where("submitted_values")).opt_child("csat_survey_response")


def csat_score(answer: Fields) -> int:
    raw = answer.raw.get("rating")
    if raw is None:
        raise answer.missing("rating")
    if isinstance(raw, str) and raw.strip().isdigit():
        raw = int(raw)  # form-encoded widget submissions may send the digit as text
    if isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= 5:
        raise PayloadError(f"'{answer.where('rating')}' must be a whole number from 1 to 5")
    return raw
