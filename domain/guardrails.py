"""Guardrail signals (SPEC §4): patterns that suggest a metric is being gamed.

They sit next to the scores and never change one by themselves. Each is a count per
agent and period, derived from the same folded ticket facts as the metrics.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.fold import TicketFacts
from domain.samples import Sample

PREFIX = "guard:"


@dataclass(frozen=True, slots=True)
class Guardrail:
    key: str
    label: str
    description: str


UNREPLIED_ASSIGNMENT = Guardrail(
    "unreplied_assignment",
    "Assignments left unanswered over 24 h",
    "Tickets assigned to the agent that got no public agent reply within 24 hours while "
    "still assigned to them (possible cherry-picking); dated 24 h after the assignment.",
)
QUICK_REOPEN = Guardrail(
    "quick_reopen",
    "Solves reopened within 72 h",
    "Solves by the agent (assignee at the solve) reopened within 72 hours; dated by the solve.",
)
REASSIGNED_BEFORE_RATING = Guardrail(
    "reassigned_before_rating",
    "Reassigned within 1 h before a rating",
    "Ratings owned by the agent that arrived within an hour after the ticket changed "
    "hands; dated by the rating.",
)
REPLY_THEN_REOPEN = Guardrail(
    "reply_then_reopen",
    "First reply, no follow-up, reopened",
    "Tickets whose first public reply (by the agent) was never followed by another reply "
    "before the ticket was reopened; dated by the reopen.",
)

GUARDRAILS: tuple[Guardrail, ...] = (
    UNREPLIED_ASSIGNMENT,
    QUICK_REOPEN,
    REASSIGNED_BEFORE_RATING,
    REPLY_THEN_REOPEN,
)
DAY, THREE_DAYS, HOUR = timedelta(hours=24), timedelta(hours=72), timedelta(hours=1)


def guardrail_samples(facts: TicketFacts) -> list[Sample]:
    return [
        *_unreplied_assignments(facts),
        *_quick_reopens(facts),
        *_reassigned_before_rating(facts),
        *_reply_then_reopen(facts),
    ]


def _signal(
    f: TicketFacts, g: Guardrail, at: datetime, agent: str | None, team: str | None
) -> Sample:
    """One signal, with the ticket's stratum then like every sample of a ticket."""
    return Sample(PREFIX + g.key, at, agent, team, 1.0, None, *f.stratum_at(at))


def _unreplied_assignments(f: TicketFacts) -> list[Sample]:
    out = []
    for i, a in enumerate(f.assignments):
        # The assignment lasts until the next one (to anyone) or the first solve after it.
        ends = [n.at for n in f.assignments[i + 1 :] if n.at > a.at]
        ends += [s.at for s in f.solves if s.at >= a.at]
        held_until = min([*ends, a.at + DAY])
        answered = any(a.at <= r.at <= held_until for r in f.replies)
        if not answered and held_until == a.at + DAY:
            out.append(_signal(f, UNREPLIED_ASSIGNMENT, a.at + DAY, a.agent, a.team))
    return out


def _quick_reopens(f: TicketFacts) -> list[Sample]:
    return [
        _signal(f, QUICK_REOPEN, s.at, s.assignee, s.team)
        for s in f.solves
        if any(s.at < r <= s.at + THREE_DAYS for r in f.reopens)
    ]


def _reassigned_before_rating(f: TicketFacts) -> list[Sample]:
    changes = [
        b.at for a, b in zip(f.assignments, f.assignments[1:], strict=False) if b.agent != a.agent
    ]
    return [
        _signal(f, REASSIGNED_BEFORE_RATING, r.at, r.owner, r.team)
        for r in f.ratings
        if any(r.at - HOUR <= at <= r.at for at in changes)
    ]


def _reply_then_reopen(f: TicketFacts) -> list[Sample]:
    first = f.first_reply
    if first is None:
        return []
    reopen = next((at for at in f.reopens if at > first.at), None)
    followed = any(first.at < r.at <= reopen for r in f.replies) if reopen else True
    if reopen is None or followed:
        return []
    return [_signal(f, REPLY_THEN_REOPEN, reopen, first.agent, first.team)]


def signal_counts(counts: Mapping[str, int]) -> dict[str, int]:
    """Stream counts → {guardrail key: count}, every guardrail present (0 when none)."""
    return {key: int(counts.get(stream, 0)) for key, stream in signal_streams()}


def signal_streams() -> tuple[tuple[str, str], ...]:
    """(guardrail key, the sample stream counting it) of every guardrail."""
    return _SIGNAL_STREAMS


_SIGNAL_STREAMS = tuple((g.key, PREFIX + g.key) for g in GUARDRAILS)
