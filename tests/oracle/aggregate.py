"""Observations of one (level, subject, period) turned into metric values (SPEC §4)."""

from __future__ import annotations

import math
from collections import defaultdict

from tests.oracle.walk import Obs

COUNT_METRICS = ("tickets_created", "tickets_solved")
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


def aggregate(level: str, per_metric: dict[str, list[Obs]], hours: float) -> dict[str, dict]:
    """Turn the observations of one (level, subject, period) into metric values."""
    metrics: dict[str, dict] = {}
    metrics.update(aggregate_counts_and_durations(per_metric))
    metrics.update(aggregate_rates_and_means(per_metric))
    metrics.update(aggregate_special(level, per_metric, hours))
    # SPEC §4: a subject listed in a period with nothing counted has the count 0 (sample 0).
    # CHOICE: a subject is listed in a period when it has a value of any metric there.
    if metrics:
        for key in COUNT_METRICS:
            if level in METRIC_LEVELS[key]:
                metrics.setdefault(key, {"value": 0, "sample": 0})
    return metrics


def aggregate_counts_and_durations(per_metric: dict[str, list[Obs]]) -> dict[str, dict]:
    metrics: dict[str, dict] = {}
    for key in COUNT_METRICS:
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
    # the period. SPEC §4: above agent level it is one observation per ticket, the summed
    # seconds of the level's agents on that ticket; sample = number of tickets.
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
