"""The weekly schedule: the dispatcher the cron runs queues one generation job per tenant
with an active sampling rule on RQ, and a real `fairscore worker` draws the assignments
of the tenant's last complete week. Several workers each run the cron: the dispatch
happens once, and a tenant's week is queued once (a deterministic job id); a Redis
outage is a typed error of `generateReviewAssignments`, not a crash."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from croniter import croniter
from rq import Queue

from domain.periods import local_midnight
from domain.ports import TenantId
from domain.quality.assignment_service import last_complete_week, save_rule
from domain.quality.sampling import SamplingStrategy
from infra import admin
from infra.bootstrap import Container
from infra.db.tables import REVIEW_ASSIGNMENT
from infra.db.types import utcnow
from infra.queue import GENERATE_REVIEW_ASSIGNMENTS, review_assignments_job_id
from tests.factories import Ticket, agent_profile
from tests.support.api import access_token, api_client, count_rows, graphql_data
from tests.support.derive import apply_and_settle
from tests.support.rq import redis_down_app, rq_app, run_worker_burst
from workers.cron import REVIEW_ASSIGNMENTS_CRON
from workers.jobs import schedule_review_assignments

pytestmark = pytest.mark.redis
TZ = "Europe/Berlin"


@pytest.fixture
def rq_container(postgres_url: str, redis_url: str, tmp_path: Path) -> Iterator[Container]:
    with rq_app(postgres_url, redis_url, tmp_path, prefix="fairscore-qa") as c:
        yield c


def test_the_cron_runs_the_dispatcher_on_mondays_once_the_week_is_over_everywhere() -> None:
    runs = croniter(REVIEW_ASSIGNMENTS_CRON, datetime(2026, 3, 4, 12, 0))
    upcoming = [runs.get_next(datetime) for _ in range(3)]
    assert {run.weekday() for run in upcoming} == {0}
    assert {run.time() for run in upcoming} == {time(12, 0)}  # Monday 02:00 in UTC−10


def test_the_dispatcher_queues_generation_and_a_real_worker_draws_last_weeks_tickets(
    rq_container: Container,
) -> None:
    c = rq_container
    tenant = admin.create_tenant(c, slug=f"qa-{uuid.uuid4().hex[:6]}", name="QA", timezone=TZ)
    week = last_complete_week(utcnow(), TZ)
    tuesday = local_midnight(week + timedelta(days=1), TZ) + timedelta(hours=9)
    events = [
        agent_profile("ann", team="tier1"),
        agent_profile("lead", team="leads"),
        *Ticket("S-1", base=tuesday)
        .created(0, assignee="ann")
        .customer(1)
        .agent(5, "ann")
        .solve(9)
        .events,
    ]
    apply_and_settle(c, tenant.id, source="generic", events=events)
    with c.uow(tenant.id) as uow:
        lead = uow.directory.agent_ids("generic", ["lead"], create=False)["lead"]
        save_rule(
            uow, per_agent_per_week=2, strategy=SamplingStrategy.RANDOM, seed=1, reviewers=[lead]
        )
        uow.commit()

    assert schedule_review_assignments() >= 1
    queued = Queue(c.settings.queue_name, connection=c.redis).jobs
    assert any(
        j.func_name == GENERATE_REVIEW_ASSIGNMENTS and j.args == (tenant.id, week.isoformat())
        for j in queued
    )

    done = run_worker_burst(c)

    assert done.returncode == 0, done.stderr[-2000:]
    assert count_rows(c, REVIEW_ASSIGNMENT, tenant.id, week_start=week) == 1


GENERATE = """mutation($week: Date!) { generateReviewAssignments(weekStart: $week) {
  __typename ... on AssignmentsRequested { queued } ... on UnavailableError { message } } }"""


def tenant_with_rule(c: Container) -> TenantId:
    tenant = admin.create_tenant(c, slug=f"qa-{uuid.uuid4().hex[:6]}", name="QA", timezone=TZ)
    apply_and_settle(c, tenant.id, source="generic", events=[agent_profile("lead", team=None)])
    with c.uow(tenant.id) as uow:
        lead = uow.directory.agent_ids("generic", ["lead"], create=False)["lead"]
        save_rule(
            uow, per_agent_per_week=1, strategy=SamplingStrategy.RANDOM, seed=1, reviewers=[lead]
        )
        uow.commit()
    return tenant.id


def generation_jobs(c: Container, tenant: TenantId) -> list[str]:
    queued = Queue(c.settings.queue_name, connection=c.redis).jobs
    return [
        j.id for j in queued if j.func_name == GENERATE_REVIEW_ASSIGNMENTS and j.args[0] == tenant
    ]


def test_several_workers_cron_dispatches_once_and_a_tenants_week_is_queued_once(
    rq_container: Container,
) -> None:
    tenant = tenant_with_rule(rq_container)
    week = last_complete_week(utcnow(), TZ)

    first, second = schedule_review_assignments(), schedule_review_assignments()

    assert first >= 1
    assert second == 0  # another worker's cron got there first today
    assert generation_jobs(rq_container, tenant) == [review_assignments_job_id(tenant, week)]


def test_generating_a_week_again_while_its_job_waits_queues_nothing_more(
    rq_container: Container,
) -> None:
    tenant = tenant_with_rule(rq_container)
    client = api_client(rq_container)
    token = access_token(client, rq_container, tenant, scopes=("read", "admin"))
    week = last_complete_week(utcnow(), TZ).isoformat()

    answers = [graphql_data(client, token, GENERATE, week=week) for _ in range(3)]

    assert {a["generateReviewAssignments"]["__typename"] for a in answers} == {
        "AssignmentsRequested"
    }
    assert len(generation_jobs(rq_container, tenant)) == 1


def test_a_redis_outage_is_a_typed_error_of_generate_review_assignments(
    postgres_url: str, tmp_path: Path
) -> None:
    with redis_down_app(postgres_url, tmp_path) as down:
        tenant = tenant_with_rule(down)
        client = api_client(down)
        token = access_token(client, down, tenant, scopes=("read", "admin"))

        result = graphql_data(client, token, GENERATE, week="2026-03-02")

        assert result["generateReviewAssignments"]["__typename"] == "UnavailableError"
