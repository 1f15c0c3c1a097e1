"""The daily schedule of performance reviews, on RQ: the dispatcher the cron runs queues one
job per active cycle for its last complete period, and a real `fairscore worker` creates
the reviews. Several workers each run the cron: the dispatch happens once a day, a cycle's
period is queued once (a deterministic job id), and a rerun creates nothing twice; a Redis
outage is a typed error of `runReviewCycle`, not a crash."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime, time
from pathlib import Path

import pytest
from croniter import croniter
from rq import Queue

from domain.performance_reviews.cycles import Cadence, last_complete_period
from domain.performance_reviews.service import create_cycle
from domain.ports import TenantId
from infra import admin
from infra.bootstrap import Container
from infra.db.tables import PERFORMANCE_REVIEW
from infra.db.types import utcnow
from infra.queue import CREATE_PERFORMANCE_REVIEWS, performance_reviews_job_id
from tests.factories import agent_profile
from tests.support.api import access_token, api_client, graphql_data
from tests.support.derive import apply_and_settle
from tests.support.owner import owner_engine
from tests.support.rq import redis_down_app, rq_app, run_worker_burst
from workers.cron import PERFORMANCE_REVIEWS_CRON
from workers.jobs import schedule_performance_reviews

pytestmark = pytest.mark.redis
TZ = "Pacific/Auckland"
RUN = """mutation($c: ID!, $d: Date!) { runReviewCycle(cycleId: $c, periodStart: $d) {
  __typename ... on ReviewCycleRun { queued } ... on UserError { message } } }"""


@pytest.fixture
def rq_container(postgres_url: str, redis_url: str, tmp_path: Path) -> Iterator[Container]:
    with rq_app(postgres_url, redis_url, tmp_path, prefix="fairscore-pr") as c:
        yield c


def tenant_with_cycle(c: Container) -> tuple[TenantId, str]:
    """Agents ann and bob in team tier1, the lead in leads; a MONTHLY cycle of tier1."""
    tenant = admin.create_tenant(c, slug=f"pr-{uuid.uuid4().hex[:6]}", name="PR", timezone=TZ)
    events = [agent_profile(a, team=t) for a, t in (("ann", "tier1"), ("bob", "tier1"))]
    events.append(agent_profile("lead", team="leads"))
    apply_and_settle(c, tenant.id, source="generic", events=events)
    with c.uow(tenant.id) as uow:
        lead = uow.directory.agent_ids("generic", ["lead"], create=False)["lead"]
        tier1 = uow.directory.team_ids("generic", ["tier1"])["tier1"]
        cycle = create_cycle(
            uow,
            name="Monthly",
            cadence=Cadence.MONTHLY,
            reviewer_id=lead,
            rating_scale=["Below", "Meets"],
            team_ids=[tier1],
            now=utcnow(),
        )
        uow.commit()
    return tenant.id, cycle.id


def jobs(c: Container, tenant: TenantId) -> list[str]:
    queued = Queue(c.settings.queue_name, connection=c.redis).jobs
    return [
        j.id for j in queued if j.func_name == CREATE_PERFORMANCE_REVIEWS and j.args[0] == tenant
    ]


def test_the_cron_runs_the_dispatcher_every_day_at_noon_utc() -> None:
    runs = croniter(PERFORMANCE_REVIEWS_CRON, datetime(2026, 3, 4, 12, 0))
    upcoming = [runs.get_next(datetime) for _ in range(3)]
    assert [run.day for run in upcoming] == [5, 6, 7]
    assert {run.time() for run in upcoming} == {time(12, 0)}


def test_the_dispatcher_queues_each_cycles_period_once_and_a_real_worker_reviews_it(
    rq_container: Container,
) -> None:
    c = rq_container
    tenant, cycle = tenant_with_cycle(c)
    period = last_complete_period(Cadence.MONTHLY, utcnow(), TZ)

    first, second = schedule_performance_reviews(), schedule_performance_reviews()

    assert first >= 1
    assert second == 0  # another worker's cron got there first today
    assert jobs(c, tenant) == [performance_reviews_job_id(tenant, cycle, period.start)]
    done = run_worker_burst(c)
    assert done.returncode == 0, done.stderr[-2000:]
    with owner_engine(c).connect() as conn:
        rows = conn.execute(
            PERFORMANCE_REVIEW.select().where(PERFORMANCE_REVIEW.c.tenant_id == tenant)
        ).all()
    assert len(rows) == 2  # ann and bob; the lead is in another team
    assert {r.period_start for r in rows} == {period.start}
    assert {r.status for r in rows} == {"DRAFT"}

    client = api_client(c)
    token = access_token(client, c, tenant, scopes=("people:write",))
    again = graphql_data(client, token, RUN, c=cycle, d=period.start.isoformat())
    assert again["runReviewCycle"] == {"__typename": "ReviewCycleRun", "queued": True}
    assert run_worker_burst(c).returncode == 0
    with owner_engine(c).connect() as conn:
        assert (
            conn.execute(
                PERFORMANCE_REVIEW.select().where(PERFORMANCE_REVIEW.c.tenant_id == tenant)
            ).all()
            == rows
        )  # nothing created twice, nothing rewritten


def test_a_redis_outage_is_a_typed_error_of_run_review_cycle(
    postgres_url: str, tmp_path: Path
) -> None:
    with redis_down_app(postgres_url, tmp_path) as down:
        tenant, cycle = tenant_with_cycle(down)
        client = api_client(down)
        token = access_token(client, down, tenant, scopes=("people:write",))

        result = graphql_data(client, token, RUN, c=cycle, d="2026-03-01")

        assert result["runReviewCycle"]["__typename"] == "UnavailableError"
