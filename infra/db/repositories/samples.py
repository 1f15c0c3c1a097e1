"""Metric samples: swapped per ticket, aggregated per period in SQL.

The aggregate query computes count, sum, median (mean of the two middle values) and
nearest-rank p90 with window functions, identically on PostgreSQL and SQLite.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import asdict
from datetime import date
from itertools import groupby
from typing import Any

from sqlalchemy import bindparam, delete, select, text

from domain.metrics import Basis, Level
from domain.periods import Grain, Period
from domain.ports import StoredSample, Touch
from domain.stats import median, nearest_rank
from domain.values import Aggregate, StreamKey
from infra.db.aggregates import aggregate_sql, history_sql, read_row
from infra.db.repositories.base import TenantRepository
from infra.db.sql import chunks
from infra.db.tables import METRIC_SAMPLE

S = METRIC_SAMPLE.c

_TOUCHES = """
SELECT DISTINCT s.local_day, s.agent_id, COALESCE(s.team_id, a.team_id)
FROM metric_sample s
LEFT JOIN agent a ON a.tenant_id = s.tenant_id AND a.id = s.agent_id
WHERE s.tenant_id = :tenant AND {where}
"""


class SqlSamples(TenantRepository):
    def replace(
        self, source: str, origins: Collection[str], samples: Sequence[StoredSample]
    ) -> set[Touch]:
        origins = sorted(origins)
        touched = self.touches_of_origins(source, origins)
        for part in chunks(origins):
            self.session.execute(
                delete(METRIC_SAMPLE).where(
                    S.tenant_id == self.tenant_id, S.source == source, S.origin.in_(part)
                )
            )
        rows = [self._row(s) for s in samples]
        for batch in chunks(rows, 2000):
            self.session.execute(METRIC_SAMPLE.insert(), list(batch))
        return touched | self.touches_of_origins(source, origins)

    def _row(self, s: StoredSample) -> dict[str, Any]:
        row = asdict(s)
        row["value_business"] = row.pop("business")
        row["tenant_id"] = self.tenant_id
        return row

    def touches_of_origins(self, source: str, origins: Sequence[str]) -> set[Touch]:
        out: set[Touch] = set()
        sql = text(_TOUCHES.format(where="s.source = :source AND s.origin IN :origins"))
        sql = sql.bindparams(bindparam("origins", expanding=True))
        for part in chunks(origins):
            rows = self.session.execute(
                sql, {"tenant": self.tenant_id, "source": source, "origins": list(part)}
            )
            out.update(Touch(_as_date(day), agent, team) for day, agent, team in rows)
        return out

    def touches_of_agents(self, agent_ids: Collection[str]) -> set[Touch]:
        out: set[Touch] = set()
        sql = text(_TOUCHES.format(where="s.agent_id IN :agents"))
        sql = sql.bindparams(bindparam("agents", expanding=True))
        for part in chunks(sorted(agent_ids)):
            rows = self.session.execute(sql, {"tenant": self.tenant_id, "agents": list(part)})
            out.update(Touch(_as_date(day), agent, team) for day, agent, team in rows)
        return out

    def agents(self) -> list[str]:
        stmt = (
            select(S.agent_id)
            .distinct()
            .where(S.tenant_id == self.tenant_id, S.agent_id.is_not(None))
        )
        return list(self.session.execute(stmt).scalars())

    def days(self, since: date | None) -> list[date]:
        stmt = select(S.local_day).distinct().where(S.tenant_id == self.tenant_id)
        if since is not None:
            stmt = stmt.where(S.local_day >= since)
        return sorted(self.session.execute(stmt).scalars())

    def aggregate(
        self, period: Period, level: Level, subjects: Collection[str] | None
    ) -> dict[str, dict[StreamKey, Aggregate]]:
        dialect = self.session.get_bind().dialect.name
        sql = text(aggregate_sql(dialect, level, subjects=subjects is not None))
        params: dict[str, Any] = {
            "tenant": self.tenant_id,
            "start": period.start,
            "end": period.end,
        }
        if subjects is not None:
            sql = sql.bindparams(bindparam("subjects", expanding=True))
            params["subjects"] = sorted(subjects)
        out: dict[str, dict[StreamKey, Aggregate]] = {}
        for row in self.session.execute(sql, params):
            read_row(row, out)
        return out

    def aggregate_history(
        self, grain: Grain, level: Level, *, start: date, end: date
    ) -> dict[date, dict[str, dict[StreamKey, Aggregate]]]:
        """Every period of `grain` in [start, end) in three passes (PostgreSQL only)."""
        sums_sql, distinct_sql, durations_sql = history_sql(level, grain)
        params = {"tenant": self.tenant_id, "start": start, "end": end}
        sums: dict[tuple[date, str, str], tuple[int, float, int, float]] = {}
        for period, subject, metric, n, total, nb, total_b in self.session.execute(
            text(sums_sql), params
        ):
            sums[(period, subject, metric)] = (n, float(total), nb, float(total_b or 0.0))
        distinct = {
            (p, subj, met): n
            for p, subj, met, n in self.session.execute(text(distinct_sql), params)
        }
        ranks = _rank_durations(self.session.execute(text(durations_sql), params))
        out: dict[date, dict[str, dict[StreamKey, Aggregate]]] = {}
        for key, (n, total, nb, total_b) in sums.items():
            streams = out.setdefault(key[0], {}).setdefault(key[1], {})
            median, p90, median_b, p90_b = ranks.get(key, (None, None, None, None))
            streams[(key[2], Basis.CALENDAR)] = Aggregate(
                count=n, total=total, median=median, p90=p90, distinct_tickets=distinct.get(key, 0)
            )
            if nb:
                streams[(key[2], Basis.BUSINESS)] = Aggregate(
                    count=nb, total=total_b, median=median_b, p90=p90_b
                )
        return out


RankKey = tuple[date, str, str]


def _rank_durations(rows: Iterable[Any]) -> dict[RankKey, tuple[float | None, ...]]:
    """Median and nearest-rank p90 of each group of an ordered (group, value) stream."""
    out: dict[RankKey, tuple[float | None, ...]] = {}
    for key, group in groupby(rows, key=lambda r: (r[0], r[1], r[2])):
        items = list(group)
        values = [r[3] for r in items]
        business = [r[4] for r in items if r[4] is not None]
        out[key] = (
            median(values),
            nearest_rank(values, 90),
            median(business),
            nearest_rank(business, 90),
        )
    return out


def _as_date(value: Any) -> Any:
    # SQLite hands back ISO text for a DATE in raw SQL; Postgres a date.
    if isinstance(value, str):
        return date.fromisoformat(value)
    return value
