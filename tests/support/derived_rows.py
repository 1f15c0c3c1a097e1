"""Every derived row of a tenant, as plain values keyed by primary key, to compare two
derivations (incremental and bulk) row for row."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Table, delete, func, select

from domain.ports import TenantId
from infra.bootstrap import Container
from infra.db.tables import (
    AGENT_TEAM,
    DERIVATION_REQUEST,
    DIRTY_PERIOD,
    METRIC_SAMPLE,
    RATING,
    SCORE_SNAPSHOT,
    SNAPSHOT_SCORE,
    TICKET,
)
from tests.support.owner import owner_engine

# Columns that legitimately differ between two derivations of the same event log: the
# wall-clock time a row was (re)written. Everything else must be identical. No generated
# ids need excluding: both derivations run on one tenant, so agent and team ids (uuids
# made when an identity is first seen) are shared, and every derived key is natural
# (ticket external id, sample origin + seq, subject + grain + period, agent + day).
WRITE_TIMES: Mapping[str, frozenset[str]] = {
    "ticket": frozenset({"updated_at"}),
    "metric_sample": frozenset(),
    "score_snapshot": frozenset({"computed_at"}),
    "snapshot_score": frozenset({"scored_at"}),
    "agent_team": frozenset(),
    "rating": frozenset(),
}
TABLES: Mapping[str, Table] = {
    "ticket": TICKET,
    "metric_sample": METRIC_SAMPLE,
    "score_snapshot": SCORE_SNAPSHOT,
    "snapshot_score": SNAPSHOT_SCORE,
    "agent_team": AGENT_TEAM,
    "rating": RATING,
}
# What a rebuild recreates from the event log alone (agent_team and rating are written
# when an event is applied; review samples come from the review table).
REBUILT = ("ticket", "metric_sample", "score_snapshot", "snapshot_score")
REVIEWS = "fairscore"
AGGREGATED = ("score_snapshot", "snapshot_score")  # sums and medians of float samples

Rows = dict[str, dict[tuple[Any, ...], dict[str, Any]]]


def derived_rows(c: Container, tenant: TenantId) -> Rows:
    """{table: {primary key: {column: value}}} of the tenant, write times left out."""
    with owner_engine(c).connect() as conn:
        return rows_of(conn, tenant)


def rows_of(conn: Connection, tenant: str) -> Rows:
    """`derived_rows` over any connection (a fault test reads another process's database)."""
    out: Rows = {}
    for name, table in TABLES.items():
        keys = [col.name for col in table.primary_key.columns]
        kept = [col for col in table.columns if col.name not in WRITE_TIMES[name]]
        found: dict[tuple[Any, ...], dict[str, Any]] = {}
        for row in conn.execute(select(*kept).where(table.c.tenant_id == tenant)):
            values = dict(row._mapping)
            found[tuple(values[k] for k in keys)] = values
        out[name] = found
    return out


def differences(
    expected: Rows, actual: Rows, *, float_tolerance: float = 0.0, limit: int = 20
) -> list[str]:
    """Rows missing on one side or differing in a column, at most `limit` of them.
    Floats (also inside JSON values) of the aggregated tables may differ by
    `float_tolerance`, relatively; every other value, key and the shape of JSON values
    must be equal, and facts and samples must be equal exactly."""
    problems: list[str] = []
    for name in TABLES:
        a, b = expected.get(name, {}), actual.get(name, {})
        tolerance = float_tolerance if name in AGGREGATED else 0.0
        for key in sorted(set(a) | set(b), key=repr):
            if key not in b:
                problems.append(f"{name} {key}: only in expected {a[key]}")
            elif key not in a:
                problems.append(f"{name} {key}: only in actual {b[key]}")
            else:
                changed = {
                    col: (x, y)
                    for col, x in a[key].items()
                    if not same(x, y := b[key][col], tolerance)
                }
                if changed:
                    problems.append(f"{name} {key}: (expected, actual) {changed}")
    return problems[:limit] + ([f"… {len(problems) - limit} more"] if len(problems) > limit else [])


def same(x: Any, y: Any, tolerance: float) -> bool:
    if _number(x) and _number(y):
        return x == y or math.isclose(x, y, rel_tol=tolerance, abs_tol=tolerance)
    if isinstance(x, dict) and isinstance(y, dict):
        return x.keys() == y.keys() and all(same(x[k], y[k], tolerance) for k in x)
    if isinstance(x, list) and isinstance(y, list):
        return len(x) == len(y) and all(same(a, b, tolerance) for a, b in zip(x, y, strict=True))
    return type(x) is type(y) and x == y


def _number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def counts(rows: Rows) -> dict[str, int]:
    return {name: len(found) for name, found in rows.items()}


def clear_rebuilt(c: Container, tenant: TenantId) -> None:
    """Forget every row a rebuild recreates, so that it must write each of them itself
    (a rebuild over existing rows could leave a stale one in place unnoticed)."""
    with owner_engine(c).begin() as conn:
        s = METRIC_SAMPLE.c
        conn.execute(delete(METRIC_SAMPLE).where(s.tenant_id == tenant, s.source != REVIEWS))
        for table in (TICKET, SCORE_SNAPSHOT, SNAPSHOT_SCORE):
            conn.execute(delete(table).where(table.c.tenant_id == tenant))


def outbox_left(c: Container, tenant: TenantId) -> dict[str, int]:
    """Outbox rows still waiting: none once derivation has settled."""
    with owner_engine(c).connect() as conn:
        return {
            table.name: conn.execute(
                select(func.count()).select_from(table).where(table.c.tenant_id == tenant)
            ).scalar_one()
            for table in (DIRTY_PERIOD, DERIVATION_REQUEST)
        }
