"""Summaries of a tenant's whole history for every grain and level, in few passes.
Team levels take the ticket's team, else the agent's team on the sample's day (the same
range join on agent_team as the per-period SQL in infra.db.aggregates).

PostgreSQL hashes sums and counts: one scan per level, with GROUPING SETS giving every
grain at once. Duration values are read once, in value order, and dealt into every
(grain, level, period, subject) group: each group's list comes out sorted, so its median
and nearest-rank p90 are index look-ups. Distinct-ticket counts are hashed per grain.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import text
from sqlalchemy.orm import Session

from domain.metrics import Basis, Level
from domain.periods import GRAINS, Grain, period_start
from domain.stats import nearest_rank_index
from domain.values import Aggregate, StreamKey
from infra.db.aggregates import (
    AGENT_JOIN,
    IN_DISTINCT,
    IN_DURATIONS,
    PG_PERIOD,
    SUBJECT,
    join_for,
)

Summaries = dict[Grain, dict[date, dict[Level, dict[str, dict[StreamKey, Aggregate]]]]]
GroupKey = tuple[Grain, date, Level, str, str]  # grain, period, level, subject, metric

# One scan, four hash tables: every grain's sums for one level (GROUPING SETS).
_SUMS = """
SELECT d, w, m, q, {subject} AS subject, s.metric, COUNT(*), SUM(s.value),
    COUNT(s.value_business), SUM(s.value_business)
FROM (SELECT *, {day} AS d, {week} AS w, {month} AS m, {quarter} AS q FROM metric_sample
      WHERE tenant_id = :tenant) s
{join}
WHERE {subject} IS NOT NULL
GROUP BY GROUPING SETS ((d, 5, 6), (w, 5, 6), (m, 5, 6), (q, 5, 6))
"""
_DISTINCT = """
SELECT period, subject, metric, COUNT(*) FROM (
    SELECT DISTINCT {period} AS period, {subject} AS subject, s.metric, s.origin
    FROM metric_sample s {join}
    WHERE s.tenant_id = :tenant AND {subject} IS NOT NULL AND {metrics}
) t
GROUP BY 1, 2, 3
"""
_DURATIONS = """
SELECT s.local_day, s.agent_id, {team}, s.metric, s.{column}
FROM metric_sample s {join}
WHERE s.tenant_id = :tenant AND {metrics} AND s.{column} IS NOT NULL
ORDER BY s.{column}
"""


def summarise(session: Session, tenant_id: str, *, business: bool) -> Summaries:
    sums: dict[GroupKey, list[float]] = {}
    for level in Level:
        for row in session.execute(text(_sums_sql(level)), {"tenant": tenant_id}):
            *starts, subject, metric, n, total, nb, total_b = row
            grain, start = next((g, p) for g, p in zip(GRAINS, starts, strict=True) if p)
            sums[(grain, start, level, subject, metric)] = [
                n,
                float(total),
                nb,
                float(total_b or 0.0),
            ]
    distinct = _distinct(session, tenant_id)
    ranks = _ranks(session, tenant_id, "value")
    ranks_b = _ranks(session, tenant_id, "value_business") if business else {}
    return _assemble(sums, distinct, ranks, ranks_b, tenant_id)


def _sums_sql(level: Level) -> str:
    periods = {
        name: PG_PERIOD[grain].replace("s.local_day", "local_day")
        for name, grain in zip(("day", "week", "month", "quarter"), GRAINS, strict=True)
    }
    return _SUMS.format(subject=SUBJECT[level], join=join_for(level), **periods)


def _distinct(session: Session, tenant_id: str) -> dict[GroupKey, int]:
    out: dict[GroupKey, int] = {}
    for grain in GRAINS:
        for level in Level:
            sql = _DISTINCT.format(
                period=PG_PERIOD[grain],
                subject=SUBJECT[level],
                join=join_for(level),
                metrics=IN_DISTINCT,
            )
            for period, subject, metric, n in session.execute(text(sql), {"tenant": tenant_id}):
                out[(grain, period, level, subject, metric)] = n
    return out


def _ranks(session: Session, tenant_id: str, column: str) -> dict[GroupKey, tuple[float, float]]:
    """(median, p90) of every duration group, from one pass in value order."""
    groups: dict[GroupKey, list[float]] = defaultdict(list)
    periods: dict[date, list[tuple[Grain, date]]] = {}
    sql = _DURATIONS.format(
        team=SUBJECT[Level.TEAM], join=AGENT_JOIN, metrics=IN_DURATIONS, column=column
    )
    for day, agent, team, metric, value in session.execute(text(sql), {"tenant": tenant_id}):
        starts = periods.get(day)
        if starts is None:
            starts = periods[day] = [(g, period_start(g, day)) for g in GRAINS]
        for grain, start in starts:
            groups[(grain, start, Level.TENANT, tenant_id, metric)].append(value)
            if agent is not None:
                groups[(grain, start, Level.AGENT, agent, metric)].append(value)
            if team is not None:
                groups[(grain, start, Level.TEAM, team, metric)].append(value)
    return {key: _median_p90(values) for key, values in groups.items()}


def _median_p90(ordered: list[float]) -> tuple[float, float]:
    n = len(ordered)
    middle = (ordered[(n - 1) // 2] + ordered[n // 2]) / 2
    return middle, ordered[nearest_rank_index(n, 90) - 1]


def _assemble(
    sums: dict[GroupKey, list[float]],
    distinct: dict[GroupKey, int],
    ranks: dict[GroupKey, tuple[float, float]],
    ranks_b: dict[GroupKey, tuple[float, float]],
    tenant_id: str,
) -> Summaries:
    out: Summaries = {}
    for key, (n, total, nb, total_b) in sums.items():
        grain, start, level, subject, metric = key
        if level is Level.TENANT:
            subject = tenant_id
        streams = (
            out.setdefault(grain, {})
            .setdefault(start, {})
            .setdefault(level, {})
            .setdefault(subject, {})
        )
        median, p90 = ranks.get(key, (None, None))
        streams[(metric, Basis.CALENDAR)] = Aggregate(
            count=int(n), total=total, median=median, p90=p90, distinct_tickets=distinct.get(key, 0)
        )
        if nb:
            median_b, p90_b = ranks_b.get(key, (None, None))
            streams[(metric, Basis.BUSINESS)] = Aggregate(
                count=int(nb), total=total_b, median=median_b, p90=p90_b
            )
    return out
