"""The SQL pipeline (samples → SQL aggregates → snapshots) equals the independent oracle,
on SQLite and PostgreSQL, however the events are delivered."""

from __future__ import annotations

import random
from typing import Any

import pytest

from domain.ports import TenantProfile
from domain.services.recompute import rebuild
from infra.bootstrap import Container
from infra.bulk.rebuild import bulk_rebuild
from infra.synthetic import Shape, generate
from tests.oracle.spec_oracle import compute
from tests.support.compare import all_grains, from_snapshots, mismatches
from tests.support.derive import apply_and_settle

TZ = "Europe/Berlin"


@pytest.fixture(scope="module")
def history() -> list[dict[str, Any]]:
    return list(generate(Shape(tickets=250, days=50, agents=6, teams=2, seed=11)))


def messy(events: list[dict[str, Any]], seed: int = 3) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    stream = events + rng.sample(events, len(events) // 10)  # 10% delivered twice
    rng.shuffle(stream)
    return stream


def deliver_in_batches(c: Container, tenant: TenantProfile, events: list[dict[str, Any]]) -> None:
    rng = random.Random(5)
    start = 0
    while start < len(events):
        size = rng.randint(1, 400)
        apply_and_settle(c, tenant.id, source="generic", events=events[start : start + size])
        start += size


def test_incremental_snapshots_match_the_oracle_for_every_grain(
    container: Container, tenant: TenantProfile, history: list[dict[str, Any]]
) -> None:
    deliver_in_batches(container, tenant, messy(history))
    for grain in all_grains():
        ours = from_snapshots(container, tenant.id, grain)
        assert ours["agent"], "the pipeline stored agent snapshots"
        assert mismatches(ours, compute(history, timezone=TZ, grain=grain)) == [], grain


def test_a_full_rebuild_equals_the_incremental_result(
    container: Container, tenant: TenantProfile, history: list[dict[str, Any]]
) -> None:
    deliver_in_batches(container, tenant, messy(history))
    before = {g: from_snapshots(container, tenant.id, g) for g in ("DAY", "MONTH")}
    result = rebuild(lambda: container.uow(tenant.id, exclusive=True), batch=97)
    assert result.streams > 250
    for grain, table in before.items():
        assert mismatches(from_snapshots(container, tenant.id, grain), table) == []


def test_delivering_everything_again_changes_nothing(
    container: Container, tenant: TenantProfile, history: list[dict[str, Any]]
) -> None:
    apply_and_settle(container, tenant.id, source="generic", events=history)
    first = from_snapshots(container, tenant.id, "WEEK")
    new = apply_and_settle(container, tenant.id, source="generic", events=messy(history))
    assert new == 0
    assert mismatches(from_snapshots(container, tenant.id, "WEEK"), first) == []


def test_a_parallel_bulk_rebuild_equals_the_incremental_result(
    container: Container, tenant: TenantProfile, history: list[dict[str, Any]]
) -> None:
    deliver_in_batches(container, tenant, messy(history))
    before = {g: from_snapshots(container, tenant.id, g) for g in all_grains()}
    result = bulk_rebuild(container, tenant.id, workers=2)
    assert result.snapshots > 0
    for grain, table in before.items():
        assert mismatches(from_snapshots(container, tenant.id, grain), table) == [], grain
