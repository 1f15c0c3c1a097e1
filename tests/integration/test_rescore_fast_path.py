"""The re-score's fast path (rescore_from: numbers streamed in batches, ColumnScorer, bulk
writes) writes exactly the rows of the per-snapshot path (rescore_each_from: a MetricSet
and `score` per snapshot), on SQLite and PostgreSQL, and touches nothing but scores."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import delete, select

from domain.metrics import Direction, Level, Statistic
from domain.model import Component, KpiModel
from domain.ports import TenantProfile
from domain.services.models import (
    activate_model,
    create_model,
    rescore_each_from,
    rescore_from,
    update_model,
)
from infra import admin
from infra.bootstrap import Container
from infra.db.repositories import rescoring, rescoring_pg
from infra.db.tables import SCORE_SNAPSHOT, SNAPSHOT_SCORE
from infra.db.uow import SqlUnitOfWork
from infra.queue import InProcessJobQueue
from infra.synthetic import Shape, generate

START = date(2026, 3, 1)
HIGHER, LOWER = Direction.HIGHER_IS_BETTER, Direction.LOWER_IS_BETTER

# Every path of the rule: shrinkage towards the team (prior_weight), gates, a count (0
# when absent), statistics other than the value, min_sample 0 and above.
TENANT_MODEL = KpiModel(
    name="Everything",
    components=(
        Component("csat", 3, 0.9, HIGHER, min_sample=2, prior_weight=10, gate_min=0.95),
        Component("first_response_time", 2, 3600, LOWER, statistic=Statistic.MEDIAN),
        Component("resolution_time", 1, 86400, LOWER, statistic=Statistic.P90, min_sample=1),
        Component("tickets_solved", 1, 4, HIGHER, min_sample=0),
        Component("reopen_rate", 1, 0.1, LOWER, min_sample=1, gate_min=0.8),
    ),
    gate_cap=70.0,
)
TEAM_MODEL = KpiModel(
    name="Team one",
    components=(
        Component("one_touch_rate", 1, 0.5, HIGHER, min_sample=1, prior_weight=3),
        Component("first_response_time", 1, 1800, LOWER, statistic=Statistic.MEAN),
    ),
)


@pytest.fixture
def history(container: Container, tenant: TenantProfile) -> TenantProfile:
    shape = Shape(
        agents=6,
        teams=2,
        tickets=160,
        days=40,
        seed=11,
        start=datetime(2026, 3, 1, tzinfo=UTC),
        prefix="R",
    )
    admin.apply_canonical(container, tenant.id, source="generic", events=generate(shape))
    if isinstance(container.queue, InProcessJobQueue):
        container.queue.join()
    with container.uow(tenant.id) as uow:
        team = uow.directory.team_by_identity("generic", "team1")
        assert team is not None
        tenant_model = create_model(uow, TENANT_MODEL).model.id or ""
        activate_model(uow, model_id=tenant_model, effective_from=date(2026, 3, 10))
        team_model = create_model(uow, replace(TEAM_MODEL, team_id=team)).model.id or ""
        activate_model(uow, model_id=team_model, effective_from=START)
        later = replace(TENANT_MODEL, gate_cap=50.0, effective_from=date(2026, 3, 25))
        update_model(uow, model_id=tenant_model, draft=later)  # joins the timeline
        uow.commit()
    # The model changes' commit requests a re-score: let it finish, or it writes scores
    # while the test wipes and compares them (seen in CI: rows before `since`).
    if isinstance(container.queue, InProcessJobQueue):
        container.queue.join()
    return tenant


def scores(uow: SqlUnitOfWork) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    s = SNAPSHOT_SCORE.c
    rows = uow.session.execute(
        select(
            s.subject_type,
            s.subject_id,
            s.grain,
            s.period_start,
            s.model_id,
            s.model_version,
            s.total,
            s.breakdown,
        ).where(s.tenant_id == uow.tenant_id)
    )
    return {tuple(row[:4]): tuple(row[4:]) for row in rows}


def metric_rows(uow: SqlUnitOfWork) -> list[tuple[Any, ...]]:
    t = SCORE_SNAPSHOT.c
    stmt = select(SCORE_SNAPSHOT).where(t.tenant_id == uow.tenant_id)
    return sorted(tuple(row) for row in uow.session.execute(stmt))


@pytest.mark.parametrize("since", [None, date(2026, 3, 16)])
def test_fast_rescore_writes_the_rows_of_the_per_snapshot_path(
    container: Container, history: TenantProfile, since: date | None
) -> None:
    with container.uow(history.id) as uow:
        metrics_before = metric_rows(uow)
        wipe_scores(uow)  # so that each path has to write every row itself
        count = rescore_from(uow, since=since)
        actual = scores(uow)
        wipe_scores(uow)
        expected_count = rescore_each_from(uow, since=since)
        expected = scores(uow)
        metrics_after = metric_rows(uow)
        uow.rollback()

    assert count == expected_count == len(expected) > 100
    assert actual.keys() == expected.keys()
    assert [k for k in expected if actual[k] != expected[k]] == []
    assert metrics_after == metrics_before  # a re-score writes only scores
    assert all(since is None or k[3] >= since for k in expected)
    # Every model of the timeline scored something, at every level…
    assert len({(row[0], row[1]) for row in expected.values()}) >= 3  # tenant ×2, team
    assert {k[0] for k in expected} == {level.value for level in Level}
    # …and an agent's csat leaned towards its team's, read from the same period.
    assert any(row[3]["c"] and _shrunk(row[3]["c"][0]) for row in expected.values())


def wipe_scores(uow: SqlUnitOfWork) -> None:
    uow.session.execute(delete(SNAPSHOT_SCORE).where(SNAPSHOT_SCORE.c.tenant_id == uow.tenant_id))


def _shrunk(component: list[Any]) -> bool:
    value, raw = component[0], component[1]
    return value is not None and raw is not None and value != raw


@pytest.mark.parametrize("batch", [rescoring.BATCH, 17])
@pytest.mark.parametrize("since", [None, date(2026, 3, 16)])
def test_fast_rescore_over_stored_scores_writes_the_same_rows(
    container: Container,
    history: TenantProfile,
    since: date | None,
    batch: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Scores already stored are overwritten in place (PostgreSQL: rescoring_pg's upsert):
    a snapshot without a score gets one, a score without a snapshot in the range goes,
    one before the range stays, and nothing else changes — in one batch or in many
    (read ahead while the batches before are written), found by key or, in small batches,
    where they are (rescoring_pg.BY_TID: a whole history's many scores)."""
    monkeypatch.setattr(rescoring, "BATCH", batch)
    if batch < rescoring.BATCH:
        monkeypatch.setattr(rescoring_pg, "LOCATE_FROM", 0)
    with container.uow(history.id) as uow:
        metrics_before = metric_rows(uow)
        wipe_scores(uow)
        expected_count = rescore_each_from(uow, since=since)
        expected = scores(uow)
        # stale scores of another model, one score missing, an orphan in and out of range
        s = SNAPSHOT_SCORE.c
        uow.session.execute(
            SNAPSHOT_SCORE.update()
            .where(s.tenant_id == uow.tenant_id)
            .values(model_id=None, model_version=None, total=1.5, breakdown={})
        )
        missing = next(k for k in sorted(expected) if since is None or k[3] >= since)
        uow.session.execute(
            delete(SNAPSHOT_SCORE).where(
                s.tenant_id == uow.tenant_id,
                s.subject_type == missing[0],
                s.subject_id == missing[1],
                s.grain == missing[2],
                s.period_start == missing[3],
            )
        )
        orphans = [("AGENT", "gone", "DAY", date(2026, 4, 1)), ("AGENT", "gone", "DAY", START)]
        for key in orphans:
            uow.session.execute(
                SNAPSHOT_SCORE.insert().values(
                    tenant_id=uow.tenant_id,
                    subject_type=key[0],
                    subject_id=key[1],
                    grain=key[2],
                    period_start=key[3],
                    total=2.5,
                    breakdown={},
                    scored_at=datetime(2026, 1, 1, tzinfo=UTC),
                )
            )
        stale = {k: v for k, v in scores(uow).items() if since is not None and k[3] < since}
        count = rescore_from(uow, since=since)
        actual = scores(uow)
        metrics_after = metric_rows(uow)
        uow.rollback()

    in_range = {k: v for k, v in expected.items() if since is None or k[3] >= since}
    assert count == expected_count == len(in_range) > 100
    assert actual == {**stale, **in_range}  # the orphan before `since` is left, as before
    assert metrics_after == metrics_before


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_a_score_moved_since_it_was_read_is_written_by_its_key(
    container: Container, history: TenantProfile, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL updates a score where the read found it (its ctid); a score another
    statement moved meanwhile is not there any more: the batch is written by key instead."""
    monkeypatch.setattr(rescoring, "BATCH", 17)
    monkeypatch.setattr(rescoring_pg, "LOCATE_FROM", 0)
    write, moved, sent = rescoring_pg._write, [], []

    class Counted:  # the writer's connection, counting its statements
        def __init__(self, raw: Any) -> None:
            self.raw = raw

        def execute(self, sql: str, *args: Any, **kwargs: Any) -> Any:
            sent.append(sql)
            return self.raw.execute(sql, *args, **kwargs)

        def cursor(self) -> Any:  # the COPY into the staging table
            return self.raw.cursor()

    def moving(raw: Any, batch: rescoring_pg.Staged, common: dict[str, Any], inputs: Any) -> int:
        if not moved:  # a new version of the batch's first score, elsewhere
            key = batch.keys[0][:4]
            raw.execute(
                "UPDATE snapshot_score SET total = -1 WHERE tenant_id = %s AND subject_type = %s"
                " AND subject_id = %s AND grain = %s AND period_start = %s",
                (common["tenant"], *key),
            )
            moved.append(key)
        return write(Counted(raw), batch, common, inputs)

    monkeypatch.setattr(rescoring_pg, "_write", moving)
    with container.uow(history.id) as uow:
        wipe_scores(uow)
        rescore_each_from(uow, since=None)
        expected = scores(uow)
        count = rescore_from(uow, since=None)
        actual = scores(uow)
        uow.rollback()

    assert moved and count == len(expected) > 100
    assert actual == expected
    # every batch updated by ctid; only the first, which lost a score, by key as well
    assert sent.count(rescoring_pg.BY_TID) == -(-count // 17)
    assert sent.count(rescoring_pg.UPSERT) == 1
