"""Independent, brute-force reference implementation ("oracle") of SPEC.md §4.

Written only from /work/shared/SPEC.md (sections 3 and 4) and the golden fixture's README;
deliberately simple and slow: every ticket's events are sorted and walked, every metric
loops over everything. Calendar basis only (no business hours), no QA / SLA / contact-ratio
metrics, no Wilson intervals.

Entry point::

    compute(events, timezone="Europe/Berlin", grain="MONTH")
    -> result[level][subject][period_start][metric] = {"value": ..., "sample": ..., ...}

``level`` is ``"agent"``, ``"team"`` or ``"tenant"`` (all three keys are always present, possibly
empty); ``subject`` is the agent id / team id as it appears in the events, or ``"tenant"``;
``period_start`` is the ISO date of the first local day of the calendar period.

Every reading of the spec that is not literally spelled out there is marked ``CHOICE:`` below.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

GRAINS = ("DAY", "WEEK", "MONTH", "QUARTER")

SOLVED_STATUSES = ("solved", "closed")
UNSOLVED_STATUSES = ("open", "pending")

DURATION_METRICS = ("first_response_time", "reply_time", "resolution_time")
RATE_METRICS = (
    "one_touch_rate",
    "reopen_rate",
    "abandoned_rate",
    "csat",
    "csat_comment_rate",
)

# Which levels each metric exists at (SPEC §4 table, "level" column).
ALL_LEVELS = ("agent", "team", "tenant")
METRIC_LEVELS: dict[str, tuple[str, ...]] = {
    "tickets_created": ("team", "tenant"),
    "tickets_solved": ALL_LEVELS,
    "first_response_time": ALL_LEVELS,
    "reply_time": ALL_LEVELS,
    "resolution_time": ALL_LEVELS,
    "one_touch_rate": ALL_LEVELS,
    "reopen_rate": ALL_LEVELS,
    "replies_per_ticket": ALL_LEVELS,
    "abandoned_rate": ("team", "tenant"),
    "csat": ALL_LEVELS,
    "csat_response_rate": ALL_LEVELS,
    "csat_comment_rate": ALL_LEVELS,
    "ces": ALL_LEVELS,
    "nps": ("team", "tenant"),
    "conversations_per_hour": ("agent", "team"),
    "handle_time": ALL_LEVELS,
}

# Order of events of one ticket that happen at the same instant.
# SPEC: "a message or assignment at the same occurred_at as a status change or rating counts as
# before it; ticket.created first".
# CHOICE: among the remaining same-instant pairs that the spec does not order:
#   * assignment before message (this changes nothing: assignee and team look-ups take every
#     assignment at or before the instant asked about, see assignee_at);
#   * a customer message before an agent/bot/system message, so an agent reply at the very same
#     instant answers that customer message (reply_time sample of 0 s);
#   * ticket.handled after messages (it carries no ticket state);
#   * a status change before a rating (the customer rates the solved ticket);
#   * anything still tied (e.g. two status changes at one instant) is ordered by event id
#     (plain string order). Delivery order is never used (except that of two
#     deliveries with the same id, the first one is kept: a repeated delivery changes nothing).
_RANK_CREATED = 0
_RANK_ASSIGNED = 1
_RANK_CUSTOMER_MESSAGE = 2
_RANK_OTHER_MESSAGE = 3
_RANK_HANDLED = 4
_RANK_STATUS = 5
_RANK_RATED = 6


# --------------------------------------------------------------------------- small helpers


def parse_time(value: str) -> dt.datetime:
    """RFC 3339 → aware UTC datetime. CHOICE: a timestamp without offset is taken as UTC."""
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    parsed = dt.datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


_RANK_BY_TYPE = {
    "ticket.created": _RANK_CREATED,
    "ticket.assigned": _RANK_ASSIGNED,
    "ticket.message": _RANK_OTHER_MESSAGE,
    "ticket.handled": _RANK_HANDLED,
    "ticket.status_changed": _RANK_STATUS,
    "ticket.rated": _RANK_RATED,
}


def event_rank(event: dict) -> int:
    if event["type"] == "ticket.message" and event.get("author_type") == "customer":
        return _RANK_CUSTOMER_MESSAGE
    return _RANK_BY_TYPE.get(event["type"], _RANK_HANDLED)


def sort_key(event: dict) -> tuple[Any, ...]:
    # CHOICE (agreed with the production code): remaining ties go by plain string order of ids.
    return (event["_at"], event_rank(event), str(event["id"]))


def is_public_agent_reply(event: dict) -> bool:
    return (
        event["type"] == "ticket.message"
        and event.get("author_type") == "agent"
        and event.get("public") is True
    )


def is_customer_message(event: dict) -> bool:
    # CHOICE: a customer message counts whatever its `public` flag (customers do not write
    # internal notes; the flag is not meaningful for them).
    return event["type"] == "ticket.message" and event.get("author_type") == "customer"


def period_start(moment: dt.datetime, tz: ZoneInfo, grain: str) -> dt.date:
    """First local day of the calendar period (in the tenant's timezone) containing `moment`."""
    day = moment.astimezone(tz).date()
    if grain == "DAY":
        return day
    if grain == "WEEK":
        return day - dt.timedelta(days=day.weekday())  # ISO week: Monday
    if grain == "MONTH":
        return day.replace(day=1)
    if grain == "QUARTER":
        return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    raise ValueError(f"unknown grain {grain!r}")


def next_period_start(start: dt.date, grain: str) -> dt.date:
    if grain == "DAY":
        return start + dt.timedelta(days=1)
    if grain == "WEEK":
        return start + dt.timedelta(days=7)
    months = 1 if grain == "MONTH" else 3
    month_index = start.month - 1 + months
    return dt.date(start.year + month_index // 12, month_index % 12 + 1, 1)


def local_midnight_utc(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(dt.UTC)


def median(values: list[float]) -> float:
    ordered = sorted(values)
    n = len(ordered)
    middle = n // 2
    if n % 2 == 1:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2


def p90_nearest_rank(values: list[float]) -> float:
    ordered = sorted(values)
    rank = math.ceil(0.9 * len(ordered))  # nearest-rank method, 1-based
    return float(ordered[max(rank, 1) - 1])


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


@dataclass
class Ticket:
    ticket_id: str
    events: list[dict] = field(default_factory=list)  # sorted with sort_key


def dedupe(events: list[dict]) -> list[dict]:
    """Same `id` = same event; the first delivery wins (a repeated delivery changes nothing)."""
    seen: set[str] = set()
    unique: list[dict] = []
    for event in events:
        key = str(event["id"])
        if key in seen:
            continue
        seen.add(key)
        copy = dict(event)
        copy["_at"] = parse_time(event["occurred_at"])
        unique.append(copy)
    return unique


def agent_teams(events: list[dict]) -> dict[str, str | None]:
    """Team of each agent = the team of its latest `agent.upserted` (by occurred_at).

    CHOICE (agreed with the production code): an upsert is the agent's whole profile, so an
    upsert without a team (missing or null) leaves the agent without one.
    """
    upserts = sorted(
        (e for e in events if e["type"] == "agent.upserted"),
        key=lambda e: (e["_at"], str(e["id"])),
    )
    teams: dict[str, str | None] = {}
    for event in upserts:
        teams[event["agent_id"]] = event.get("team_id")
    return teams


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


# --------------------------------------------------------------------------- per-ticket walk


class TicketWalk:
    """Collects the observations of one ticket (its events sorted with sort_key)."""

    def __init__(self, ticket: Ticket, teams: dict[str, str | None]) -> None:
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
        # else the attributed agent's team."
        team = ticket_team_at(self.ticket, event["_at"])
        if team is None and agent is not None:
            team = self.teams.get(agent)
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
        # CHOICE: tickets_created has no agent attribution ("—"); for the team level the
        # ticket's team at creation is used, else the team of the assignee at creation
        # (SPEC's "assignee at time T": same-instant assignments included).
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
                # CHOICE: nps has no agent level; its team falls back to the rating owner's team.
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


def ticket_observations(ticket: Ticket, teams: dict[str, str | None]) -> list[Obs]:
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


# --------------------------------------------------------------------------- aggregation


def subjects_for(obs: Obs, metric: str) -> list[tuple[str, str]]:
    """(level, subject) pairs an observation counts for, at the levels the metric exists at."""
    pairs: list[tuple[str, str]] = []
    levels = METRIC_LEVELS[metric]
    if "agent" in levels and obs.agent is not None:
        pairs.append(("agent", obs.agent))
    if "team" in levels and obs.team is not None:
        pairs.append(("team", obs.team))
    if "tenant" in levels:
        pairs.append(("tenant", "tenant"))
    return pairs


def activity_hours(events: list[dict], tz: ZoneInfo, grain: str) -> dict[str, dict[dt.date, float]]:
    """Hours of agent.activity per agent and period (the part of each interval inside it).

    CHOICE: overlapping/duplicate activity intervals of one agent are merged first (an agent is
    not online twice at once); intervals with a missing or non-positive length are ignored.
    """
    intervals: dict[str, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    for event in events:
        if event["type"] != "agent.activity":
            continue
        if not event.get("started_at") or not event.get("ended_at"):
            continue
        start, end = parse_time(event["started_at"]), parse_time(event["ended_at"])
        if end > start:
            intervals[event["agent_id"]].append((start, end))

    hours: dict[str, dict[dt.date, float]] = defaultdict(lambda: defaultdict(float))
    for agent, spans in intervals.items():
        merged: list[list[dt.datetime]] = []
        for start, end in sorted(spans):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        for start, end in merged:
            period = period_start(start, tz, grain)
            while True:
                p_start = local_midnight_utc(period, tz)
                p_end = local_midnight_utc(next_period_start(period, grain), tz)
                if p_start >= end:
                    break
                overlap = (min(end, p_end) - max(start, p_start)).total_seconds()
                if overlap > 0:
                    hours[agent][period] += overlap / 3600
                period = next_period_start(period, grain)
    return hours


# Observations that feed a metric under another name: (bucket name) -> metric whose levels apply.
_LEVELS_OF = {"csat_rated": "csat_response_rate", "assigned": "conversations_per_hour"}


def group_tickets(events: list[dict]) -> list[Ticket]:
    """Ticket events per ticket, each ticket's list sorted (same-instant rule in sort_key)."""
    tickets: dict[str, Ticket] = {}
    for event in events:
        if event["type"].startswith("ticket.") and event.get("ticket_id") is not None:
            ticket = tickets.setdefault(event["ticket_id"], Ticket(event["ticket_id"]))
            ticket.events.append(event)
    for ticket in tickets.values():
        ticket.events.sort(key=sort_key)
    return list(tickets.values())


def hours_by_subject(
    events: list[dict], teams: dict[str, str | None], tz: ZoneInfo, grain: str
) -> dict[tuple[str, str, dt.date], float]:
    """Activity hours per (level, subject, period) for the agent and team levels.

    CHOICE: a team's hours are the hours of the agents whose team (latest upsert) is that team,
    while the team's conversations are attributed by the general team rule (ticket's team at
    assignment time, else the assignee's team); a ticket counts once per team however many of
    its agents it was assigned to.
    """
    hours: dict[tuple[str, str, dt.date], float] = defaultdict(float)
    for agent, per_period in activity_hours(events, tz, grain).items():
        team = teams.get(agent)
        for period, value in per_period.items():
            hours[("agent", agent, period)] += value
            if team is not None:
                hours[("team", team, period)] += value
    return hours


def compute(
    events: list[dict], *, timezone: str, grain: str
) -> dict[str, dict[str, dict[str, dict[str, dict]]]]:
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {GRAINS}, got {grain!r}")
    tz = ZoneInfo(timezone)
    unique = dedupe(events)
    teams = agent_teams(unique)

    observations: list[Obs] = []
    for ticket in group_tickets(unique):
        observations.extend(ticket_observations(ticket, teams))

    # bucket[(level, subject, period)][metric] -> list of observations
    bucket: dict[tuple[str, str, dt.date], dict[str, list[Obs]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for obs in observations:
        period = period_start(obs.at, tz, grain)
        for level, subject in subjects_for(obs, _LEVELS_OF.get(obs.metric, obs.metric)):
            bucket[(level, subject, period)][obs.metric].append(obs)

    hours = hours_by_subject(unique, teams, tz, grain)
    for key in hours:  # periods with activity hours but no ticket activity exist too
        bucket.setdefault(key, defaultdict(list))

    result: dict[str, dict[str, dict[str, dict[str, dict]]]] = {
        "agent": {},
        "team": {},
        "tenant": {},
    }
    for (level, subject, period), per_metric in bucket.items():
        metrics = aggregate(level, per_metric, hours.get((level, subject, period), 0.0))
        if metrics:
            result[level].setdefault(subject, {})[period.isoformat()] = metrics
    return result


def aggregate(level: str, per_metric: dict[str, list[Obs]], hours: float) -> dict[str, dict]:
    """Turn the observations of one (level, subject, period) into metric values."""
    metrics: dict[str, dict] = {}
    metrics.update(aggregate_counts_and_durations(per_metric))
    metrics.update(aggregate_rates_and_means(per_metric))
    metrics.update(aggregate_special(level, per_metric, hours))
    return metrics


def aggregate_counts_and_durations(per_metric: dict[str, list[Obs]]) -> dict[str, dict]:
    metrics: dict[str, dict] = {}
    for key in ("tickets_created", "tickets_solved"):
        if per_metric.get(key):
            count = len(per_metric[key])
            metrics[key] = {"value": count, "sample": count}

    for key in DURATION_METRICS:
        values = [o.value for o in per_metric.get(key, [])]
        if values:
            metrics[key] = {
                "value": median(values),
                "sample": len(values),
                "mean": sum(values) / len(values),
                "p90": p90_nearest_rank(values),
            }
    return metrics


def aggregate_rates_and_means(per_metric: dict[str, list[Obs]]) -> dict[str, dict]:
    metrics: dict[str, dict] = {}
    for key in RATE_METRICS:
        flags = [bool(o.value) for o in per_metric.get(key, [])]
        if flags:
            positives = sum(flags)
            metrics[key] = {
                "value": positives / len(flags),
                "sample": len(flags),
                "positives": positives,
            }

    for key in ("replies_per_ticket", "ces"):
        numbers = [o.value for o in per_metric.get(key, [])]
        if numbers:
            metrics[key] = {"value": sum(numbers) / len(numbers), "sample": len(numbers)}

    # csat_response_rate = tickets whose latest csat rating falls in the period / tickets_solved;
    # 0 when none was rated; null when nothing was solved (even if something was rated).
    solved = len(per_metric.get("tickets_solved", []))
    rated = len(per_metric.get("csat_rated", []))
    if solved > 0:
        metrics["csat_response_rate"] = {
            "value": rated / solved,
            "sample": solved,
            "positives": rated,
        }

    nps_scores = [o.value for o in per_metric.get("nps", [])]
    if nps_scores:
        promoters = sum(1 for s in nps_scores if s >= 9)
        detractors = sum(1 for s in nps_scores if s <= 6)
        metrics["nps"] = {
            "value": 100 * (promoters - detractors) / len(nps_scores),
            "sample": len(nps_scores),
            "promoters": promoters,
            "detractors": detractors,
        }
    return metrics


def aggregate_special(
    level: str, per_metric: dict[str, list[Obs]], hours: float
) -> dict[str, dict]:
    metrics: dict[str, dict] = {}
    # conversations_per_hour: distinct tickets assigned in the period / activity hours in it.
    # CHOICE: null without activity hours; 0 with hours but no assignment; sample = the number
    # of distinct tickets (extra keys: "tickets", "hours").
    if level in METRIC_LEVELS["conversations_per_hour"] and hours > 0:
        distinct = {o.value for o in per_metric.get("assigned", [])}
        metrics["conversations_per_hour"] = {
            "value": len(distinct) / hours,
            "sample": len(distinct),
            "tickets": len(distinct),
            "hours": hours,
        }

    # handle_time: mean over tickets of the subject's summed handled seconds on the ticket in
    # the period. CHOICE: at team/tenant level the seconds of all agents attributed to the
    # subject are summed per ticket (handle time per ticket); sample = number of tickets.
    handled = per_metric.get("handle_time", [])
    if handled:
        per_ticket: dict[str | None, float] = defaultdict(float)
        for o in handled:
            per_ticket[o.ticket] += o.value
        metrics["handle_time"] = {
            "value": sum(per_ticket.values()) / len(per_ticket),
            "sample": len(per_ticket),
        }
    return metrics
