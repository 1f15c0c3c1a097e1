"""Past one machine (issue 13, docs/scaling.md): the API and the workers keep no state of
their own, so two `fairscore serve` processes behind a (round-robin) load balancer and
three `fairscore worker` processes on one PostgreSQL and one Redis derive exactly what a
clean rebuild derives, for 20 tenants posting at once."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from domain.ports import TenantId
from infra import admin
from infra.bootstrap import Container
from infra.settings import Settings
from tests.e2e.drills import history, logs, make_stack, start_worker, wait_settled
from tests.e2e.harness import Stack
from tests.support.faults import derived_rows, differences, event_ids
from tests.support.logins import login_urls

pytestmark = [pytest.mark.e2e, pytest.mark.redis]

TENANTS, WORKERS = 20, 3


@dataclass(frozen=True)
class Tenant:
    id: TenantId
    slug: str
    path: str  # its webhook path
    secret: str
    events: list[dict[str, Any]]


@pytest.fixture
def first_api(database_url: str, redis_url: str, tmp_path: Path) -> Iterator[Stack]:
    s = make_stack(database_url, redis_url, tmp_path)
    yield s
    s.stop()


@pytest.fixture
def operator(first_api: Stack) -> Iterator[Container]:
    """The operator's tools in this process (what the CLI calls), on the stack's services:
    20 tenants set up and rebuilt here, not by 80 CLI start-ups."""
    env = first_api.env
    c = Container(
        Settings(
            **login_urls(first_api.database_url),
            redis_url=env["REDIS_URL"],
            queue_name=env["QUEUE_NAME"],
            data_dir=Path(env["DATA_DIR"]),
        )
    )
    yield c
    c.close()


def open_tenant(c: Container, n: int) -> Tenant:
    profile = admin.create_tenant(
        c, slug=f"tenant-{n:02d}", name=f"Tenant {n}", timezone="Europe/Berlin"
    )
    hook = admin.create_integration(c, tenant=profile.id, source="generic", secret=None)
    events = history(tickets=10, seed=n, prefix=f"T{n}-")
    return Tenant(profile.id, profile.slug, f"/webhooks/generic/{hook.id}", hook.secret, events)


def second_api(first: Stack, tmp_path: Path) -> Stack:
    """Another `fairscore serve` on the same database, Redis, queue and signing keys, as a
    second host behind the load balancer would run (same issuer: one public URL)."""
    workdir = tmp_path / "api-2"
    workdir.mkdir()
    second = Stack(
        database_url=first.database_url,
        redis_url=first.env["REDIS_URL"],
        workdir=workdir,
        queue_name=first.env["QUEUE_NAME"],
    )
    second.env.update(
        DATA_DIR=first.env["DATA_DIR"], JWT_ISSUER=first.env["JWT_ISSUER"], LOG_LEVEL="INFO"
    )
    second.serve()
    return second


def test_two_apis_and_three_workers_derive_what_a_clean_rebuild_derives(
    first_api: Stack, operator: Container, database_url: str, tmp_path: Path
) -> None:
    tenants = [open_tenant(operator, n) for n in range(TENANTS)]
    second = second_api(first_api, tmp_path)
    try:
        workers = [start_worker(first_api, f"worker-{n}") for n in range(WORKERS)]

        def post(tenant: Tenant) -> None:
            """Half of a tenant's deliveries reach one API, half the other."""
            half = len(tenant.events) // 2
            first_api.post_webhooks(tenant.path, tenant.secret, tenant.events[:half], seed=1)
            second.post_webhooks(tenant.path, tenant.secret, tenant.events[half:], seed=2)

        with ThreadPoolExecutor(8) as pool:
            list(pool.map(post, tenants))
        wait_settled(first_api, database_url, timeout=240)

        assert all(w.poll() is None for w in workers), "a worker died under the load"
        for n in range(WORKERS):  # the load was shared, not taken by one of them
            assert "Job OK" in logs(first_api, f"worker-{n}"), f"worker-{n} ran no job"
        for api in (first_api, second):
            assert (
                "/webhooks/{source}/{integration_id}" in (api.workdir / "serve.log").read_text()
            ), api.url
    finally:
        second.stop()
    for tenant in tenants:  # what the workers derived, then a clean rebuild of it
        assert event_ids(database_url, tenant.id) == sorted({e["id"] for e in tenant.events})
        derived = derived_rows(database_url, tenant.id)
        assert derived["ticket"] and derived["score_snapshot"], tenant.slug
        admin.recompute(operator, tenant.id, since=None)
        problems = differences(derived, derived_rows(database_url, tenant.id))
        assert problems == [], f"{tenant.slug}: " + "\n".join(problems)
