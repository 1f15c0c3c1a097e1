"""Case mix in the pipeline (SPEC §8): the roll-up stores each agent's expected values
and strata beside the metrics, on SQLite and PostgreSQL; the numbers are the pure
standardisation's over the same samples, and a model with `adjusted: true` scores the
observed mean against them — identically in `score` and in the re-score's fast path."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from domain.casemix import CaseMixPolicy, Comparison, Moments, Reference, standardise
from domain.derivation.outbox import REFERENCES, DirtyEntry
from domain.metrics import Basis, Direction, Level
from domain.model import Component, KpiModel
from domain.periods import Grain, Period
from domain.ports import StoredSample, TenantProfile, Touch
from domain.scoring import score
from domain.services.models import rescore_from
from domain.services.rescoring import _entries, invalidate, plan, roll_up
from infra.bootstrap import Container

DAY = date(2026, 3, 3)
MONTH = Period(Grain.MONTH, date(2026, 3, 1))
KEY = ("resolution_time", Basis.CALENDAR)
# (agent, channel, priority, seconds): the unit test's worked example, with a colleague
# who fills the reference's strata.
Row = tuple[str, str, str | None, float]
ROWS: list[Row] = [
    ("a", "email", "normal", 20.0),
    ("a", "email", "normal", 40.0),
    ("a", "phone", "normal", 5.0),
    ("a", "phone", "normal", 9.0),
    ("b", "email", "urgent", 40.0),
    ("b", "email", "urgent", 70.0),
    ("b", "phone", "normal", 7.0),
    ("b", "phone", "urgent", 100.0),
    ("c", "email", "normal", 10.0),
    ("c", "email", "urgent", 50.0),
    ("c", "email", "urgent", 60.0),
    ("c", "phone", None, 8.0),
]
POLICY = CaseMixPolicy(min_stratum=3, min_sample=2)
ADJUSTED = Component(
    "resolution_time",
    weight=1,
    target=1,
    direction=Direction.LOWER_IS_BETTER,
    min_sample=2,
    adjusted=True,
)


def sample(
    i: int, agent: str, channel: str | None, priority: str | None, value: float
) -> StoredSample:
    at = datetime(2026, 3, 3, 12, tzinfo=UTC)
    return StoredSample(
        "generic",
        f"t{i}",
        0,
        "resolution_time",
        agent,
        None,
        at,
        DAY,
        value,
        None,
        channel,
        priority,
    )


@pytest.fixture
def stored(container: Container, tenant: TenantProfile) -> Container:
    with container.uow(tenant.id) as uow:
        uow.settings.put("case_mix", {"min_stratum": 3, "min_sample": 2})
        samples = [sample(i, *row) for i, row in enumerate(ROWS)]
        touches = uow.samples.replace("generic", [s.origin for s in samples], samples)
        invalidate(uow, touches)
        uow.commit()
    with container.uow(tenant.id) as uow:  # the roll-up, here rather than on the queue
        roll_up(uow)
        uow.commit()
    return container


def expected_by_hand(agent: str, rows: list[Row] = ROWS) -> float | None:
    cells: dict[tuple[str | None, str | None], list[float]] = {}
    mine: dict[tuple[str | None, str | None], list[float]] = {}
    for who, channel, priority, value in rows:
        cells.setdefault((channel, priority), []).append(value)
        if who == agent:
            mine.setdefault((channel, priority), []).append(value)
    reference = Reference({c: Moments.of(v) for c, v in cells.items()}, POLICY)
    subject = {c: Moments.of(v) for c, v in mine.items()}
    return standardise(subject, reference, Comparison.RATIO).ratio


def test_the_roll_up_stores_expected_values_and_strata(
    stored: Container, tenant: TenantProfile
) -> None:
    with stored.uow(tenant.id) as uow:
        agents = uow.snapshots.for_period(Level.AGENT, MONTH)
    b = agents["b"].metrics[KEY].case_mix
    assert b is not None
    # phone/urgent (1 reference observation) is pooled into phone: 5 7 9 100 8 → 25.8
    assert [(s.key, s.sample_size) for s in b.strata] == [
        ("email/urgent", 2),
        ("phone/*", 1),
        ("phone/normal", 1),
    ]
    assert b.strata[1].expected == pytest.approx(129 / 5)
    for agent in ("a", "b", "c"):
        mix = agents[agent].metrics[KEY].case_mix
        assert mix is not None and mix.ratio == pytest.approx(expected_by_hand(agent), rel=1e-12)
        assert mix.interval is not None and mix.interval[0] <= (mix.ratio or 0) <= mix.interval[1]


def test_an_adjusted_component_scores_the_observed_mean_against_the_expected(
    stored: Container, tenant: TenantProfile
) -> None:
    model = KpiModel("adjusted", (ADJUSTED,))
    with stored.uow(tenant.id) as uow:
        b = uow.snapshots.for_period(Level.AGENT, MONTH)["b"]
        scored = score(model, b.metrics).components[0]
        ratio = expected_by_hand("b")
        assert ratio is not None
        assert scored.attainment == pytest.approx(1 / ratio)  # lower is better: E ÷ O
        assert scored.value == b.metrics[KEY].mean


def test_the_re_score_fast_path_scores_adjusted_components_like_score(
    stored: Container, tenant: TenantProfile
) -> None:
    model = KpiModel("adjusted", (ADJUSTED,), effective_from=date(2026, 1, 1))
    with stored.uow(tenant.id) as uow:
        uow.models.add(model, active=True)
        rescore_from(uow, since=None)
        uow.commit()
    with stored.uow(tenant.id) as uow:
        agents = uow.snapshots.for_period(Level.AGENT, MONTH)
    for agent in ("a", "b", "c"):
        breakdown = agents[agent].breakdown
        assert breakdown is not None and breakdown.model_name == "adjusted"
        assert breakdown == score(model, agents[agent].metrics)


def _change(c: Container, tenant: TenantProfile, samples: list[StoredSample]) -> set[Touch]:
    """`samples` replace their tickets' and are rolled up; the touches they made."""
    with c.uow(tenant.id) as uow:
        touches = uow.samples.replace("generic", [s.origin for s in samples], samples)
        invalidate(uow, touches)
        uow.commit()
    with c.uow(tenant.id) as uow:
        roll_up(uow)
        uow.commit()
    return touches


def test_a_case_mix_sample_moves_every_subjects_expected_value(
    stored: Container, tenant: TenantProfile
) -> None:
    """Only "c" is touched, but the reference moved: "a" and "b" are re-adjusted."""
    added: Row = ("c", "phone", "normal", 300.0)
    marked = plan(_change(stored, tenant, [sample(len(ROWS), *added)]))[MONTH]
    assert marked.references
    assert _entries(MONTH, marked, tenant.id)[-1] == DirtyEntry(MONTH, Level.TENANT, REFERENCES)
    with stored.uow(tenant.id) as uow:
        agents = uow.snapshots.for_period(Level.AGENT, MONTH)
    for agent in ("a", "b", "c"):
        mix = agents[agent].metrics[KEY].case_mix
        assert mix is not None
        assert mix.ratio == pytest.approx(expected_by_hand(agent, [*ROWS, added]), rel=1e-12)
        assert mix.ratio != pytest.approx(expected_by_hand(agent), rel=1e-6)


def test_a_change_without_case_mix_samples_leaves_the_references_alone(
    stored: Container, tenant: TenantProfile
) -> None:
    """A new ticket's count is no case-mix sample: the period is not marked, so the
    roll-up re-scores "a" against references that did not move."""
    with stored.uow(tenant.id) as uow:
        untouched = uow.snapshots.for_period(Level.AGENT, MONTH)
    created = replace(sample(len(ROWS), "a", "email", "normal", 1.0), metric="tickets_created")
    marked = plan(_change(stored, tenant, [created]))
    assert marked[MONTH].agents == {"a"} and not marked[MONTH].references
    assert not any(e.references for e in _entries(MONTH, marked[MONTH], tenant.id))
    with stored.uow(tenant.id) as uow:
        after = uow.snapshots.for_period(Level.AGENT, MONTH)
    for agent in ("a", "b", "c"):
        assert after[agent].metrics[KEY] == untouched[agent].metrics[KEY]
