"""Deleting a tenant's snapshots with their scores (score_snapshot and snapshot_score share
one key, and are written and deleted together): by key, by period, since a day.

snapshot_score has no index by period (a second index would slow every COPY of scores),
so a period's rows are found through score_snapshot's `ix_score_snapshot_period` and
deleted by key: a re-score from a day on PostgreSQL replaces hundreds of periods, and
deleting each by period scanned all of the tenant's scores (EXPLAIN ANALYZE at 100k
tickets, a day of 509 agents: 120 ms by period, a sequential scan; 18 ms by key through
that index).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import delete, select, tuple_
from sqlalchemy.orm import Session

from domain.periods import GRAINS, Period, period_start
from infra.db.sql import as_date, chunks
from infra.db.tables import SCORE_SNAPSHOT, SNAPSHOT_SCORE

Key = tuple[str, str, str, date]  # subject type, subject id, grain, period start
TABLES = (SCORE_SNAPSHOT, SNAPSHOT_SCORE)
_S = SCORE_SNAPSHOT.c


def delete_keys(session: Session, tenant_id: str, keys: Sequence[Key]) -> None:
    for table in TABLES:
        c = table.c
        for part in chunks(keys):
            session.execute(
                delete(table).where(
                    c.tenant_id == tenant_id,
                    tuple_(c.subject_type, c.subject_id, c.grain, c.period_start).in_(part),
                )
            )


def keys_of_period(session: Session, tenant_id: str, period: Period) -> list[Key]:
    """The keys of the period's stored snapshots."""
    found = session.execute(
        select(_S.subject_type, _S.subject_id).where(
            _S.tenant_id == tenant_id,
            _S.grain == period.grain.value,
            _S.period_start == period.start,
        )
    )
    return [(kind, subject, period.grain.value, period.start) for kind, subject in found]


def stored_periods(session: Session, tenant_id: str, since: date | None) -> list[Period]:
    """The periods ending after `since` (None: all) with snapshots."""
    found: list[Period] = []
    for grain in GRAINS:
        where = [_S.tenant_id == tenant_id, _S.grain == grain.value]
        if since is not None:
            where.append(_S.period_start >= period_start(grain, since))
        starts = session.execute(select(_S.period_start).where(*where).distinct())
        found += [Period(grain, as_date(start)) for (start,) in starts]
    return sorted(found)


def delete_since(session: Session, tenant_id: str, since: date | None) -> None:
    """Every snapshot and score of the periods ending after `since` (None: all)."""
    for table in TABLES:
        mine = table.c.tenant_id == tenant_id
        if since is None:
            session.execute(delete(table).where(mine))
            continue
        for grain in GRAINS:
            session.execute(
                delete(table).where(
                    mine,
                    table.c.grain == grain.value,
                    table.c.period_start >= period_start(grain, since),
                )
            )
