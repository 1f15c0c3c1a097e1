import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.quality.calibration import Level, calibrate, krippendorff_alpha
from domain.quality.reviews import Review, ReviewKind
from domain.quality.scorecards import ScaleKind
from tests.unit.quality.builders import category, review, scorecard

N = None

# Krippendorff, K. (2011). "Computing Krippendorff's Alpha-Reliability", Annenberg School
# for Communication, University of Pennsylvania, https://repository.upenn.edu/asc_papers/43
# — section C, "Nominal data, any number of observers, missing data", and its ordinal and
# interval variants: 4 observers × 12 units, published α = 0.743 (nominal), 0.815
# (ordinal), 0.849 (interval). Matrix as transcribed in the tests of the `krippendorff`
# package (github.com/pln-fing-udelar/fast-krippendorff, tests/test_krippendorff.py).
KRIPPENDORFF_2011: list[list[float | None]] = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]

# The computational example of Wikipedia's "Krippendorff's alpha" article (3 coders ×
# 15 units), as used in the same test file: α = 0.691 (nominal), 0.811 (interval).
WIKIPEDIA: list[list[float | None]] = [
    [N, N, N, N, N, 3, 4, 1, 2, 1, 1, 3, 3, N, 3],
    [1, N, 2, 1, 3, 3, 4, 3, N, N, N, N, N, N, N],
    [N, N, 2, 1, 3, 4, 4, N, 2, 1, 1, 3, 3, N, 4],
]


@pytest.mark.parametrize(
    ("level", "published"),
    [(Level.NOMINAL, 0.743), (Level.ORDINAL, 0.815), (Level.INTERVAL, 0.849)],
)
def test_alpha_reproduces_krippendorffs_2011_worked_example(level: Level, published: float) -> None:
    alpha = krippendorff_alpha(KRIPPENDORFF_2011, level=level)
    assert alpha is not None
    assert round(alpha, 3) == published


def test_nominal_alpha_of_the_worked_example_matches_the_hand_computation() -> None:
    # n = 40 pairable values; above the coincidence matrix's diagonal 4 disagreements
    # (units 2, 6 and 8) against Σ_{c<k} n_c·n_k = 608 expected: α = 1 − 39·4/608.
    assert krippendorff_alpha(KRIPPENDORFF_2011, level=Level.NOMINAL) == pytest.approx(
        1 - 39 * 4 / 608
    )


@pytest.mark.parametrize(
    ("level", "expected"), [(Level.NOMINAL, 0.691358), (Level.INTERVAL, 0.810845)]
)
def test_alpha_reproduces_the_wikipedia_computational_example(
    level: Level, expected: float
) -> None:
    alpha = krippendorff_alpha(WIKIPEDIA, level=level)
    assert alpha is not None
    assert round(alpha, 6) == expected


def test_perfect_agreement_is_alpha_1_at_every_level() -> None:
    data: list[list[float | None]] = [[1, 2, 3, N], [1, 2, 3, 4], [N, 2, 3, 4]]
    assert all(krippendorff_alpha(data, level=level) == 1.0 for level in Level)


def test_alpha_is_undefined_without_variation_or_without_pairable_units() -> None:
    assert krippendorff_alpha([[3, 3], [3, 3]], level=Level.ORDINAL) is None
    assert krippendorff_alpha([[1, N], [N, 2]], level=Level.ORDINAL) is None
    assert krippendorff_alpha([], level=Level.ORDINAL) is None


def test_every_coder_row_must_cover_the_same_units() -> None:
    with pytest.raises(ValueError, match="same units"):
        krippendorff_alpha([[1, 2], [1]], level=Level.NOMINAL)


def test_on_binary_data_the_three_levels_agree() -> None:
    data: list[list[float | None]] = [[0, 1, 1, 0, 1, N], [0, 1, 0, 0, 1, 1], [1, 1, 0, N, 1, 1]]
    alphas = [krippendorff_alpha(data, level=level) for level in Level]
    assert alphas[0] is not None
    assert alphas == pytest.approx([alphas[0]] * 3)


matrices = st.integers(2, 5).flatmap(
    lambda units: st.lists(
        st.lists(st.none() | st.integers(1, 5), min_size=units, max_size=units),
        min_size=2,
        max_size=5,
    )
)


@given(matrices, st.sampled_from(list(Level)), st.randoms())
def test_alpha_does_not_depend_on_the_order_of_coders_or_units(
    data: list[list[int | None]], level: Level, rng: random.Random
) -> None:
    coders = data[:]
    rng.shuffle(coders)
    order = list(range(len(data[0])))
    rng.shuffle(order)
    shuffled = [[row[u] for u in order] for row in coders]
    before = krippendorff_alpha(data, level=level)
    after = krippendorff_alpha(shuffled, level=level)
    assert (before is None and after is None) or after == pytest.approx(before)


@given(matrices, st.sampled_from(list(Level)))
def test_alpha_is_at_most_1(data: list[list[int | None]], level: Level) -> None:
    alpha = krippendorff_alpha(data, level=level)
    assert alpha is None or alpha <= 1 + 1e-9


CARD = scorecard(
    category("accuracy", weight=2, kind=ScaleKind.FIVE_POINT),
    category("greeting", weight=1, kind=ScaleKind.BINARY, allow_na=True),
)


def session() -> list[Review]:
    ratings: dict[tuple[str, str], dict[str, int | None]] = {
        ("t1", "a"): {"accuracy": 5, "greeting": 1},
        ("t1", "b"): {"accuracy": 4, "greeting": 1},
        ("t1", "c"): {"accuracy": 2, "greeting": 0},
        ("t2", "a"): {"accuracy": 3, "greeting": N},
        ("t2", "b"): {"accuracy": 3, "greeting": 1},
        ("t2", "c"): {"accuracy": 1, "greeting": 0},
    }
    return [
        review(CARD, r, ticket=t, reviewer=who, reviewee="ann", kind=ReviewKind.CALIBRATION)
        for (t, who), r in ratings.items()
    ]


def test_a_session_reports_alpha_per_category_over_reviewers_and_tickets() -> None:
    report = calibrate(CARD, session())
    assert report.level is Level.ORDINAL
    assert report.tickets == ("t1", "t2")
    accuracy, greeting = report.categories
    assert accuracy.key == "accuracy"
    assert accuracy.alpha == krippendorff_alpha([[5, 3], [4, 3], [2, 1]], level=Level.ORDINAL)
    assert greeting.alpha == krippendorff_alpha([[1, N], [1, 1], [0, 0]], level=Level.ORDINAL)
    assert (accuracy.pairable_ratings, greeting.pairable_ratings) == (6, 5)


def test_deviation_is_from_the_mean_of_the_other_reviewers_normalised_ratings() -> None:
    by_reviewer = {r.reviewer_id: r for r in calibrate(CARD, session()).reviewers}
    harsh = by_reviewer["c"]
    by_category = dict(harsh.by_category)
    # accuracy: 0.25 − (1 + 0.75)/2 = −0.625 and 0 − (0.5 + 0.5)/2 = −0.5
    assert by_category["accuracy"].mean_signed == pytest.approx(-0.5625)
    # greeting: 0 − 1 on t1, and 0 − 1 on t2 where a said N/A
    assert by_category["greeting"].mean_signed == pytest.approx(-1.0)
    assert harsh.overall.mean_signed == pytest.approx(-0.78125)
    assert harsh.overall.mean_absolute == pytest.approx(0.78125)
    assert harsh.overall.compared == 4
    # review scores: t1 16.7 vs (100 + 83.3)/2, t2 0 vs (50 + 66.7)/2
    assert harsh.score_deviation == pytest.approx((-75 - 175 / 3) / 2)


def test_a_reviewer_s_n_a_is_not_compared() -> None:
    generous = {r.reviewer_id: r for r in calibrate(CARD, session()).reviewers}["a"]
    assert dict(generous.by_category)["greeting"].compared == 1
    assert generous.overall.mean_signed == pytest.approx((0.5 + 0.25 + 0.5) / 3)
    assert generous.overall.mean_absolute == pytest.approx((0.5 + 0.25 + 0.5) / 3)


def test_a_lone_reviewer_has_no_consensus_to_deviate_from() -> None:
    report = calibrate(CARD, session()[:1])
    assert report.reviewers[0].overall.compared == 0
    assert report.reviewers[0].overall.mean_signed is None
    assert report.categories[0].alpha is None


def test_a_session_accepts_only_calibration_reviews() -> None:
    regular = review(CARD, {"accuracy": 3, "greeting": 1}, ticket="t1", reviewer="d")
    with pytest.raises(ValueError, match="not a calibration review"):
        calibrate(CARD, [*session(), regular])


def test_a_session_uses_one_scorecard_version() -> None:
    newer = scorecard(*CARD.categories, version=2)
    with pytest.raises(ValueError, match=r"used scorecard \('sc-1', 1\)"):
        calibrate(newer, session())


def test_a_reviewer_scores_each_ticket_of_a_session_once() -> None:
    with pytest.raises(ValueError, match="'a' rated ticket 't1' twice"):
        calibrate(CARD, [*session(), session()[0]])
