"""A rebuild never leaves readers without scores: the snapshots and scores from before it
stay readable until it replaces them (an admin's change of SLA targets or case-mix
settings rebuilds the whole history, which takes minutes for a large tenant); and what it
replaces goes — a subject or a period without samples any more loses its snapshot.

Over an unchanged event log a rebuild derives the same rows again, so at every step it
reports (its progress callback, run while it holds the tenant), another connection must
read exactly the snapshots and scores of before: on PostgreSQL the bulk strategy for the
whole history (the snapshots are replaced in the score stage's one transaction), and
everywhere the generic re-score from a day (each period replaced in its own)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import text

from domain.ports import TenantId
from infra import admin
from infra.bootstrap import Container
from infra.synthetic import generate
from tests.integration.test_columnar_summaries import SPRING
from tests.integration.test_incremental_equals_bulk import ROUNDING, deliver, new_tenant
from tests.support.derived_rows import Rows, derived_rows, differences

SCORES = ("score_snapshot", "snapshot_score")
SINCE = date(2026, 4, 6)  # SPRING runs from 2026-03-20 for forty days


def scores_of(rows: Rows) -> Rows:
    return {name: rows[name] for name in SCORES}


BULK = {"fold", "score"}  # infra.bulk.rebuild's stages
GENERIC = {"re-fold", "re-score"}  # domain.services.recompute's


EVERY_WAY = pytest.mark.parametrize(
    ("database_url", "since", "stages"),
    [
        ("postgres", None, BULK),
        ("postgres", SINCE, GENERIC),
        ("sqlite", None, GENERIC),
        ("sqlite", SINCE, GENERIC),
    ],
    indirect=["database_url"],
    ids=["postgres-bulk", "postgres-from-a-day", "sqlite", "sqlite-from-a-day"],
)


@EVERY_WAY
def test_readers_see_the_scores_of_before_until_the_rebuild_replaces_them(
    container: Container, since: date | None, stages: set[str]
) -> None:
    tenant = new_tenant(container, "TENANT")  # case mix too: its adjustments are rebuilt
    deliver(container, tenant, [list(generate(SPRING))])
    before = scores_of(derived_rows(container, tenant))
    assert all(before[name] for name in SCORES)
    seen: list[tuple[str, int]] = []

    def read_meanwhile(stage: str, done: int, total: int) -> None:
        meanwhile = scores_of(derived_rows(container, tenant))
        assert differences(before, meanwhile, float_tolerance=ROUNDING) == [], (stage, done)
        seen.append((stage, done))

    admin.recompute(container, tenant, since=since, progress=read_meanwhile)

    assert {stage for stage, _ in seen} >= stages, seen
    after = scores_of(derived_rows(container, tenant))
    assert differences(before, after, float_tolerance=ROUNDING) == []


@EVERY_WAY
def test_a_subject_or_period_without_samples_loses_its_snapshot_and_the_rest_stays(
    container: Container, since: date | None, stages: set[str]
) -> None:
    """Stale rows planted beside the real ones (copies of a real agent-day under another
    subject or day): one in a period with samples, one in a period after `since` without
    any, one before `since`. The rebuild drops the first two, and the third unless it
    rebuilds the whole history."""
    tenant = new_tenant(container, "TENANT")
    deliver(container, tenant, [list(generate(SPRING))])
    before = scores_of(derived_rows(container, tenant))
    model = next(k for k in sorted(before["score_snapshot"]) if k[1] == "AGENT" and k[3] == "DAY")
    ghost_subject = plant(container, tenant, model, subject="ghost", day=date(2026, 4, 10))
    empty_day = plant(container, tenant, model, subject=model[2], day=date(2026, 6, 15))
    before_since = plant(container, tenant, model, subject=model[2], day=date(2026, 3, 1))
    assert {ghost_subject, empty_day, before_since} <= scores_of(derived_rows(container, tenant))[
        "score_snapshot"
    ].keys()

    admin.recompute(container, tenant, since=since)

    after = scores_of(derived_rows(container, tenant))
    for name in SCORES:
        kept = set(before[name]) | ({before_since} if since else set())
        assert set(after[name]) == kept, name


def plant(
    c: Container, tenant: TenantId, model: tuple[Any, ...], *, subject: str, day: date
) -> tuple[Any, ...]:
    """A copy of `model`'s snapshot and score under another subject or day; its key."""
    _, kind, subject_id, grain, start = model
    with c.uow(tenant) as uow:
        for table, columns in (
            ("score_snapshot", "metrics, computed_at, signals"),
            ("snapshot_score", "model_id, model_version, total, breakdown, scored_at"),
        ):
            uow.session.execute(
                text(
                    f"INSERT INTO {table} (tenant_id, subject_type, subject_id, grain,"  # noqa: S608
                    f" period_start, {columns}) SELECT tenant_id, subject_type, :new_subject,"
                    f" grain, :new_day, {columns} FROM {table} WHERE tenant_id = :tenant"
                    " AND subject_type = :kind AND subject_id = :subject AND grain = :grain"
                    " AND period_start = :start"
                ),
                {
                    "new_subject": subject,
                    "new_day": day,
                    "tenant": tenant,
                    "kind": kind,
                    "subject": subject_id,
                    "grain": grain,
                    "start": start,
                },
            )
        uow.commit()
    return (tenant, kind, subject, grain, day)
