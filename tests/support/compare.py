"""Put production results in the oracle's shape and compare them value by value."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from domain.aggregate import Located, aggregate_samples
from domain.events import AgentActivity, AgentUpserted, parse_event
from domain.fold import fold
from domain.memberships import Statement, TeamHistory
from domain.metrics import Basis, Level, ticket_samples
from domain.metrics.workload import activity_samples
from domain.periods import GRAINS, Grain, Period, local_day, local_midnight, period_start
from domain.samples import ONE_DAY
from domain.services.processing import _ticket_events
from domain.values import MetricSet, has_data, metric_values

Table = dict[str, dict[str, dict[str, dict[str, dict[str, Any]]]]]
LEVELS = {"agent": Level.AGENT, "team": Level.TEAM, "tenant": Level.TENANT}

# The metrics both sides compute from events alone (calendar basis).
EVENT_METRICS = (
    "tickets_created",
    "tickets_solved",
    "first_response_time",
    "reply_time",
    "resolution_time",
    "one_touch_rate",
    "reopen_rate",
    "replies_per_ticket",
    "abandoned_rate",
    "csat",
    "csat_response_rate",
    "csat_comment_rate",
    "ces",
    "nps",
    "conversations_per_hour",
    "handle_time",
)


def table_entry(values: MetricSet) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for (key, basis), v in values.items():
        if basis is Basis.CALENDAR and v.value is not None:
            out[key] = {"value": v.value, "sample": v.sample_size, "mean": v.mean, "p90": v.p90}
    return out


def in_memory(events: Iterable[dict[str, Any]], *, timezone: str, grain: str) -> Table:
    """The production domain code (fold → samples → aggregate → values), no database."""
    parsed = [parse_event(e) for e in events]
    by_ticket: dict[str, list[Any]] = defaultdict(list)
    for e in _ticket_events(parsed):
        by_ticket[e.ticket_id].append(e)
    located = [Located(t, s) for t, es in by_ticket.items() for s in ticket_samples(fold(t, es))]
    located += _activity(parsed, timezone)
    teams = _agent_teams(parsed, timezone)
    days = {local_day(item.sample.at, timezone) for item in located}
    g = Grain(grain)
    out: Table = {name: {} for name in LEVELS}
    for start in sorted({period_start(g, d) for d in days}):
        for name, level in LEVELS.items():
            aggregates = aggregate_samples(
                located,
                timezone=timezone,
                period=Period(g, start),
                level=level,
                team_of_agent=teams,
            )
            for subject, streams in aggregates.items():
                values = metric_values(streams, level=level)
                if has_data(values):  # only what a snapshot would be stored for
                    out[name].setdefault(subject, {})[start.isoformat()] = table_entry(values)
    return out


def _activity(parsed: list[Any], timezone: str) -> list[Located]:
    spans: dict[str, list[tuple[Any, Any]]] = defaultdict(list)
    for e in parsed:
        if isinstance(e, AgentActivity):
            spans[e.agent_id].append((e.started_at, e.ended_at))

    def next_midnight(t: Any) -> Any:
        return local_midnight(local_day(t, timezone) + ONE_DAY, timezone)

    return [
        Located(f"activity:{agent}", s)
        for agent, intervals in spans.items()
        for s in activity_samples(agent, intervals, day_starts=next_midnight)
    ]


def _agent_teams(parsed: list[Any], timezone: str) -> TeamHistory:
    """Every upsert states its agent's team from its local day on (domain.memberships)."""
    stated: dict[str, list[Statement]] = defaultdict(list)
    for p in parsed:
        if isinstance(p, AgentUpserted):
            day = local_day(p.occurred_at, timezone)
            stated[p.agent_id].append(Statement(day, p.team_id, p.occurred_at, p.id))
    return TeamHistory.of(stated)


def mismatches(
    ours: Table, oracle: Table, *, metrics: Iterable[str] = EVENT_METRICS, tolerance: float = 1e-6
) -> list[str]:
    """Every (level, subject, period, metric) where the two sides disagree."""
    wanted = set(metrics)
    problems: list[str] = []
    for level in LEVELS:
        subjects = set(ours.get(level, {})) | set(oracle.get(level, {}))
        for subject in sorted(subjects):
            a, b = ours.get(level, {}).get(subject, {}), oracle.get(level, {}).get(subject, {})
            for period in sorted(set(a) | set(b)):
                for metric in sorted(wanted):
                    x, y = a.get(period, {}).get(metric), b.get(period, {}).get(metric)
                    if not _same(x, y, tolerance):
                        problems.append(f"{level} {subject} {period} {metric}: ours={x} oracle={y}")
    return problems


def _same(x: dict[str, Any] | None, y: dict[str, Any] | None, tolerance: float) -> bool:
    if x is None or y is None:
        return x is None and y is None
    if x["sample"] != y["sample"]:
        return False
    keys = ["value"] + [k for k in ("mean", "p90") if k in y and y[k] is not None]
    return all(
        math.isclose(float(x[k]), float(y[k]), rel_tol=tolerance, abs_tol=tolerance) for k in keys
    )


def all_grains() -> tuple[str, ...]:
    return tuple(g.value for g in GRAINS)


def from_snapshots(container: Any, tenant_id: Any, grain: str) -> Table:
    """What the pipeline stored, in the oracle's shape (external ids as subjects)."""
    out: Table = {name: {} for name in LEVELS}
    with container.read_uow(tenant_id) as uow:
        agents = {a.id: a.external_id for a in uow.reads.agents()}
        teams = {t.id: t.external_ids[0].id for t in uow.reads.teams()}
        names = {"agent": agents, "team": teams, "tenant": {tenant_id: "tenant"}}
        for period in uow.snapshots.periods(Grain(grain)):
            for name, level in LEVELS.items():
                for subject_id, snap in uow.reads.snapshots(level, period).items():
                    entry = table_entry(snap.metrics)
                    if entry:
                        subject = names[name][subject_id]
                        out[name].setdefault(subject, {})[period.start.isoformat()] = entry
    return out
