"""Event ids and value maps shared by the Zendesk webhook adapter and the export importer.

An id names the fact, never the delivery: the same comment, status change or rating gets
the same id whether it arrives by webhook, by a vendor retry or by a history import, so
Fairscore's unique (tenant, source, event id) key drops the repeats.

Time-based ids use second precision because a webhook's `detail.updated_at` and the
export's audit `created_at` are the same instant written to the second, while the
envelope `time` carries nanoseconds the export does not have.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime

from infra.sources.base import PayloadError
from infra.sources.payload_fields import minute_stamp, second_stamp

# Zendesk status → SPEC status. `hold` is "waiting on a third party": not the customer's
# turn and not solved, so it counts as pending. deleted/archived/scrubbed are not statuses
# a support KPI can use and are ignored.
STATUSES = {
    "new": "open",
    "open": "open",
    "pending": "pending",
    "hold": "pending",
    "solved": "solved",
    "closed": "closed",
}


def created_id(ticket_id: str) -> str:
    return f"ticket:{ticket_id}:created"


def opening_event_id(ticket_id: str) -> str:
    return f"ticket:{ticket_id}:opening"


def comment_event_id(comment_id: str) -> str:
    # Zendesk comment ids are the ids of the audit's Comment event: one namespace for both.
    return f"comment:{comment_id}"


def status_event_id(ticket_id: str, raw_status: str, at: datetime) -> str:
    return f"ticket:{ticket_id}:status:{raw_status}:{second_stamp(at)}"


def assignee_event_id(ticket_id: str, assignee_id: str | None, at: datetime) -> str:
    return f"ticket:{ticket_id}:assignee:{assignee_id or 'none'}:{second_stamp(at)}"


def group_event_id(ticket_id: str, group_id: str | None, at: datetime) -> str:
    return f"ticket:{ticket_id}:group:{group_id or 'none'}:{second_stamp(at)}"


def priority_event_id(ticket_id: str, priority: str, at: datetime) -> str:
    return f"ticket:{ticket_id}:priority:{priority}:{second_stamp(at)}"


def rating_event_id(ticket_id: str, token: str, at: datetime) -> str:
    # {{ticket.updated_at_with_timestamp}} has minute precision, so the import rounds too.
    return f"ticket:{ticket_id}:csat:{token}:{minute_stamp(at)}"


@dataclass(frozen=True, slots=True)
class Rating:
    token: str  # stable text for the id: good, bad or e.g. 4of5
    score: float
    scale_max: float


# Legacy CSAT states that are not an answer (a survey sent or not sent).
NOT_RATED = ("", "offered", "unoffered")


def parse_rating(raw: str, *, field: str, scale_max: float | None = None) -> Rating | None:
    """good/bad (also the "Good, I'm satisfied" text of {{satisfaction.current_rating}})
    → 1/0 of 1; a number → that score of `scale_max` (default 5); offered → None."""
    text = html.unescape(raw).strip().strip("\"'").strip().lower()
    if text in NOT_RATED:
        return None
    if text.startswith("good"):
        return Rating("good", 1.0, 1.0)
    if text.startswith("bad"):
        return Rating("bad", 0.0, 1.0)
    try:
        score = float(text)
    except ValueError:
        raise PayloadError(f"'{field}' is not good, bad or a number: {raw!r}") from None
    scale = 5.0 if scale_max is None else scale_max
    if not 0 <= score <= scale:
        raise PayloadError(f"'{field}' {score:g} is outside 0–{scale:g}")
    return Rating(f"{score:g}of{scale:g}", score, scale)
