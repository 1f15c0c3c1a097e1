"""Indirect standardisation of one subject against a reference population (SPEC §8).

The rule, for a subject (agent or team) in a period and one metric stream:
- strata are channel × priority; a stratum where the reference has fewer than
  `min_stratum` observations is pooled into its channel (the reference's whole channel),
  and when the channel is sparse too, into all (the reference's whole population);
- observed O = the subject's MEAN (for a rate, the rate itself);
- expected E = Σ_s n_s · ref_s / Σ_s n_s, n_s the subject's observations in stratum s
  and ref_s the reference's mean there;
- durations: ratio O ÷ E (1 = as fast as the reference would be on this mix);
  rates: difference O − E (0 = as good as the reference on this mix).

Means, not medians: a mix-weighted mean of stratum means is exactly the mean of a subject
that performs like the reference in every stratum, so such a subject has ratio 1 /
difference 0 whatever its mix; a median has no such decomposition.

95% interval by the delta method, deterministic: the subject's observations in stratum s
are taken to spread like the reference's there (variance σ²_s), so
Var(O) = Σ n_s σ²_s / N² and Var(E) = Σ (n_s / N)² σ²_s / m_s (m_s: the reference's
observations); Var(O − E) = Var(O) + Var(E), Var(O ÷ E) ≈ (Var(O) + R² Var(E)) / E².
The subject is part of the reference; ignoring that positive covariance widens the
interval (conservative). Fewer than `min_sample` observations, or a reference too thin
even when pooled into all: the adjusted value and its interval are null, never a guess.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, NamedTuple

from domain import metrics as m
from domain.casemix.moments import Moments, StratumCell
from domain.stats import Z95

POOLED = "*"  # a key part standing for every value: "chat/*" is all of chat, "*" all


class Comparison(StrEnum):
    RATIO = "RATIO"  # durations: observed ÷ expected
    DIFFERENCE = "DIFFERENCE"  # rates: observed − expected


# The metrics SPEC §8 adjusts: every duration (both bases) and three rates.
ADJUSTED_METRICS: dict[str, Comparison] = {
    **{d.key: Comparison.RATIO for d in m.DEFINITIONS if d.is_duration},
    "one_touch_rate": Comparison.DIFFERENCE,
    "reopen_rate": Comparison.DIFFERENCE,
    "csat": Comparison.DIFFERENCE,
}


def comparison_of(metric: str) -> Comparison | None:
    return ADJUSTED_METRICS.get(metric)


@dataclass(frozen=True, slots=True)
class CaseMixPolicy:
    min_stratum: int = 10  # reference observations a stratum needs to stand alone
    min_sample: int = 5  # subject observations an adjusted value needs
    by_team: bool = False  # the reference: the tenant, or an agent's own team
    # Off until a tenant turns it on (setCaseMixSettings): still over the 15% it may cost
    # in a rebuild (score_history at 100k tickets: 1.58-1.61x the CPU without; see
    # bench/RESULTS.txt), and a moved reference re-adjusts and re-scores every subject of
    # the period.
    enabled: bool = False

    def __post_init__(self) -> None:
        if self.min_stratum < 2 or self.min_sample < 1:
            raise ValueError("min_stratum must be at least 2 and min_sample at least 1")


# StratumRow and Adjustment are named tuples, immutable like a frozen dataclass but built
# several times cheaper: a rebuild makes one of each per subject, adjusted stream and period.
class StratumRow(NamedTuple):
    """One (possibly pooled) stratum of a subject: its mean, the reference's mean there
    and the subject's observations in it."""

    key: str
    observed: float
    expected: float
    sample_size: int


class Adjustment(NamedTuple):
    comparison: Comparison
    observed: float | None  # the subject's mean
    expected: float | None
    sample_size: int
    adjusted: float | None  # the ratio (durations) or the difference (rates)
    interval: tuple[float, float] | None  # 95%, of `adjusted`
    strata: tuple[StratumRow, ...] = ()

    @property
    def ratio(self) -> float | None:
        return self.adjusted if self.comparison is Comparison.RATIO else None

    @property
    def difference(self) -> float | None:
        return self.adjusted if self.comparison is Comparison.DIFFERENCE else None


def stratum_key(channel: str | None, priority: str | None) -> str:
    return f"{_part(channel)}/{_part(priority)}"


def _part(value: str | None) -> str:
    return "(none)" if value is None else value


# A reference stratum as the standardisation reads it, once per cell and period: its key
# (after pooling), mean, variance (0 below two observations) and observations.
Pooled = tuple[str, float, float, int]


class Reference:
    """The reference population's moments per stratum, per channel and overall, with
    the pooling rule; built once per period and level and shared by its subjects."""

    def __init__(self, cells: Mapping[StratumCell, Moments], policy: CaseMixPolicy) -> None:
        self.cells = dict(cells)
        self.policy = policy
        self.channels: dict[str | None, Moments] = {}
        self.overall = Moments()
        for (channel, _), moments in self.cells.items():
            self.channels[channel] = self.channels.get(channel, Moments()) + moments
            self.overall = self.overall + moments
        # pooled() per cell, as every subject of the period asks the same few cells
        self._pooled: dict[StratumCell, Pooled | None] = {}
        # standardise() of a subject with one cell, per cell and moments: many subjects of
        # a period have the same (a rate's few observations; a team of one agent)
        self.alone: dict[tuple[StratumCell, Moments, Comparison], Adjustment] = {}

    def stratum(self, cell: StratumCell) -> tuple[str, Moments] | None:
        """The stratum `cell` counts in, after pooling, and the reference's moments there."""
        enough = self.policy.min_stratum
        channel, priority = cell
        own = self.cells.get(cell)
        if own is not None and own.count >= enough:
            return stratum_key(channel, priority), own
        whole_channel = self.channels.get(channel)
        if whole_channel is not None and whole_channel.count >= enough:
            return stratum_key(channel, POOLED), whole_channel
        if self.overall.count >= enough:
            return POOLED, self.overall
        return None

    def pooled(self, cell: StratumCell) -> Pooled | None:
        """`stratum(cell)` as numbers, memoised."""
        try:
            return self._pooled[cell]
        except KeyError:
            pass
        found = self.stratum(cell)
        if found is not None:
            key, ref = found
            found_numbers: Pooled | None = (key, _mean(ref), ref.variance or 0.0, ref.count)
        else:
            found_numbers = None
        self._pooled[cell] = found_numbers
        return found_numbers


def standardise(
    subject: Mapping[StratumCell, Moments], reference: Reference, comparison: Comparison
) -> Adjustment:
    """The subject's observed and expected values, their ratio or difference with a
    95% interval, and the strata behind them (see the module's docstring).

    One pass over the subject's cells: their sums for the observed value, and per pooled
    stratum (in the subject's order, so sums add up alike everywhere) the subject's
    observations and sum with the reference there. A subject with a single cell (most
    subjects of a short period) is remembered per reference for the next subject with
    the same cell and moments."""
    if len(subject) != 1:
        return _standardised(subject, reference, comparison)
    ((cell, mine),) = subject.items()
    known = reference.alone.get((cell, mine, comparison))
    if known is None:
        known = reference.alone[cell, mine, comparison] = _standardised(
            subject, reference, comparison
        )
    return known


def _standardised(
    subject: Mapping[StratumCell, Moments], reference: Reference, comparison: Comparison
) -> Adjustment:
    count, total = 0, 0.0
    groups: dict[str, list[Any]] = {}  # key → [n, sum, the reference's Pooled]
    thin = False  # the reference is too thin for an observation even pooled into all
    for cell, mine in subject.items():
        n = mine.count
        count += n
        total += mine.total
        if not n or thin:
            continue
        ref = reference.pooled(cell)
        if ref is None:
            thin = True
            continue
        group = groups.get(ref[0])
        if group is None:
            groups[ref[0]] = [n, mine.total, ref]
        else:
            group[0] += n
            group[1] += mine.total
    observed = total / count if count else None
    if thin or observed is None:
        return Adjustment(comparison, observed, None, count, None, None)
    expected = 0.0
    for n, _, ref in groups.values():
        # weight × mean: with one stratum (weight 1.0) exactly the reference's mean there,
        # so that stratum's row repeats the subject's observed and expected values
        expected += n / count * ref[1]
    strata = tuple(StratumRow(key, g[1] / g[0], g[2][1], g[0]) for key, g in sorted(groups.items()))
    return _compared(
        comparison,
        observed,
        expected,
        count=count,
        strata=strata,
        groups=groups.values(),
        min_sample=reference.policy.min_sample,
    )


def _compared(
    comparison: Comparison,
    observed: float,
    expected: float,
    *,
    count: int,
    strata: tuple[StratumRow, ...],
    groups: Iterable[list[Any]],
    min_sample: int,
) -> Adjustment:
    """The adjustment, with the adjusted value and its interval when there are enough
    observations for them."""
    adjusted = compare(comparison, observed, expected)
    if adjusted is None or count < min_sample:
        return Adjustment(comparison, observed, expected, count, None, None, strata)
    interval = _interval(comparison, adjusted, expected, groups, count)
    return Adjustment(comparison, observed, expected, count, adjusted, interval, strata)


def _mean(moments: Moments) -> float:
    return moments.total / moments.count


def compare(comparison: Comparison, observed: float | None, expected: float) -> float | None:
    """The adjusted value: O ÷ E (null unless finite) or O − E."""
    if observed is None:
        return None
    if comparison is Comparison.DIFFERENCE:
        return observed - expected
    ratio = observed / expected if expected > 0 else None
    return ratio if ratio is not None and math.isfinite(ratio) else None


def _interval(
    comparison: Comparison,
    adjusted: float,
    expected: float,
    groups: Iterable[list[Any]],
    count: int,
) -> tuple[float, float] | None:
    var_observed = var_expected = 0.0
    for n, _, (_, _, spread, size) in groups:
        var_observed += n * spread
        var_expected += (n / count) ** 2 * spread / size
    var_observed /= count * count
    if comparison is Comparison.DIFFERENCE:
        half = Z95 * math.sqrt(var_observed + var_expected)
        return max(adjusted - half, -1.0), min(adjusted + half, 1.0)
    half = Z95 * math.sqrt(var_observed + adjusted * adjusted * var_expected) / expected
    if not math.isfinite(half):  # an expectation so near 0 that nothing is known
        return None
    return max(adjusted - half, 0.0), adjusted + half
