"""The metric dictionary (SPEC §4): one definition per metric, used everywhere.

The API publishes these entries as they are; aggregation, validation of KPI models
and the explanation of a score all read the same objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Level(StrEnum):
    AGENT = "AGENT"
    TEAM = "TEAM"
    TENANT = "TENANT"


class Kind(StrEnum):
    COUNT = "COUNT"  # value = number of samples
    DURATION = "DURATION"  # seconds; median (default), mean, p90; two bases
    RATE = "RATE"  # samples are 0/1; value = share of 1s, with a Wilson interval
    MEAN = "MEAN"  # value = mean of the samples
    DERIVED = "DERIVED"  # a ratio of other aggregates (see domain.values)


class Direction(StrEnum):
    HIGHER_IS_BETTER = "HIGHER_IS_BETTER"
    LOWER_IS_BETTER = "LOWER_IS_BETTER"
    NEUTRAL = "NEUTRAL"


class Statistic(StrEnum):
    MEDIAN = "median"
    MEAN = "mean"
    P90 = "p90"
    VALUE = "value"


class Basis(StrEnum):
    CALENDAR = "CALENDAR"
    BUSINESS = "BUSINESS"


ALL = (Level.AGENT, Level.TEAM, Level.TENANT)
GROUPS = (Level.TEAM, Level.TENANT)
AGENT_TEAM = (Level.AGENT, Level.TEAM)

BY_SOLVE = "first solve time"
SOLVE_OWNER = "assignee at first solve"
RATING_OWNER = (
    "rating owner: assignee at rating time, else assignee at the latest solve before it, "
    "else the last public agent replier"
)


@dataclass(frozen=True, slots=True)
class MetricDef:
    key: str
    label: str
    unit: str
    kind: Kind
    direction: Direction
    levels: tuple[Level, ...]
    cohort: str
    attribution: str
    description: str

    @property
    def is_rate(self) -> bool:
        return self.kind is Kind.RATE or self.unit == "ratio"

    @property
    def is_duration(self) -> bool:
        return self.kind is Kind.DURATION

    @property
    def is_count(self) -> bool:
        """A count is 0, not null, for a subject with nothing counted (SPEC §4)."""
        return self.kind is Kind.COUNT

    def statistics(self) -> tuple[Statistic, ...]:
        if self.is_duration:  # VALUE is the default statistic, the median
            return (Statistic.MEDIAN, Statistic.MEAN, Statistic.P90, Statistic.VALUE)
        return (Statistic.VALUE,)

    @property
    def default_statistic(self) -> Statistic:
        return Statistic.MEDIAN if self.is_duration else Statistic.VALUE


H, L, N = Direction.HIGHER_IS_BETTER, Direction.LOWER_IS_BETTER, Direction.NEUTRAL

DEFINITIONS: tuple[MetricDef, ...] = (
    MetricDef(
        "tickets_created",
        "Tickets created",
        "tickets",
        Kind.COUNT,
        N,
        GROUPS,
        "creation time",
        "—",
        "Tickets created in the period.",
    ),
    MetricDef(
        "tickets_solved",
        "Tickets solved",
        "tickets",
        Kind.COUNT,
        H,
        ALL,
        BY_SOLVE,
        SOLVE_OWNER,
        "Tickets with their first solve in the period.",
    ),
    MetricDef(
        "first_response_time",
        "First response time",
        "seconds",
        Kind.DURATION,
        L,
        ALL,
        "reply time",
        "author of the first public agent reply",
        "Ticket creation to the first public agent reply; outbound tickets have none.",
    ),
    MetricDef(
        "reply_time",
        "Reply time",
        "seconds",
        Kind.DURATION,
        L,
        ALL,
        "reply time",
        "replying agent",
        "For each later public agent reply that answers customer messages: the earliest "
        "unanswered customer message to that reply.",
    ),
    MetricDef(
        "resolution_time",
        "Resolution time",
        "seconds",
        Kind.DURATION,
        L,
        ALL,
        BY_SOLVE,
        SOLVE_OWNER,
        "Ticket creation to its first solve.",
    ),
    MetricDef(
        "one_touch_rate",
        "One-touch resolution",
        "ratio",
        Kind.RATE,
        H,
        ALL,
        BY_SOLVE,
        SOLVE_OWNER,
        "Share of first-solved tickets with exactly one public agent reply before the first solve.",
    ),
    MetricDef(
        "reopen_rate",
        "Reopen rate",
        "ratio",
        Kind.RATE,
        L,
        ALL,
        BY_SOLVE,
        SOLVE_OWNER,
        "Share of first-solved tickets reopened at any later time.",
    ),
    MetricDef(
        "replies_per_ticket",
        "Replies per ticket",
        "replies",
        Kind.MEAN,
        L,
        ALL,
        BY_SOLVE,
        SOLVE_OWNER,
        "Mean public agent replies before the first solve, over first-solved tickets.",
    ),
    MetricDef(
        "abandoned_rate",
        "Abandoned rate",
        "ratio",
        Kind.RATE,
        L,
        GROUPS,
        BY_SOLVE,
        "—",
        "Share of first-solved tickets with no public agent reply at all.",
    ),
    MetricDef(
        "csat",
        "CSAT",
        "ratio",
        Kind.RATE,
        H,
        ALL,
        "rating time",
        RATING_OWNER,
        "Positive / rated over each ticket's latest CSAT rating; positive when "
        "score / scale_max >= 0.8.",
    ),
    MetricDef(
        "csat_response_rate",
        "CSAT response rate",
        "ratio",
        Kind.DERIVED,
        H,
        ALL,
        "rating time (numerator), first solve time (denominator)",
        "as csat (numerator) and tickets_solved (denominator)",
        "Tickets whose latest CSAT rating falls in the period / tickets solved in the period "
        "(0 when none was rated; null when nothing was solved).",
    ),
    MetricDef(
        "csat_comment_rate",
        "CSAT comment rate",
        "ratio",
        Kind.RATE,
        H,
        ALL,
        "rating time",
        RATING_OWNER,
        "Latest CSAT ratings with a non-empty comment / latest ratings.",
    ),
    MetricDef(
        "ces",
        "Customer effort score",
        "score",
        Kind.MEAN,
        L,
        ALL,
        "rating time",
        RATING_OWNER,
        "Mean of the latest CES score per ticket, on the rating's scale; the tenant sets "
        "whether a high score means low or high effort.",
    ),
    MetricDef(
        "nps",
        "NPS",
        "nps",
        Kind.MEAN,
        H,
        GROUPS,
        "rating time",
        "—",
        "% promoters (9–10 on 0–10) − % detractors (0–6), latest NPS rating per ticket; "
        "other scales are first mapped to 0–10.",
    ),
    MetricDef(
        "conversations_per_hour",
        "Conversations per hour",
        "per_hour",
        Kind.DERIVED,
        H,
        AGENT_TEAM,
        "assignment time",
        "assignee",
        "Distinct tickets assigned in the period / hours of agent activity inside the period.",
    ),
    MetricDef(
        "handle_time",
        "Handle time",
        "seconds",
        Kind.MEAN,
        L,
        ALL,
        "time of each handle-time report",
        "handling agent",
        "Mean over tickets of the agent's summed handle time (ticket.handled seconds) on "
        "the ticket; above agent level one observation per ticket: the summed seconds of the "
        "level's agents on it.",
    ),
    MetricDef(
        "qa_score",
        "QA score",
        "score",
        Kind.MEAN,
        H,
        ALL,
        "review time",
        "reviewee",
        "Mean review score (0–100) of reviews of the agent's tickets (calibration reviews "
        "do not count).",
    ),
    MetricDef(
        "reviews_given",
        "Reviews given",
        "reviews",
        Kind.COUNT,
        H,
        AGENT_TEAM,
        "review time",
        "reviewer",
        "Regular reviews the agent submitted as reviewer (calibration reviews do not count).",
    ),
    MetricDef(
        "sla_first_response",
        "First response SLA",
        "ratio",
        Kind.RATE,
        H,
        ALL,
        "reply time",
        "author of the first public agent reply",
        "Share of first responses within the tenant's first-response target for the "
        "ticket's channel (targets per channel, in the basis the tenant sets).",
    ),
    MetricDef(
        "sla_resolution",
        "Resolution SLA",
        "ratio",
        Kind.RATE,
        H,
        ALL,
        BY_SOLVE,
        SOLVE_OWNER,
        "Share of first solves within the tenant's resolution target for the ticket's "
        "channel (in the basis the tenant sets).",
    ),
    MetricDef(
        "contact_ratio",
        "Contact ratio",
        "ratio",
        Kind.DERIVED,
        L,
        (Level.TENANT,),
        "creation time",
        "—",
        "Tickets created / active users of the tenant's product in the period (set by an "
        "admin with setActiveUsers).",
    ),
)

BY_KEY: dict[str, MetricDef] = {d.key: d for d in DEFINITIONS}


def get(key: str) -> MetricDef:
    try:
        return BY_KEY[key]
    except KeyError:
        raise KeyError(f"unknown metric {key!r}") from None
