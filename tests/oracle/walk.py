"""The per-ticket walk: every observation one ticket's sorted events contribute (SPEC §4)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from tests.oracle.ordering import (
    AgentTeams,
    Ticket,
    is_customer_message,
    is_public_agent_reply,
    sort_key,
)

SOLVED_STATUSES = ("solved", "closed")
UNSOLVED_STATUSES = ("open", "pending")


def seconds_between(start: dt.datetime, end: dt.datetime) -> float:
    # CHOICE: if a source's clocks put the end before the start (e.g. a reply timestamped before
    # ticket.created), the duration is clamped to 0 rather than dropped or made negative.
    return max(0.0, (end - start).total_seconds())


# --------------------------------------------------------------------------- observations


@dataclass
class Obs:
    """One data point for one metric: who it is attributed to and when."""

    metric: str
    at: dt.datetime
    agent: str | None
    team: str | None
    value: Any = None  # duration seconds, bool for rates, number for means, ...
    ticket: str | None = None


def assignee_at(ticket: Ticket, at: dt.datetime) -> str | None:
    """SPEC: the assignee set by the latest ticket.created/ticket.assigned at or before `at`.

    Every assignment at the instant `at` itself counts (the SPEC's same-instant rule: an
    assignment at the same time as a status change or rating counts as before it); among
    several at one instant the sort order decides (ticket.created first, so a same-instant
    ticket.assigned overrides the creation's assignee). A ticket.created without assignee_id,
    or an assignment to null, means "no assignee".
    """
    current: str | None = None
    for event in ticket.events:  # sorted by time first
        if event["_at"] > at:
            break
        if event["type"] in ("ticket.created", "ticket.assigned"):
            current = event.get("assignee_id")
    return current


def ticket_team_at(ticket: Ticket, at: dt.datetime) -> str | None:
    """The ticket's team at `at` (team_id of ticket.created / ticket.assigned at or before it).

    CHOICE (agreed with the production code): `team_id` is optional; an event without one
    (missing or null) keeps the previous team.
    """
    current: str | None = None
    for event in ticket.events:
        if event["_at"] > at:
            break
        if event["type"] in ("ticket.created", "ticket.assigned") and event.get("team_id"):
            current = event["team_id"]
    return current


class TicketWalk:
    """Collects the observations of one ticket (its events sorted with sort_key)."""

    def __init__(self, ticket: Ticket, teams: AgentTeams) -> None:
        self.ticket = ticket
        self.events = ticket.events
        self.teams = teams
        self.out: list[Obs] = []

        # CHOICE: if a ticket has several ticket.created events (different ids) the earliest is
        # its creation. A ticket with NO ticket.created has no creation time: it gets no
        # tickets_created, no first_response_time and no resolution_time, but every other metric.
        self.created = next((e for e in self.events if e["type"] == "ticket.created"), None)
        self.public_replies = [e for e in self.events if is_public_agent_reply(e)]
        self.solves, self.reopens = self._status_walk()
        self.first_solve = self.solves[0] if self.solves else None

    def team_for(self, event: dict, agent: str | None) -> str | None:
        # SPEC: "Team metrics use the ticket's team at the time of the attributing event,
        # else the team the attributed agent belonged to at that time."
        team = ticket_team_at(self.ticket, event["_at"])
        if team is None and agent is not None:
            team = self.teams.at(agent, event["_at"])
        return team

    def emit(self, metric: str, event: dict, agent: str | None, value: Any = None) -> None:
        self.out.append(
            Obs(
                metric=metric,
                at=event["_at"],
                agent=agent,
                team=self.team_for(event, agent),
                value=value,
                ticket=self.ticket.ticket_id,
            )
        )

    def _status_walk(self) -> tuple[list[dict], list[dict]]:
        """Solves and reopens, in order. The status before the first change is "open".

        CHOICE: a *solve* is a change into solved/closed from an unsolved status (open/pending);
        solved -> closed (or closed -> solved) is not a second solve.
        """
        status = "open"
        solves: list[dict] = []
        reopens: list[dict] = []
        for event in self.events:
            if event["type"] != "ticket.status_changed":
                continue
            new_status = event.get("status")
            if new_status in SOLVED_STATUSES and status not in SOLVED_STATUSES:
                solves.append(event)
            elif new_status in UNSOLVED_STATUSES and status in SOLVED_STATUSES:
                reopens.append(event)
            if new_status is not None:
                status = new_status
        return solves, reopens

    def is_outbound(self) -> bool:
        """SPEC: "a ticket whose first message is from an agent is outbound".

        CHOICE: only messages the customer sees or writes decide this: the first message among
        public agent replies and customer messages. Private agent notes and bot/system messages
        do not make a ticket outbound.
        """
        conversation = [
            e for e in self.events if is_public_agent_reply(e) or is_customer_message(e)
        ]
        return bool(conversation) and conversation[0].get("author_type") == "agent"

    def creation(self) -> None:
        # SPEC §4: tickets_created has no agent attribution ("—"); for the team level the
        # ticket's team at creation is used, else the team of the assignee at creation
        # ("assignee at time T": same-instant assignments included).
        if self.created is not None:
            creator = assignee_at(self.ticket, self.created["_at"])
            self.emit("tickets_created", self.created, creator)

    def first_response(self) -> None:
        """creation -> first public agent reply; author of that reply / reply time."""
        if self.created is None or not self.public_replies or self.is_outbound():
            return
        first_reply = self.public_replies[0]
        seconds = seconds_between(self.created["_at"], first_reply["_at"])
        self.emit("first_response_time", first_reply, first_reply.get("author_id"), seconds)

    def reply_times(self) -> None:
        """For each public agent reply after the first that answers customer messages: the
        earliest unanswered customer message -> that reply; replying agent / reply time.

        The first public agent reply (the first response, or an outbound ticket's opening
        message) answers every customer message before it but is never a reply_time sample.
        CHOICE: status changes do not "answer" anything: a customer message left unanswered
        before a solve stays the earliest unanswered one until the next public agent reply.
        Bot/system messages and private notes never answer a customer.
        """
        unanswered_since: dt.datetime | None = None
        seen_first_reply = False
        for event in self.events:
            if is_customer_message(event):
                if unanswered_since is None:
                    unanswered_since = event["_at"]
            elif is_public_agent_reply(event):
                if seen_first_reply and unanswered_since is not None:
                    seconds = seconds_between(unanswered_since, event["_at"])
                    self.emit("reply_time", event, event.get("author_id"), seconds)
                seen_first_reply = True
                unanswered_since = None

    def first_solve_cohort(self) -> None:
        """Metrics attributed to the assignee at first solve, in the first solve's period."""
        first_solve = self.first_solve
        if first_solve is None:
            return
        solve_key = sort_key(first_solve)
        solver = assignee_at(self.ticket, first_solve["_at"])
        # the same-instant rule is in sort_key: a reply at the solve's instant sorts before it
        replies_before = [e for e in self.public_replies if sort_key(e) < solve_key]
        self.emit("tickets_solved", first_solve, solver)
        if self.created is not None:
            seconds = seconds_between(self.created["_at"], first_solve["_at"])
            self.emit("resolution_time", first_solve, solver, seconds)
        self.emit("one_touch_rate", first_solve, solver, len(replies_before) == 1)
        # Every reopen necessarily follows the first solve (it needs a solved/closed status).
        self.emit("reopen_rate", first_solve, solver, len(self.reopens) > 0)
        self.emit("replies_per_ticket", first_solve, solver, len(replies_before))
        # CHOICE: "no public agent reply at all" is read literally: none ever on the ticket, not
        # only before the first solve (contrast with one_touch_rate's "before the first solve").
        self.emit("abandoned_rate", first_solve, solver, len(self.public_replies) == 0)

    def ratings(self) -> None:
        """Only the latest rating per kind counts, attributed to its owner at its time."""
        latest: dict[str, dict] = {}
        for event in self.events:  # sorted, so the last one seen is the latest
            if event["type"] == "ticket.rated" and event.get("kind") in ("csat", "ces", "nps"):
                latest[event["kind"]] = event
        for kind, rating in latest.items():
            if rating.get("score") is None:
                continue
            owner = rating_owner(self.ticket, rating, self.solves, self.public_replies)
            if kind == "csat":
                self.csat(rating, owner)
            elif kind == "ces":
                # CHOICE: the raw score is averaged (no rescaling, no direction flip: the
                # tenant's "high score means low/high effort" setting only affects reading it).
                self.emit("ces", rating, owner, rating["score"])
            else:
                score, scale_max = rating["score"], rating.get("scale_max")
                # CHOICE: put on the 0–10 scale first when scale_max is given and not 10.
                score10 = score * 10 / scale_max if scale_max and scale_max != 10 else score
                # SPEC §4: nps has no agent level; its team falls back to the rating owner's team.
                self.emit("nps", rating, owner, score10)

    def csat(self, rating: dict, owner: str | None) -> None:
        score, scale_max = rating["score"], rating.get("scale_max")
        # CHOICE: a csat rating without a usable scale_max (missing/0) is ignored entirely.
        if not scale_max:
            return
        # positive when score / scale_max >= 0.8, compared exactly (5*score >= 4*scale_max)
        self.emit("csat", rating, owner, 5 * score >= 4 * scale_max)
        self.emit("csat_rated", rating, owner, True)  # numerator of csat_response_rate
        # CHOICE: a whitespace-only comment counts as empty.
        comment = rating.get("comment")
        has_comment = isinstance(comment, str) and comment.strip() != ""
        self.emit("csat_comment_rate", rating, owner, has_comment)

    def assignments_and_handling(self) -> None:
        # conversations_per_hour numerator: tickets assigned to an agent, by assignment time.
        # CHOICE: an assignee given in ticket.created is an assignment too (SPEC's "assignee at
        # time T" treats both as setting the assignee). Unassignments (null) count for nobody.
        for event in self.events:
            if event["type"] in ("ticket.created", "ticket.assigned") and event.get("assignee_id"):
                self.emit("assigned", event, event["assignee_id"], self.ticket.ticket_id)
            # handle_time: handling agent / event time.
            if event["type"] == "ticket.handled":
                seconds = float(event.get("seconds") or 0)
                self.emit("handle_time", event, event.get("agent_id"), seconds)


def ticket_observations(ticket: Ticket, teams: AgentTeams) -> list[Obs]:
    """Walk one ticket's sorted events and return every observation it contributes."""
    walk = TicketWalk(ticket, teams)
    walk.creation()
    walk.first_response()
    walk.reply_times()
    walk.first_solve_cohort()
    walk.ratings()
    walk.assignments_and_handling()
    return walk.out


def rating_owner(
    ticket: Ticket, rating: dict, solves: list[dict], public_replies: list[dict]
) -> str | None:
    """SPEC: assignee at rating time, else assignee at the latest solve before it, else the last
    public agent replier.

    CHOICE: "the latest solve before it" is only that one solve: if it had no assignee we do not
    look at earlier solves but go on to the last public agent replier (at or before the rating).
    """
    rating_key = sort_key(rating)
    owner = assignee_at(ticket, rating["_at"])
    if owner is not None:
        return owner
    earlier_solves = [s for s in solves if sort_key(s) < rating_key]
    if earlier_solves:
        owner = assignee_at(ticket, earlier_solves[-1]["_at"])
        if owner is not None:
            return owner
    earlier_replies = [r for r in public_replies if sort_key(r) < rating_key]
    if earlier_replies:
        return earlier_replies[-1].get("author_id")
    return None
