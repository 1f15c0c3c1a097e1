"""Case mix for the metric values of a period's subjects (SPEC §8).

The roll-up hands over each subject's per-stratum moments per stream and the reference
population's; every adjusted metric with data gets its `Adjustment`. The reference is the
tenant's, or with `by_team` the subject's team's (an agent against their own team).
"""

from __future__ import annotations

from collections.abc import Mapping

from domain.casemix.moments import Moments, StratumCell
from domain.casemix.standardise import (
    ADJUSTED_METRICS,
    CaseMixPolicy,
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


def with_case_mix(metrics: MetricSet, strata: SubjectStrata, refs: References) -> MetricSet:
    """`metrics` with an adjustment on every adjusted metric that has data and a
    reference, and none on the others (stored metrics re-adjusted may have had one
    against a reference that now has no data for their stream)."""
    out = dict(metrics)
    for key, cells in strata.items():
        reference = refs.get(key)  # only adjusted streams have one (`references`)
        value = metrics.get(key)
        if value is None:
            continue
        found = None
        if reference is not None and value.sample_size:
            found = standardise(cells, reference, ADJUSTED_METRICS[key[0]])
        elif value.case_mix is None:
            continue
        # the constructor, not dataclasses.replace: ~3x cheaper, and this runs per subject,
        # stream and period of a rebuild
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
