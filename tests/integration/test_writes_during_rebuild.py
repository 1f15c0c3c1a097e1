"""A GraphQL write while the tenant's history is being rebuilt (PostgreSQL).

API writes queue behind the reconcile that holds the tenant. A REBUILD holds it for
minutes on a large tenant, and a write queued behind it ran into API_STATEMENT_TIMEOUT and
was told to "ask for less". Now such a write answers the code REBUILDING, changing
nothing; a rebuild or a reconcile shorter than the timeout is simply waited for.
"""

from __future__ import annotations

import threading
import time
from contextlib import nullcontext
from datetime import date

import pytest
from starlette.testclient import TestClient

from domain.ports import TenantProfile
from infra import admin
from infra.bootstrap import Container
from infra.db.claims import is_rebuilding, rebuilding, tenant_claim
from infra.settings import Settings
from tests.factories import Ticket
from tests.support.api import access_token, graphql
from tests.support.derive import apply_and_settle
from tests.support.derived_rows import outbox_left

TIMEOUT = 2.0  # API_STATEMENT_TIMEOUT
SET = """mutation($count: Int!) {
  setActiveUsers(period: {grain: MONTH, start: "2026-03-01"}, count: $count) {
    __typename ... on ActiveUsers { count }
  }
}"""


@pytest.fixture
def database_url(postgres_url: str) -> str:
    """PostgreSQL only: SQLite has neither the locks nor the timeout."""
    return postgres_url


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"api_statement_timeout": TIMEOUT})


@pytest.fixture
def token(client: TestClient, container: Container, tenant: TenantProfile) -> str:
    return access_token(client, container, tenant.id, scopes=("read", "admin"))


def test_a_write_behind_a_long_rebuild_answers_rebuilding_and_changes_nothing(
    container: Container, tenant: TenantProfile, client: TestClient, token: str
) -> None:
    with tenant_claim(container.engine, tenant.id), rebuilding(container.engine, tenant.id):
        answer = graphql(client, token, SET, count=40).json()

    (error,) = answer["errors"]
    assert error["extensions"]["code"] == "REBUILDING"
    assert "being rebuilt" in error["message"]
    assert outbox_left(container, tenant.id)["dirty_period"] == 0  # the write did not happen
    ok = graphql(client, token, SET, count=40).json()  # once it is done, the write goes in
    assert ok["data"]["setActiveUsers"] == {"__typename": "ActiveUsers", "count": 40}


def test_a_write_behind_a_long_reconcile_that_is_not_a_rebuild_is_a_query_timeout(
    container: Container, tenant: TenantProfile, client: TestClient, token: str
) -> None:
    with tenant_claim(container.engine, tenant.id):
        answer = graphql(client, token, SET, count=40).json()

    assert answer["errors"][0]["extensions"]["code"] == "QUERY_TIMEOUT"


@pytest.mark.parametrize("rebuild", [False, True], ids=["reconcile", "rebuild"])
def test_a_write_waits_out_a_short_reconcile_or_rebuild(
    container: Container, tenant: TenantProfile, client: TestClient, token: str, rebuild: bool
) -> None:
    held = threading.Event()

    def short_one() -> None:
        marked = rebuilding(container.engine, tenant.id) if rebuild else nullcontext()
        with tenant_claim(container.engine, tenant.id), marked:
            held.set()
            time.sleep(0.5)

    holder = threading.Thread(target=short_one)
    holder.start()
    held.wait(5)
    started = time.monotonic()
    answer = graphql(client, token, SET, count=40).json()
    waited = time.monotonic() - started
    holder.join()

    assert answer["data"]["setActiveUsers"] == {"__typename": "ActiveUsers", "count": 40}
    assert waited >= 0.3  # it queued behind the claim


@pytest.mark.parametrize("since", [None, date(2026, 3, 2)], ids=["bulk", "from a day"])
def test_a_rebuild_says_so_while_it_runs_and_not_after(
    container: Container, tenant: TenantProfile, since: date | None
) -> None:
    events = [e for n in range(4) for e in Ticket(f"RB{n}").created(n).customer(n).events]
    apply_and_settle(container, tenant.id, source="generic", events=events)
    seen: set[bool] = set()

    def look(stage: str, done: int, total: int) -> None:
        with container.uow(tenant.id) as uow:
            seen.add(is_rebuilding(uow.session, tenant.id))

    admin.recompute(container, tenant.id, since=since, progress=look)

    assert seen == {True}
    with container.uow(tenant.id) as uow:
        assert not is_rebuilding(uow.session, tenant.id)
