"""Metric samples: swapped per ticket, aggregated per period in SQL.

The aggregate query computes count, sum, median (mean of the two middle values) and
nearest-rank p90 with window functions, identically on PostgreSQL and SQLite.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import asdict
from datetime import date
from typing import Any

from sqlalchemy import String, bindparam, delete, select, text

from domain.casemix.apply import Strata
from domain.memberships import TeamMove
from domain.metrics import Level
from domain.periods import Period
from domain.ports import StoredSample, Touch
from domain.values import Aggregate, StreamKey
from infra.db.aggregates import (
    ADJUSTED,
    AGENT_JOIN,
    SUBJECT,
    aggregate_sql,
    periods_sql,
    read_row,
    read_strata,
    strata_sql,
    subjects_strata_sql,
)
from infra.db.repositories.base import TenantRepository
from infra.db.sql import as_date, chunks, is_postgres
from infra.db.tables import METRIC_SAMPLE
from infra.db.unnest import insert_unnest

S = METRIC_SAMPLE.c

# With each (day, agent, team): whether one of its samples is a case-mix one (SPEC §8) —
# replacing it may move the period's references, so the roll-up re-adjusts the others.
# Of `{rows}`: the table, or the rows a DELETE or INSERT returned (in its round trip).
_TOUCHES_OF = """
SELECT DISTINCT s.local_day, s.agent_id, {team}, {adjusted}
FROM {rows} s
{join}
"""
_RETURNED = "local_day, agent_id, team_id, metric, tenant_id"
_DELETE = """
WITH gone AS (
    DELETE FROM metric_sample
    WHERE tenant_id = :tenant AND source = :source AND origin = ANY(CAST(:origins AS text[]))
    RETURNING {returned}
)
"""


def _touches(rows: str) -> str:
    return _TOUCHES_OF.format(
        team=SUBJECT[Level.TEAM], adjusted=ADJUSTED, rows=rows, join=AGENT_JOIN
    )


_DELETE_TOUCHES = text(_DELETE.format(returned=_RETURNED) + _touches("gone"))
_INSERT_TOUCHES = "WITH new AS ({insert})" + _touches("new")


class SqlSamples(TenantRepository):
    def replace(
        self, source: str, origins: Collection[str], samples: Sequence[StoredSample]
    ) -> set[Touch]:
        origins = sorted(origins)
        if is_postgres(self.session):
            return self._swap(source, origins, [self._row(s) for s in samples])
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

    def _swap(self, source: str, origins: list[str], rows: list[dict[str, Any]]) -> set[Touch]:
        """`replace` in two statements, each returning what it touched: the rows it deletes,
        and the rows it inserts (one constant INSERT over arrays)."""
        params = {"tenant": self.tenant_id, "source": source, "origins": origins}
        found = list(self.session.execute(_DELETE_TOUCHES, params))
        if rows:
            found += insert_unnest(
                self.session,
                METRIC_SAMPLE,
                rows,
                conflict=(),
                returning=_RETURNED,
                around=_INSERT_TOUCHES,
            )
        return {Touch(as_date(day), agent, team, bool(mixed)) for day, agent, team, mixed in found}

    def _row(self, s: StoredSample) -> dict[str, Any]:
        row = asdict(s)
        row["value_business"] = row.pop("business")
        row["tenant_id"] = self.tenant_id
        return row

    def touches_of_origins(self, source: str, origins: Sequence[str]) -> set[Touch]:
        out: set[Touch] = set()
        sql = text(
            _touches("metric_sample")
            + "WHERE s.tenant_id = :tenant AND s.source = :source AND s.origin IN :origins"
        )
        sql = sql.bindparams(bindparam("origins", expanding=True))
        for part in chunks(origins):
            rows = self.session.execute(
                sql, {"tenant": self.tenant_id, "source": source, "origins": list(part)}
            )
            out.update(
                Touch(as_date(day), agent, team, bool(mixed)) for day, agent, team, mixed in rows
            )
        return out

    def touches_of_moves(self, moves: Sequence[TeamMove]) -> set[Touch]:
        """Only the days a move covers are re-attributed: the agent's samples dated inside
        it touch their periods for the agent, and for the old and the new team (a sample
        with a ticket team of its own keeps it). A team's case-mix reference may move."""
        out: set[Touch] = set()
        for move in moves:
            stmt = (
                select(S.local_day, S.team_id)
                .distinct()
                .where(S.tenant_id == self.tenant_id, S.agent_id == move.agent_id)
            )
            if move.start is not None:
                stmt = stmt.where(S.local_day >= move.start)
            if move.end is not None:
                stmt = stmt.where(S.local_day < move.end)
            for day, team in self.session.execute(stmt):
                for agent_team in (move.old_team, move.new_team):
                    out.add(Touch(as_date(day), move.agent_id, team or agent_team, True))
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
        return self.aggregate_days(period.start, period.end, level, subjects)

    def aggregate_days(
        self, start: date, end: date, level: Level, subjects: Collection[str] | None
    ) -> dict[str, dict[StreamKey, Aggregate]]:
        dialect = self.session.get_bind().dialect.name
        sql = aggregate_sql(dialect, level, subjects=subjects is not None)
        out: dict[str, dict[StreamKey, Aggregate]] = {}
        for row in self._day_rows(sql, start, end, subjects):
            read_row(row, out)
        return out

    def aggregate_periods(
        self, level: Level, wanted: Mapping[Period, Collection[str]]
    ) -> dict[Period, dict[str, dict[StreamKey, Aggregate]]]:
        out: dict[Period, dict[str, dict[StreamKey, Aggregate]]] = {p: {} for p in wanted}
        subjects = sorted(set().union(*wanted.values()))
        if not subjects:
            return out
        if self.session.get_bind().dialect.name != "postgresql":
            return {p: self.aggregate(p, level, subjects) for p in wanted}
        periods = list(wanted)
        statement = text(periods_sql(level)).bindparams(bindparam("subjects", expanding=True))
        params = {
            "tenant": self.tenant_id,
            "starts": [p.start for p in periods],
            "ends": [p.end for p in periods],
            "first": min(p.start for p in periods),
            "last": max(p.end for p in periods),
            "subjects": subjects,
        }
        for row in self.session.execute(statement, params):
            read_row(row, out[periods[row[0] - 1]])
        return out

    def strata(self, period: Period) -> dict[Level, Strata]:
        out: dict[Level, Strata] = {level: {} for level in Level}
        for row in self._day_rows(strata_sql(), period.start, period.end, None):
            read_strata(row, out[Level(row[-1])])
        return out

    def strata_of(
        self, period: Period, agents: Collection[str], teams: Collection[str]
    ) -> dict[Level, Strata]:
        out: dict[Level, Strata] = {level: {} for level in Level}
        statement = text(subjects_strata_sql()).bindparams(  # typed: either may be empty
            bindparam("agents", expanding=True, type_=String),
            bindparam("teams", expanding=True, type_=String),
        )
        params = {
            "tenant": self.tenant_id,
            "start": period.start,
            "end": period.end,
            "agents": sorted(agents),
            "teams": sorted(teams),
        }
        for row in self.session.execute(statement, params):
            read_strata(row, out[Level(row[-1])])
        return out

    def _day_rows(
        self, sql: str, start: date, end: date, subjects: Collection[str] | None
    ) -> Iterable[Any]:
        """Rows of a per-period statement for local days `start` ≤ day < `end`."""
        statement = text(sql)
        params: dict[str, Any] = {"tenant": self.tenant_id, "start": start, "end": end}
        if subjects is not None:
            statement = statement.bindparams(bindparam("subjects", expanding=True))
            params["subjects"] = sorted(subjects)
        return self.session.execute(statement, params)
