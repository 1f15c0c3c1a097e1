"""The goals' share of the derivation pipeline: a status moves with the calendar (the
hourly cron asks the reconciler, which dates statuses by its clock), and a rebuild of the
history leaves every goal as the incremental path left it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from domain.derivation.outbox import Redo
from domain.goals.engine import refresh_goals
from domain.goals.model import (
    GoalKind,
    GoalState,
    GoalStatus,
    MetricTarget,
    OwnerKind,
    StoredGoal,
)
from domain.goals.service import GoalSpec, create_goal, refresh_statuses
from domain.metrics import Direction
from domain.periods import local_day
from domain.ports import TenantId, TenantProfile, UnitOfWork
from infra import admin
from infra.bootstrap import Container
from tests.factories import Ticket, agent_profile
from tests.support.derive import apply_and_settle, settle
from tests.support.rq import rq_app
from tests.support.sql import statements
from workers.jobs import refresh_goal_statuses

NOW = datetime.now(UTC)


def agent_goal(c: Container, tenant: TenantProfile, **fields: object) -> str:
    """A goal of agent "ann" over ten days, six of them elapsed today (0.6 expected)."""
    today = local_day(NOW, tenant.timezone)
    with c.uow(tenant.id) as uow:
        [ann] = uow.directory.agent_ids("generic", ["ann"], create=False).values()
        spec = GoalSpec(
            title="Ann's goal",
            owner_kind=OwnerKind.AGENT,
            owner_id=ann,
            start=today - timedelta(days=5),
            end=today + timedelta(days=4),
            **fields,  # type: ignore[arg-type]
        )
        goal = create_goal(uow, spec, now=NOW).id
        uow.commit()
    settle(c)
    return goal


def stored(c: Container, tenant: TenantId, goal_id: str) -> StoredGoal:
    with c.uow(tenant) as uow:
        found = uow.goals.get(goal_id)
    assert found is not None
    return found


def refresh_as_of(c: Container, tenant: TenantProfile, when: datetime) -> None:
    """The cron's request and the reconcile that carries it out, with the clock at `when`."""
    today = local_day(when, tenant.timezone)
    reconciler = replace(c.reconciler(tenant.id, wait=True), clock=lambda: when)
    reconciler.run(lambda uow: refresh_statuses(uow, today=today))


@pytest.fixture
def ann(container: Container, tenant: TenantProfile) -> TenantProfile:
    apply_and_settle(
        container, tenant.id, source="generic", events=[agent_profile("ann", team="t")]
    )
    return tenant


def test_a_status_moves_with_the_calendar_without_any_event(
    container: Container, ann: TenantProfile
) -> None:
    goal = agent_goal(container, ann, kind=GoalKind.MANUAL, progress=0.5)
    assert stored(container, ann.id, goal).status is GoalStatus.AT_RISK  # 0.5 ≥ 0.8 × 0.6
    for days, status in ((2, GoalStatus.OFF_TRACK), (-2, GoalStatus.ON_TRACK)):
        refresh_as_of(container, ann, NOW + timedelta(days=days))
        found = stored(container, ann.id, goal)
        assert (found.status, found.progress) == (status, 0.5)
    with container.uow(ann.id) as uow:
        history = uow.goals.history([goal])[goal]
    assert [p.progress for p in history] == [0.5]  # the progress never changed


def test_a_rebuild_leaves_every_goal_as_the_incremental_path_did(
    container: Container, ann: TenantProfile
) -> None:
    target = MetricTarget("tickets_solved", 4, Direction.HIGHER_IS_BETTER)
    goal = agent_goal(container, ann, kind=GoalKind.METRIC, metric=target)
    base = NOW - timedelta(days=1)
    events = [
        e
        for n in range(3)
        for e in Ticket(f"T-{n}", base=base)
        .created(0, assignee="ann")
        .agent(5, "ann")
        .solve(9)
        .events
    ]
    apply_and_settle(container, ann.id, source="generic", events=events)
    incremental = stored(container, ann.id, goal)
    assert (incremental.progress, incremental.state.value) == (0.75, 3.0)

    admin.recompute(container, ann.id, since=None)
    settle(container)
    rebuilt = stored(container, ann.id, goal)
    assert replace(rebuilt.state, computed_at=None) == replace(incremental.state, computed_at=None)
    with container.uow(ann.id) as uow:
        assert uow.goals.history([goal])[goal][-1].progress == 0.75


def test_recomputing_goals_sends_as_many_statements_for_three_as_for_one(
    container: Container, ann: TenantProfile
) -> None:
    """A rebuild recomputes every running goal: the metrics of goals over the same days
    are read together, and the states and history points written at once."""
    target = MetricTarget("tickets_solved", 4, Direction.HIGHER_IS_BETTER)
    goals = [agent_goal(container, ann, kind=GoalKind.METRIC, metric=target) for _ in range(3)]
    base = NOW - timedelta(days=1)
    story = Ticket("T-1", base=base).created(0, assignee="ann").agent(5, "ann").solve(9)
    apply_and_settle(container, ann.id, source="generic", events=story.events)

    def sent(ids: list[str]) -> int:
        with container.uow(ann.id) as uow:
            uow.goals.set_states({g: GoalState() for g in ids})  # each one moves: a point
            with statements(container, r"\S") as seen:
                assert refresh_goals(uow, ids, now=NOW) == len(ids)
            assert {g: s.state.value for g, s in uow.goals.many(ids).items()} == dict.fromkeys(
                ids, 1.0
            )
            assert all(len(points) == 3 for points in uow.goals.history(ids).values())
        return len(seen)

    assert sent(goals) == sent(goals[:1])


@pytest.fixture
def rq_container(postgres_url: str, redis_url: str, tmp_path: Path) -> Iterator[Container]:
    with rq_app(postgres_url, redis_url, tmp_path, prefix="fairscore-goals") as c:
        yield c


def pending(uow: UnitOfWork) -> set[Redo]:
    return {r.kind for r in uow.outbox.requests()}


@pytest.mark.redis
def test_the_hourly_cron_asks_each_tenant_with_running_goals_once(
    rq_container: Container,
) -> None:
    c = rq_container
    tag = uuid.uuid4().hex[:8]
    tenant = admin.create_tenant(c, slug=f"g-{tag}", name="Goals", timezone="Pacific/Auckland")
    idle = admin.create_tenant(c, slug=f"i-{tag}", name="Idle", timezone="UTC")
    with c.uow(tenant.id) as uow:
        today = local_day(NOW, tenant.timezone)
        # to tomorrow: still running if Auckland's midnight passes between NOW (the test
        # module's import) and the cron's clock (a goal of NOW's day alone failed so)
        tomorrow = today + timedelta(days=1)
        spec = GoalSpec("Company", OwnerKind.TENANT, None, today, tomorrow, GoalKind.MANUAL)
        create_goal(uow, spec, now=NOW)
        uow.commit()
    asked = refresh_goal_statuses()
    assert asked >= 1  # this tenant (and any other test's still running)
    with c.uow(tenant.id) as uow:
        assert Redo.GOALS in pending(uow)
    with c.uow(idle.id) as uow:
        assert pending(uow) == set()
    assert refresh_goal_statuses() == 0  # once per hour, however many workers
