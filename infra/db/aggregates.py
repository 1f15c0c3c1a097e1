"""The SQL that summarises metric samples per subject and period.

Count, sum, median (mean of the two middle values) and nearest-rank p90 per stream, in
both bases. PostgreSQL uses ordered-set aggregates (`percentile_disc` picks the middle
values and the nearest rank);
SQLite, which has none, ranks rows with window functions. Only duration streams pay for
percentiles, and only the streams that count distinct tickets pay for that.
"""

from __future__ import annotations

from typing import Any

from domain import metrics as m
from domain.casemix import ADJUSTED_METRICS, Moments
from domain.casemix.apply import Strata
from domain.metrics import Basis, Level
from domain.values import Aggregate, StreamKey

SUBJECT = {
    Level.AGENT: "s.agent_id",
    # The ticket's team, else the agent's team on the sample's day (SPEC §4).
    Level.TEAM: "COALESCE(s.team_id, m.team_id)",
    Level.TENANT: "s.tenant_id",
}
# Aggregation hints, read from the metric dictionary.
DURATIONS = m.duration_streams()
DISTINCT_TICKETS = m.distinct_ticket_streams()
IN_DURATIONS = "s.metric IN ({})".format(", ".join(f"'{k}'" for k in DURATIONS))
IN_DISTINCT = "s.metric IN ({})".format(", ".join(f"'{k}'" for k in DISTINCT_TICKETS))
# The agent's membership in force on the sample's day: a range join on agent_team's
# materialised ranges (disjoint per agent, so at most one row matches).
AGENT_JOIN = (
    "LEFT JOIN agent_team m ON m.tenant_id = s.tenant_id AND m.agent_id = s.agent_id"
    " AND m.valid_from <= s.local_day AND (m.valid_to IS NULL OR s.local_day < m.valid_to)"
)


def join_for(level: Level) -> str:
    """Only the team level reads the agent's team (a sample without a team of its own)."""
    return AGENT_JOIN if level is Level.TEAM else ""


# The median is the mean of the two middle values, computed as (a + b) / 2 like
# domain.stats and the bulk path (percentile_cont(0.5) gives a + (b - a) / 2, which can
# differ in the last bit). The upper middle is the first value past the halfway mark:
# exact for any group under 10⁹ rows. The ordered-set aggregates of one ORDER BY share
# one sort.
LOWER_MIDDLE = "percentile_disc(0.5) WITHIN GROUP"
UPPER_MIDDLE = "percentile_disc(0.5 + 1e-9) WITHIN GROUP"

_POSTGRES = """
SELECT {period} AS period, {subject} AS subject, s.metric,
    COUNT(*), SUM(s.value), {ranks},
    COUNT(s.value_business), SUM(s.value_business), {ranks_business}
FROM metric_sample s {periods}{join}
WHERE s.tenant_id = :tenant {within}
  AND {subject} IS NOT NULL {only}
GROUP BY 1, 2, 3
"""
_RANKS = """({lower} (ORDER BY s.value) FILTER (WHERE {durations})
        + {upper} (ORDER BY s.value) FILTER (WHERE {durations})) / 2,
    percentile_disc(0.9) WITHIN GROUP (ORDER BY s.value) FILTER (WHERE {durations}),
    COUNT(DISTINCT s.origin) FILTER (WHERE {distinct})"""
_RANKS_BUSINESS = """({lower} (ORDER BY s.value_business)
        + {upper} (ORDER BY s.value_business)) / 2,
    percentile_disc(0.9) WITHIN GROUP (ORDER BY s.value_business)"""
_ONE_PERIOD = "AND s.local_day >= :start AND s.local_day < :end"
# Several periods in one statement (a roll-up's day, week, month and quarter): a sample
# counts in every listed period that holds its day, grouped by the period's place in the
# list (a day, a month and a quarter may start on the same date).
_PERIODS = (
    "JOIN unnest(CAST(:starts AS date[]), CAST(:ends AS date[])) WITH ORDINALITY"
    " AS p(start, stop, k) ON s.local_day >= p.start AND s.local_day < p.stop "
)

_SQLITE = """
WITH picked AS (
    SELECT {subject} AS subject, s.metric, s.origin, s.value, s.value_business
    FROM metric_sample s {join}
    WHERE s.tenant_id = :tenant AND s.local_day >= :start AND s.local_day < :end
      AND {subject} IS NOT NULL {only}
), ranked AS (
    SELECT subject, metric, origin, value, value_business,
        ROW_NUMBER() OVER (PARTITION BY subject, metric ORDER BY value) AS rn,
        COUNT(*) OVER (PARTITION BY subject, metric) AS n,
        ROW_NUMBER() OVER (PARTITION BY subject, metric ORDER BY
            CASE WHEN value_business IS NULL THEN 1 ELSE 0 END, value_business) AS rb,
        COUNT(value_business) OVER (PARTITION BY subject, metric) AS nb
    FROM picked
)
SELECT :start AS period, subject, metric, COUNT(*), SUM(value),
    AVG(CASE WHEN rn IN ((n + 1) / 2, (n + 2) / 2) THEN value END),
    MAX(CASE WHEN rn = (90 * n + 99) / 100 THEN value END),
    COUNT(DISTINCT CASE WHEN metric IN ({distinct}) THEN origin END),
    MAX(nb), SUM(value_business),
    AVG(CASE WHEN rb IN ((nb + 1) / 2, (nb + 2) / 2) AND nb > 0 THEN value_business END),
    MAX(CASE WHEN rb = (90 * nb + 99) / 100 AND nb > 0 THEN value_business END)
FROM ranked
GROUP BY subject, metric
"""


def aggregate_sql(dialect: str, level: Level, *, subjects: bool) -> str:
    """SQL for the one period that starts at :start and ends before :end."""
    subject = SUBJECT[level]
    join = join_for(level)
    only = f"AND {subject} IN :subjects" if subjects else ""
    if dialect == "postgresql":
        return _postgres(level, "CAST(:start AS date)", _ONE_PERIOD, only)
    distinct = ", ".join(f"'{k}'" for k in DISTINCT_TICKETS)
    return _SQLITE.format(subject=subject, join=join, only=only, distinct=distinct)


def periods_sql(level: Level) -> str:
    """`aggregate_sql`'s rows (PostgreSQL) for every period listed in :starts and :ends
    (arrays of the same length), of the :subjects only, in one statement instead of one
    per period; a row's period is its period's place in the list, from 1."""
    # The bounds of all the periods (:first, :last) keep the scan on the day index's range:
    # the join alone let the planner read every sample of the tenant.
    within = "AND s.local_day >= :first AND s.local_day < :last"
    return _postgres(level, "p.k", within, f"AND {SUBJECT[level]} IN :subjects", periods=_PERIODS)


def _postgres(level: Level, period: str, within: str, only: str, *, periods: str = "") -> str:
    return _POSTGRES.format(
        period=period,
        subject=SUBJECT[level],
        periods=periods,
        join=join_for(level),
        within=within,
        only=only,
        ranks=_RANKS,
        ranks_business=_RANKS_BUSINESS,
    ).format(durations=IN_DURATIONS, distinct=IN_DISTINCT, lower=LOWER_MIDDLE, upper=UPPER_MIDDLE)


def read_row(row: Any, into: dict[str, dict[StreamKey, Aggregate]]) -> None:
    """One result row → the subject's streams (calendar, and business when present)."""
    streams = into.setdefault(row[1], {})
    metric = row[2]
    # positional (count, total, median, p90, distinct tickets): a bulk rebuild reads
    # millions of these rows, and keywords made each construction ~1.5x slower (timeit)
    median, p90 = row[5], row[6]
    streams[(metric, Basis.CALENDAR)] = Aggregate(
        row[3],
        float(row[4]),
        None if median is None else float(median),
        None if p90 is None else float(p90),
        row[7] or 0,
    )
    if row[8]:
        median, p90 = row[10], row[11]
        streams[(metric, Basis.BUSINESS)] = Aggregate(
            row[8],
            float(row[9]),
            None if median is None else float(median),
            None if p90 is None else float(p90),
        )


# Case mix (SPEC §8): per stratum, plain moments of the adjusted streams in both bases —
# sums only, so PostgreSQL hashes them without a sort, and SQLite runs the same text.
ADJUSTED = "s.metric IN ({})".format(", ".join(f"'{k}'" for k in ADJUSTED_METRICS))
# One scan of the period's adjusted samples (with the agent's team, as the team level
# reads it: the range join matches at most one row, so the other levels are unchanged),
# summed per level.
_STRATA = """
WITH picked AS (
    SELECT s.agent_id, {team} AS team_id, s.tenant_id, s.metric, s.channel, s.priority,
        s.value, s.value_business
    FROM metric_sample s {join}
    WHERE s.tenant_id = :tenant {within} AND {adjusted}
)
{levels}
"""
_STRATUM = """SELECT {subject}, metric, channel, priority,
    COUNT(*), SUM(value), SUM(value * value),
    COUNT(value_business), SUM(value_business), SUM(value_business * value_business),
    '{level}'
FROM picked WHERE {subject} IS NOT NULL
GROUP BY 1, 2, 3, 4"""
# A level's subject column in rows already picked with the agent's team (also the bulk
# path's columnar copy of the samples, infra/bulk/columnar.py).
PICKED_SUBJECT = {Level.AGENT: "agent_id", Level.TEAM: "team_id", Level.TENANT: "tenant_id"}


def strata_sql() -> str:
    """The case-mix moments of the period from :start to before :end, per level, subject,
    stream and stratum, in one statement (rows for `read_strata`, the level last): a
    roll-up reads the reference and every subject's moments together."""
    levels = "\nUNION ALL\n".join(
        _STRATUM.format(subject=PICKED_SUBJECT[level], level=level.value) for level in Level
    )
    return _STRATA.format(
        team=SUBJECT[Level.TEAM],
        join=AGENT_JOIN,
        within=_ONE_PERIOD,
        adjusted=ADJUSTED,
        levels=levels,
    )


# The same moments of the tenant and a few agents and teams (a roll-up whose references
# did not move: its touched subjects, and the tenant as their reference) in one scan of the
# period's adjusted samples, without the team join: a team's samples are those with its
# ticket team, and the team-less samples of its members, found from the membership rows.
_SUBJECT_STRATA = """
WITH picked AS (
    SELECT s.agent_id, s.team_id, s.metric, s.channel, s.priority, s.value, s.value_business
    FROM metric_sample s
    WHERE s.tenant_id = :tenant {within} AND {adjusted}
), members AS (
    SELECT m.team_id, s.metric, s.channel, s.priority, s.value, s.value_business
    FROM agent_team m JOIN metric_sample s ON s.tenant_id = m.tenant_id
        AND s.agent_id = m.agent_id AND m.valid_from <= s.local_day
        AND (m.valid_to IS NULL OR s.local_day < m.valid_to)
    WHERE m.tenant_id = :tenant AND m.team_id IN :teams AND s.team_id IS NULL
        {within} AND {adjusted}
)
SELECT :tenant, {moments}, '{tenant}' FROM picked GROUP BY 2, 3, 4
UNION ALL
SELECT agent_id, {moments}, '{agent}' FROM picked WHERE agent_id IN :agents GROUP BY 1, 2, 3, 4
UNION ALL
SELECT team_id, {moments}, '{team}' FROM (
    SELECT team_id, metric, channel, priority, value, value_business
    FROM picked WHERE team_id IN :teams
    UNION ALL
    SELECT * FROM members
) t GROUP BY 1, 2, 3, 4
"""
_MOMENTS = """metric, channel, priority, COUNT(*), SUM(value), SUM(value * value),
    COUNT(value_business), SUM(value_business), SUM(value_business * value_business)"""


def subjects_strata_sql() -> str:
    """`strata_sql`'s rows, of the tenant and the :agents and :teams only."""
    return _SUBJECT_STRATA.format(
        within=_ONE_PERIOD,
        adjusted=ADJUSTED,
        moments=_MOMENTS,
        tenant=Level.TENANT.value,
        agent=Level.AGENT.value,
        team=Level.TEAM.value,
    )


def read_strata(row: Any, into: Strata) -> None:
    """One result row → the subject's moments in the stratum, calendar and business.
    (get, not setdefault: a rebuild reads millions of rows, nearly all into mappings that
    exist, and setdefault would build an empty one for each.)"""
    streams = into.get(row[0])
    if streams is None:
        streams = into[row[0]] = {}
    cell = (row[2], row[3])
    key = (row[1], Basis.CALENDAR)
    calendar = streams.get(key)
    if calendar is None:
        calendar = streams[key] = {}
    calendar[cell] = Moments(row[4], float(row[5]), float(row[6]))
    if row[7]:
        key = (row[1], Basis.BUSINESS)
        business = streams.get(key)
        if business is None:
            business = streams[key] = {}
        business[cell] = Moments(row[7], float(row[8]), float(row[9]))
