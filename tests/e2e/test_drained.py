"""What "drained" means to the e2e tests (harness.wait_until_drained, drills.settled): no
derivation work in the database. The product moves work between the outbox's tables in one
commit (a delivery is finished in the transaction that marks its dirty periods; a roll-up
deletes the marks in the one that writes the snapshots), so the three tables must be read
in one snapshot: read one after another, a commit landing between the reads can move the
work from a table not yet read to one already read, and nothing seems to wait."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session

from domain.derivation.outbox import DirtyEntry
from domain.integrations import PROCESSED
from domain.metrics import Level
from domain.periods import Grain, Period
from domain.ports import TenantId
from infra.db.migrate import upgrade
from infra.db.repositories.deliveries import NewDelivery, SqlDeliveries
from infra.db.repositories.outbox import SqlOutbox
from infra.db.tables import TENANT
from tests.e2e.harness import wait_until_drained
from tests.support.faults import backlog

pytestmark = pytest.mark.e2e
MARCH = Period(Grain.MONTH, date(2026, 3, 1))


@pytest.fixture
def owner(database_url: str) -> Iterator[Engine]:
    """The migrated scratch database, as its owner (no row-level security)."""
    upgrade(database_url)
    engine = create_engine(database_url)
    yield engine
    engine.dispose()


def one_pending_delivery(engine: Engine) -> tuple[TenantId, str]:
    tenant = TenantId(uuid.uuid4().hex)
    with Session(engine) as session:
        session.execute(
            TENANT.insert().values(id=tenant, slug=f"t-{tenant[:8]}", name="T", timezone="UTC")
        )
        delivery = SqlDeliveries(session, tenant).add(
            NewDelivery(
                integration_id="i-1",
                source="generic",
                delivery_key="msg-late",
                headers={},
                body=b'{"events": []}',
                received_at=datetime.now(UTC),
                signature="valid",
            )
        )
        session.commit()
    assert delivery is not None
    return tenant, delivery


def intake_commit(engine: Engine, tenant: TenantId, delivery: str) -> None:
    """What intake commits for a delivery (domain/services/intake.py `process`): it is
    finished, and the periods its events touched are marked, in one transaction."""
    with Session(engine) as session:
        SqlDeliveries(session, tenant).finish(delivery, status=PROCESSED, event_count=1)
        SqlOutbox(session, tenant).reaggregate([DirtyEntry(MARCH, Level.AGENT, "bob")])
        session.commit()


def test_work_moving_between_the_outbox_tables_while_polled_is_never_drained(
    owner: Engine, database_url: str
) -> None:
    tenant, delivery = one_pending_delivery(owner)
    moved: list[str] = []

    def after_read(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        # The worker's intake commits right after the poll's first read of the tables.
        if "count(" in statement and not moved:
            moved.append(statement)
            intake_commit(owner, tenant, delivery)

    event.listen(Engine, "after_cursor_execute", after_read)
    try:
        with pytest.raises(AssertionError, match="still pending"):
            wait_until_drained(database_url, timeout=2)
    finally:
        event.remove(Engine, "after_cursor_execute", after_read)
    assert moved, "the poll read no counts"
    left = backlog(database_url)
    assert (left.deliveries, left.dirty, left.requests) == (0, 1, 0)
