"""Migration f4strata0016 gives the samples stored before it the stratum a fold would give
them: their ticket's channel and no priority (no event could state one before)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import text

from infra import admin
from infra.bootstrap import Container
from infra.db.migrate import downgrade, upgrade
from infra.queue import InProcessJobQueue
from tests.factories import Ticket
from tests.support.containers import installed_container
from tests.support.owner import owner_engine

ROWS = text("SELECT origin, seq, metric, channel, priority FROM metric_sample ORDER BY 1, 2")
ACTIVITY = {
    "id": "shift-1",
    "type": "agent.activity",
    "occurred_at": "2026-03-02T17:00:00Z",
    "agent_id": "a1",
    "started_at": "2026-03-02T08:00:00Z",
    "ended_at": "2026-03-02T17:00:00Z",
}


def rows(c: Container) -> list[tuple[Any, ...]]:
    with owner_engine(c).connect() as conn:
        return [tuple(r) for r in conn.execute(ROWS)]


def test_the_backfill_equals_what_the_app_wrote(empty_database: str, tmp_path: Path) -> None:
    upgrade(empty_database)
    with installed_container(empty_database, tmp_path / "keys") as c:
        tenant = admin.create_tenant(c, slug="strata", name="Strata", timezone="Europe/Berlin")
        chat = Ticket("T1").created(0, channel="chat", assignee="a1").customer(1)
        phone = Ticket("T2").created(0, channel="phone", assignee="a1").customer(1)
        never_created = Ticket("T3").customer(0).agent(5, "a1").solve(9)
        events = [
            *chat.agent(5, "a1").solve(9).rate(20, 5).events,
            *phone.agent(7, "a1").solve(30).events,
            *never_created.events,
            ACTIVITY,
        ]
        admin.apply_canonical(c, tenant.id, source="generic", events=events)
        assert isinstance(c.queue, InProcessJobQueue)
        c.queue.join()
        written = rows(c)
        assert {(r[0], r[3], r[4]) for r in written} == {
            ("T1", "chat", None),
            ("T2", "phone", None),
            ("T3", None, None),
            ("activity:a1", None, None),
        }

        downgrade(empty_database, "f3oneonone0015")
        upgrade(empty_database)

        assert rows(c) == written
