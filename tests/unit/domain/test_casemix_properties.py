"""Properties of the case-mix standardisation (SPEC §8) for any reference and any mix."""

from __future__ import annotations

import math

from hypothesis import assume, given
from hypothesis import strategies as st

from domain.casemix import CaseMixPolicy, Comparison, Moments, Reference, StratumCell, standardise

CELLS: tuple[StratumCell, ...] = tuple(
    (channel, priority)
    for channel in ("email", "phone", "chat", None)
    for priority in ("low", "normal", "urgent", None)
)
duration = st.floats(min_value=0.0, max_value=1e6, allow_nan=False, allow_infinity=False)
outcome = st.sampled_from([0.0, 1.0])


@st.composite
def populations(
    draw: st.DrawFn, values: st.SearchStrategy[float], min_size: int = 1
) -> dict[StratumCell, list[float]]:
    picked = draw(st.lists(st.sampled_from(CELLS), min_size=1, max_size=8, unique=True))
    return {c: draw(st.lists(values, min_size=min_size, max_size=12)) for c in picked}


@st.composite
def like_the_reference(
    draw: st.DrawFn, values: st.SearchStrategy[float]
) -> tuple[dict[StratumCell, list[float]], dict[StratumCell, list[float]]]:
    """A reference where every stratum stands alone, and a subject that repeats each
    stratum's observations any number of times: per stratum, the reference's mean."""
    ref = draw(populations(values, min_size=2))
    copies = {c: draw(st.integers(min_value=0, max_value=5)) for c in ref}
    if not any(copies.values()):
        copies[next(iter(ref))] = 1
    return ref, {c: ref[c] * k for c, k in copies.items() if k}


def moments(values: dict[StratumCell, list[float]]) -> dict[StratumCell, Moments]:
    return {c: Moments.of(v) for c, v in values.items()}


Pair = tuple[dict[StratumCell, list[float]], dict[StratumCell, list[float]]]
ALONE = CaseMixPolicy(min_stratum=2, min_sample=1)


@given(like_the_reference(duration.filter(lambda v: v >= 1.0)))
def test_a_subject_like_the_reference_in_every_stratum_has_ratio_one(pair: Pair) -> None:
    ref, subject = pair
    result = standardise(moments(subject), Reference(moments(ref), ALONE), Comparison.RATIO)
    assert result.ratio is not None
    assert math.isclose(result.ratio, 1.0, rel_tol=1e-9)


@given(like_the_reference(outcome))
def test_a_subject_like_the_reference_in_every_stratum_has_difference_zero(pair: Pair) -> None:
    ref, subject = pair
    result = standardise(moments(subject), Reference(moments(ref), ALONE), Comparison.DIFFERENCE)
    assert result.difference is not None
    assert math.isclose(result.difference, 0.0, abs_tol=1e-9)


@given(
    populations(duration.filter(lambda v: v >= 1.0)),
    populations(duration),
    st.floats(min_value=1e-3, max_value=1e3),
    st.integers(min_value=2, max_value=10),
)
def test_scaling_every_duration_of_a_subject_by_k_scales_the_ratio_by_k(
    ref: dict[StratumCell, list[float]],
    subject: dict[StratumCell, list[float]],
    k: float,
    min_stratum: int,
) -> None:
    # Any pooling: the strata depend on the reference only, which stays as it is.
    reference = Reference(moments(ref), CaseMixPolicy(min_stratum=min_stratum, min_sample=1))
    scaled = {c: [k * v for v in values] for c, values in subject.items()}
    before = standardise(moments(subject), reference, Comparison.RATIO)
    after = standardise(moments(scaled), reference, Comparison.RATIO)
    assert (before.ratio is None) == (after.ratio is None)
    if before.ratio is not None and after.ratio is not None:
        assert math.isclose(after.ratio, k * before.ratio, rel_tol=1e-9, abs_tol=1e-12)
        assert after.expected == before.expected


@given(populations(duration), populations(duration))
def test_the_strata_add_up_to_the_subject(
    ref: dict[StratumCell, list[float]], subject: dict[StratumCell, list[float]]
) -> None:
    result = standardise(moments(subject), Reference(moments(ref), ALONE), Comparison.RATIO)
    assert result.sample_size == sum(len(v) for v in subject.values())
    if result.strata:
        assert sum(s.sample_size for s in result.strata) == result.sample_size
        weighted = sum(s.sample_size * s.expected for s in result.strata) / result.sample_size
        assert math.isclose(weighted, result.expected or 0.0, rel_tol=1e-9, abs_tol=1e-9)


@given(populations(duration), populations(duration, min_size=0), st.sampled_from(CELLS))
def test_a_subject_of_one_cell_is_standardised_as_with_empty_cells_beside(
    ref: dict[StratumCell, list[float]], subject: dict[StratumCell, list[float]], empty: StratumCell
) -> None:
    # one cell takes standardise's short way; an empty cell beside it, the general one
    cell, values = next(iter(subject.items()))
    reference = Reference(moments(ref), CaseMixPolicy(min_stratum=2, min_sample=1))
    assume(empty != cell)
    alone = standardise({cell: Moments.of(values)}, reference, Comparison.RATIO)
    beside = {empty: Moments(), cell: Moments.of(values)}
    assert standardise(beside, reference, Comparison.RATIO) == alone
