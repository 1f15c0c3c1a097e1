"""Synthetic bench tenants: realistic events written straight into the event log.

The events come from `infra.synthetic` (the demo's generator, deterministic per seed) and
are COPY'd into `ticket_event` exactly as ingest stores them (same columns, same JSON);
agent profiles go through the ordinary path so the directory knows every agent and team.
A tenant is built once and reused by later runs; the DuckDB side reads the same events
from a CSV written by a second pass of the same generator (memory stays flat).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bench.duckdb_metrics import write_events_csv
from domain.events import parse_event, stream_of, to_json
from domain.ports import TenantProfile
from infra import admin
from infra.bootstrap import Container
from infra.db.repositories.system import NotFoundError
from infra.db.tables import TICKET_EVENT
from infra.db.types import utcnow
from infra.synthetic import Shape, generate

COLUMNS = (
    "tenant_id",
    "source",
    "event_id",
    "type",
    "occurred_at",
    "stream",
    "payload",
    "received_at",
)
START = datetime(2025, 10, 1, tzinfo=UTC)


def shape(tickets: int, *, days: int = 365, seed: int = 42, activity: bool = True) -> Shape:
    """500 agents in 25 teams over a year; `activity` adds their daily shifts."""
    return Shape(
        agents=500,
        teams=25,
        tickets=tickets,
        days=days,
        seed=seed,
        start=START,
        prefix=f"B{seed}-",
        activity=activity,
    )


def ensure_tenant(c: Container, slug: str, s: Shape) -> tuple[TenantProfile, int]:
    """The bench tenant `slug` holding the events of `s` (built once, reused after)."""
    try:
        tenant = admin.tenant_by_slug(c, slug)
        return tenant, count_events(c, tenant)
    except NotFoundError:
        tenant = admin.create_tenant(c, slug=slug, name=f"Bench {slug}", timezone="Europe/Berlin")
    admin.apply_canonical(c, tenant.id, source="generic", events=_profiles(s))
    _copy_events(c, tenant, _without_profiles(generate(s)))
    return tenant, count_events(c, tenant)


def ensure_csv(s: Shape, path: Path) -> Path:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        write_events_csv(generate(s), tmp)
        tmp.replace(path)
    return path


def _profiles(s: Shape) -> Iterator[dict[str, Any]]:
    only_people = Shape(
        agents=s.agents,
        teams=s.teams,
        tickets=0,
        days=s.days,
        start=s.start,
        seed=s.seed,
        activity=False,
        prefix=s.prefix,
    )
    return generate(only_people)


def _without_profiles(events: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    return (e for e in events if e["type"] != "agent.upserted")


def _copy_events(c: Container, tenant: TenantProfile, events: Iterator[dict[str, Any]]) -> None:
    received = utcnow()
    with c.engine.begin() as conn:
        raw: Any = conn.connection.driver_connection
        sql = f"COPY ticket_event ({', '.join(COLUMNS)}) FROM STDIN"
        with raw.cursor() as cur, cur.copy(sql) as copy:
            for raw_event in events:
                event = parse_event(raw_event)
                copy.write_row(
                    (
                        tenant.id,
                        "generic",
                        event.id,
                        event.type,
                        event.occurred_at,
                        stream_of(event),
                        json.dumps(to_json(event)),
                        received,
                    )
                )


def count_events(c: Container, tenant: TenantProfile) -> int:
    with c.engine.connect() as conn:
        stmt = (
            select(func.count())
            .select_from(TICKET_EVENT)
            .where(TICKET_EVENT.c.tenant_id == tenant.id)
        )
        return int(conn.execute(stmt).scalar_one())
