"""Summaries of a tenant's whole history, one grain at a time, period after period.

Each row is what the incremental roll-up reads for one period (infra.db.aggregates: the
same SQL, with the period's first day computed per sample instead of bound), so the bulk
and incremental paths share one definition of every statistic — sums, the median as the
mean of the two middle values, the nearest-rank p90, distinct tickets. Team levels take the
ticket's team, else the agent's team on the sample's day (the same range join).

The three levels of a grain come from one statement in period order through a server-side
cursor: the caller holds one period's summaries at a time, whatever the history's size.
PostgreSQL only (the bulk strategy's storage).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date
from operator import itemgetter

from sqlalchemy import text
from sqlalchemy.orm import Session

from domain.casemix.apply import Strata
from domain.metrics import Level
from domain.periods import Grain
from domain.services.rescoring import Streams
from infra.db.aggregates import history_sql, read_row, read_strata, strata_history_sql
from infra.db.sql import as_date

BATCH = 10_000  # rows per fetch of the server-side cursor
_LEVELS = {level.value: level for level in Level}


def periods(
    session: Session, tenant_id: str, grain: Grain
) -> Iterator[tuple[date, dict[Level, Streams]]]:
    """(period start, summaries per level and subject) of every `grain` period with
    samples, in date order. Other statements may run on the session between two periods
    (the cursor stays open in the transaction)."""
    rows = session.execute(
        text(_sql(grain)).execution_options(yield_per=BATCH), {"tenant": tenant_id}
    )
    for start, group in itertools.groupby(rows, key=itemgetter(0)):
        by_level: dict[Level, Streams] = {level: {} for level in Level}
        for row in group:
            read_row(row, by_level[_LEVELS[row[-1]]])
        yield as_date(start), by_level


def strata(
    session: Session, tenant_id: str, grain: Grain
) -> Iterator[tuple[date, dict[Level, Strata]]]:
    """(period start, case-mix moments per level, subject, stream and stratum) of every
    `grain` period with adjusted samples, in date order: the roll-up's strata SQL over the
    whole history in one hashed scan, rather than three statements per period."""
    sql = strata_history_sql(grain)
    rows = session.execute(text(sql).execution_options(yield_per=BATCH), {"tenant": tenant_id})
    for start, group in itertools.groupby(rows, key=itemgetter(10)):
        by_level: dict[Level, Strata] = {level: {} for level in Level}
        for row in group:
            read_strata(row, by_level[_LEVELS[row[-1]]])
        yield as_date(start), by_level


def _sql(grain: Grain) -> str:
    parts = [
        f"SELECT q.*, '{level.value}' FROM ({history_sql(level, grain)}) q"  # noqa: S608 (ours)
        for level in Level
    ]
    return "\nUNION ALL\n".join(parts) + "\nORDER BY 1"
