"""A rebuild never leaves readers without scores: the snapshots and scores from before it
stay readable until it replaces them (an admin's change of SLA targets or case-mix
settings rebuilds the whole history, which takes minutes for a large tenant).

Over an unchanged event log a rebuild derives the same rows again, so at every step it
reports (its progress callback, run while it holds the tenant), another connection must
read exactly the snapshots and scores of before: on PostgreSQL the bulk strategy for the
whole history (the snapshots are replaced in the score stage's one transaction), and
everywhere the generic re-score from a day (each period replaced in its own)."""

from __future__ import annotations

from datetime import date

import pytest

from infra import admin
from infra.bootstrap import Container
from infra.synthetic import generate
from tests.integration.test_columnar_summaries import SPRING
from tests.integration.test_incremental_equals_bulk import ROUNDING, deliver, new_tenant
from tests.support.derived_rows import Rows, derived_rows, differences

SCORES = ("score_snapshot", "snapshot_score")


def scores_of(rows: Rows) -> Rows:
    return {name: rows[name] for name in SCORES}


BULK = {"fold", "score"}  # infra.bulk.rebuild's stages
GENERIC = {"re-fold", "re-score"}  # domain.services.recompute's


@pytest.mark.parametrize(
    ("database_url", "since", "stages"),
    [
        ("postgres", None, BULK),
        ("postgres", date(2026, 4, 6), GENERIC),
        ("sqlite", None, GENERIC),
        ("sqlite", date(2026, 4, 6), GENERIC),
    ],
    indirect=["database_url"],
    ids=["postgres-bulk", "postgres-from-a-day", "sqlite", "sqlite-from-a-day"],
)
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
