"""Case mix for the metric values of a period's subjects (SPEC §8).

The roll-up hands over each subject's per-stratum moments per stream and the reference
population's; every adjusted metric with data gets its `Adjustment`. The reference is the
tenant's, or with `by_team` the subject's team's (an agent against their own team).
Which subjects are adjusted, and how, is `adjusted_column`'s rule over a column of
subjects (a bulk rebuild's, one stream at a time); `with_case_mix` applies it to one
subject's metrics (the roll-up's).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from domain.casemix.moments import Moments, StratumCell
from domain.casemix.standardise import (
    ADJUSTED_METRICS,
    Adjustment,
    CaseMixPolicy,
    Comparison,
    Reference,
    comparison_of,
    standardise,
)
from domain.values import MetricSet, MetricValue, StreamKey

Cells = Mapping[StratumCell, Moments]
SubjectStrata = Mapping[StreamKey, Cells]  # one subject: stream → stratum → moments
Strata = dict[str, dict[StreamKey, dict[StratumCell, Moments]]]  # subject → …
References = dict[StreamKey, Reference]


def references(population: SubjectStrata, policy: CaseMixPolicy) -> References:
    """The reference of every adjusted stream the population has data for."""
    return {
        key: Reference(cells, policy)
        for key, cells in population.items()
        if comparison_of(key[0]) is not None
    }


def adjusted_column(
    comparison: Comparison,
    sizes: Iterable[int | None],
    cells: Iterable[Cells | None],
    refs: Iterable[Reference | None],
) -> list[Adjustment | None]:
    """One adjusted stream's adjustment for each of a column of subjects, given each
    one's sample size in the stream (None: no value), moments per stratum there and
    reference: None where there is nothing to adjust — no data, or no reference."""
    return [
        None if not size or mine is None or ref is None else standardise(mine, ref, comparison)
        for size, mine, ref in zip(sizes, cells, refs, strict=True)
    ]


def with_case_mix(metrics: MetricSet, strata: SubjectStrata, refs: References) -> MetricSet:
    """`metrics` with an adjustment on every adjusted metric that has data and a
    reference (`adjusted_column`'s rule, for one subject), and none on the others (stored
    metrics re-adjusted may have had one against a reference that now has no data for
    their stream)."""
    out = dict(metrics)
    for key, cells in strata.items():
        comparison = comparison_of(key[0])
        value = metrics.get(key)
        if comparison is None or value is None:
            continue
        (found,) = adjusted_column(comparison, [value.sample_size], [cells], [refs.get(key)])
        if found is None and value.case_mix is None:
            continue
        # the constructor, not dataclasses.replace: ~3x cheaper, and this runs per subject,
        # stream and period of a roll-up
        out[key] = MetricValue(
            value.key,
            value.basis,
            value.value,
            value.sample_size,
            value.mean,
            value.median,
            value.p90,
            value.positives,
            value.interval,
            found,
        )
    return out


def adjustable(values: MetricSet) -> bool:
    """Whether case mix may have something to adjust in `values` (an adjusted metric
    with data)."""
    return any(key[0] in ADJUSTED_METRICS and v.sample_size for key, v in values.items())
