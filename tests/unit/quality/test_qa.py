import pytest

from domain.quality.qa import QaScore, qa_score, qa_scores_by_reviewee, reviews_given_by_reviewer
from domain.quality.reviews import ReviewKind
from domain.quality.scorecards import ScaleKind
from tests.unit.quality.builders import category, review, scorecard

CARD = scorecard(category("tone"), category("links", kind=ScaleKind.BINARY, allow_na=True))


def test_qa_score_is_the_mean_review_score() -> None:
    reviews = [
        review(CARD, {"tone": 5, "links": 1}, ticket="t-1"),  # 100
        review(CARD, {"tone": 3, "links": 0}, ticket="t-2"),  # 25
    ]
    result = qa_score(reviews)
    assert result.value == pytest.approx(62.5)
    assert result.sample_size == 2


def test_calibration_reviews_never_count_toward_qa_score() -> None:
    reviews = [
        review(CARD, {"tone": 5, "links": 1}, ticket="t-1"),
        review(CARD, {"tone": 1, "links": 0}, ticket="t-2", kind=ReviewKind.CALIBRATION),
    ]
    assert qa_score(reviews) == QaScore(100.0, 1)


def test_a_review_with_every_category_n_a_is_left_out_of_the_mean() -> None:
    all_na = scorecard(category("links", kind=ScaleKind.BINARY, allow_na=True))
    reviews = [review(all_na, {"links": None}), review(all_na, {"links": 1}, ticket="t-2")]
    assert qa_score(reviews) == QaScore(100.0, 1)


def test_qa_score_without_scored_reviews_is_null_not_zero() -> None:
    assert qa_score([]) == QaScore(None, 0)


def test_qa_scores_are_attributed_to_the_reviewee() -> None:
    reviews = [
        review(CARD, {"tone": 5, "links": 1}, reviewee="ann"),
        review(CARD, {"tone": 1, "links": 0}, reviewee="bob", ticket="t-2"),
        review(CARD, {"tone": 1, "links": 0}, reviewee="cat", kind=ReviewKind.CALIBRATION),
    ]
    assert qa_scores_by_reviewee(reviews) == {"ann": QaScore(100.0, 1), "bob": QaScore(0.0, 1)}


def test_reviews_given_counts_regular_reviews_per_reviewer() -> None:
    reviews = [
        review(CARD, {"tone": 5, "links": 1}, reviewer="lead"),
        review(CARD, {"tone": 4, "links": 1}, reviewer="lead", ticket="t-2"),
        review(CARD, {"tone": 4, "links": 1}, reviewer="bob", ticket="t-3"),
        review(CARD, {"tone": 4, "links": 1}, reviewer="bob", kind=ReviewKind.CALIBRATION),
    ]
    assert reviews_given_by_reviewer(reviews) == {"lead": 2, "bob": 1}
