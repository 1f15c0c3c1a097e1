"""ColumnScorer, the re-score's fast path, gives exactly what `score` gives: same numbers,
same types, same statuses and gates, for any model, level and stored metrics, whatever
else the snapshots scored in the same call hold."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.casemix import ADJUSTED_METRICS, Adjustment, comparison_of
from domain.metrics import Basis, Direction, Level, Statistic
from domain.model import Component, KpiModel, default_model
from domain.scoring import MetricField, as_scored, fields_for, score, statistic_field
from domain.scoring_columns import ColumnScorer, scored_rows
from domain.values import MetricSet, MetricValue, with_counts

# (metric, basis, statistic): rates, durations in both bases and every statistic, a mean,
# and counts (absent counts are 0 at the levels that count them, not missing).
SHAPES = (
    ("csat", Basis.CALENDAR, Statistic.VALUE),
    ("one_touch_rate", Basis.CALENDAR, Statistic.VALUE),
    ("reopen_rate", Basis.CALENDAR, Statistic.VALUE),
    ("first_response_time", Basis.CALENDAR, Statistic.MEDIAN),
    ("first_response_time", Basis.BUSINESS, Statistic.P90),
    ("resolution_time", Basis.CALENDAR, Statistic.MEAN),
    ("resolution_time", Basis.CALENDAR, Statistic.VALUE),
    ("replies_per_ticket", Basis.CALENDAR, Statistic.VALUE),
    ("tickets_solved", Basis.CALENDAR, Statistic.VALUE),
    ("tickets_created", Basis.CALENDAR, Statistic.VALUE),
)
KEYS = sorted({(metric, basis) for metric, basis, _ in SHAPES})

positive = st.floats(min_value=1e-3, max_value=1e4, allow_nan=False, allow_infinity=False)
number = st.one_of(
    st.none(),
    st.floats(min_value=-10, max_value=1e5, allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, 1.0, 0.5, 0.9]),
)


@st.composite
def components(draw: st.DrawFn) -> Component:
    metric, basis, statistic = draw(st.sampled_from(SHAPES))
    # case mix (SPEC §8): an adjusted component has no prior weight (validation)
    adjusted = metric in ADJUSTED_METRICS and draw(st.booleans())
    prior = None if adjusted else draw(st.one_of(st.none(), st.sampled_from([1.0, 5.0, 20.0])))
    return Component(
        metric,
        weight=draw(st.one_of(positive, st.integers(1, 5))),
        target=draw(positive),
        direction=draw(st.sampled_from([Direction.HIGHER_IS_BETTER, Direction.LOWER_IS_BETTER])),
        statistic=statistic,
        basis=basis,
        cap=draw(st.sampled_from([1.0, 1.2, 1.5])),
        min_sample=draw(st.integers(0, 6)),
        gate_min=draw(st.one_of(st.none(), st.floats(0, 1.3))),
        prior_weight=prior,
        adjusted=adjusted,
    )


models = st.builds(
    KpiModel,
    name=st.just("m"),
    components=st.lists(components(), min_size=1, max_size=6).map(tuple),
    gate_cap=st.floats(1, 100),
)


@st.composite
def stored(draw: st.DrawFn) -> MetricSet:
    """Metric values as a snapshot stores them: any subset of the keys."""
    out: MetricSet = {}
    for key, basis in draw(st.lists(st.sampled_from(KEYS), unique=True)):
        out[(key, basis)] = MetricValue(
            key,
            basis,
            draw(number),
            draw(st.integers(0, 12)),
            mean=draw(number),
            median=draw(number),
            p90=draw(number),
            positives=draw(st.one_of(st.none(), st.integers(0, 12), positive)),
            case_mix=draw(case_mixes(key)),
        )
    return out


@st.composite
def case_mixes(draw: st.DrawFn, key: str) -> Adjustment | None:
    comparison = comparison_of(key)
    if comparison is None or draw(st.booleans()):
        return None
    expected = draw(st.one_of(number, st.just(0.0)))
    return Adjustment(comparison, draw(number), expected, draw(st.integers(0, 12)), None, None)


def row_of(metrics: MetricSet | None, fields: list[MetricField]) -> list[object] | None:
    """What storage hands the scorer: the fields' numbers, None for an absent metric."""
    if metrics is None:
        return None
    return [
        getattr(metrics[(metric, basis)], name) if (metric, basis) in metrics else None
        for metric, basis, name in fields
    ]


@settings(max_examples=400, deadline=None)
@given(
    model=models,
    other=models,
    level=st.sampled_from(list(Level)),
    snapshots=st.lists(st.tuples(stored(), st.one_of(st.none(), stored())), min_size=1, max_size=6),
    data=st.data(),
)
def test_column_scorer_is_score(
    model: KpiModel,
    other: KpiModel,
    level: Level,
    snapshots: list[tuple[MetricSet, MetricSet | None]],
    data: st.DataObject,
) -> None:
    # Fields of several models, in any order: each scorer finds its own.
    fields = data.draw(st.permutations(fields_for([other, model, default_model()])))
    expected = [
        score(
            model,
            with_counts(metrics, level=level),
            team_metrics=with_counts(team, level=Level.TEAM) if team is not None else None,
        )
        for metrics, team in snapshots
    ]
    scorer = ColumnScorer(model, level, fields)
    rows = [row_of(metrics, fields) or [] for metrics, _ in snapshots]
    actual = scored_rows(scorer(rows, [row_of(team, fields) for _, team in snapshots]))
    # same values and same types, snapshot by snapshot
    assert [repr(a) for a in actual] == [repr(as_scored(e)) for e in expected]
    assert scorer.uses_team == any(c.prior_weight for c in model.components)


def test_statistic_field_names_what_statistic_reads() -> None:
    value = MetricValue("x", Basis.CALENDAR, 1.0, 2, mean=3.0, median=4.0, p90=5.0, positives=6)
    for statistic in Statistic:
        assert getattr(value, statistic_field(statistic)) == value.statistic(statistic)


def test_fields_cover_shrinkage_only_when_asked() -> None:
    plain = KpiModel("m", (Component("csat", 1, 0.9, Direction.HIGHER_IS_BETTER),))
    shrunk = KpiModel("m", (Component("csat", 1, 0.9, Direction.HIGHER_IS_BETTER, prior_weight=5),))
    assert fields_for([plain]) == [
        ("csat", Basis.CALENDAR, "value"),
        ("csat", Basis.CALENDAR, "sample_size"),
    ]
    assert set(fields_for([shrunk])) == {
        ("csat", Basis.CALENDAR, "value"),
        ("csat", Basis.CALENDAR, "sample_size"),
        ("csat", Basis.CALENDAR, "positives"),
    }
