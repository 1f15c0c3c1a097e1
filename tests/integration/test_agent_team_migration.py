"""Migration e1teams0010 backfills agent_team from the event log: the same statements and
ranges the app writes as the profiles arrive."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text

from infra import admin
from infra.bootstrap import Container
from infra.db.migrate import downgrade, upgrade
from infra.queue import InProcessJobQueue
from tests.integration.test_agent_team_history import solved, upsert
from tests.support.containers import installed_container
from tests.support.owner import owner_engine

ROWS = text(
    "SELECT a.external_id, m.from_day, t.external_id, m.ref, m.valid_from, m.valid_to "
    "FROM agent_team m JOIN agent_identity a ON a.tenant_id = m.tenant_id "
    "AND a.agent_id = m.agent_id LEFT JOIN team_identity t ON t.tenant_id = m.tenant_id "
    "AND t.team_id = m.team_id ORDER BY 1, 2"
)


def rows(c: Container) -> list[tuple[Any, ...]]:
    with owner_engine(c).connect() as conn:
        return [tuple(str(v) if v is not None else None for v in r) for r in conn.execute(ROWS)]


def test_the_backfill_equals_what_the_app_wrote(empty_database: str, tmp_path: Path) -> None:
    upgrade(empty_database)
    with installed_container(empty_database, tmp_path / "keys") as c:
        tenant = admin.create_tenant(c, slug="backfill", name="Backfill", timezone="Europe/Berlin")
        events = [
            upsert("ag1", "t1", datetime(2026, 5, 1, tzinfo=UTC)),
            upsert("ag1", "t2", datetime(2026, 6, 14, 22, 30, tzinfo=UTC)),  # June 15 local
            upsert("ag1", "t1", datetime(2026, 6, 15, 8, tzinfo=UTC)),  # same day, later
            upsert("ag2", None, datetime(2026, 5, 3, tzinfo=UTC)),
            upsert("ag2", "t2", datetime(2026, 7, 1, tzinfo=UTC)),
            *solved("T1", "2026-06-20", "ag3"),  # an agent without a profile: no rows
        ]
        admin.apply_canonical(c, tenant.id, source="generic", events=list(reversed(events)))
        assert isinstance(c.queue, InProcessJobQueue)
        c.queue.join()
        written = rows(c)
        assert [r[:3] for r in written] == [
            ("ag1", "2026-05-01", "t1"),
            ("ag1", "2026-06-15", "t1"),
            ("ag2", "2026-05-03", None),
            ("ag2", "2026-07-01", "t2"),
        ]
        assert written[0][4:] == ("0001-01-01", "2026-06-15")  # the first reaches back

        downgrade(empty_database, "e1teams0010-1")
        upgrade(empty_database)

        assert rows(c) == written
