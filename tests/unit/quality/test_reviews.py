import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.quality.reviews import (
    AmbiguousRevieweeError,
    NoRepliersError,
    RatingError,
    RevieweeNotOnTicketError,
    SelfReviewError,
    check_reviewer,
    new_review,
    pick_reviewee,
    score_review,
)
from domain.quality.scorecards import Category, ScaleKind, Scorecard
from tests.unit.quality.builders import category, review, scorecard

BINARY, THREE, FIVE = ScaleKind.BINARY, ScaleKind.THREE_POINT, ScaleKind.FIVE_POINT


def email_card() -> Scorecard:
    return scorecard(
        category("solution", weight=2, kind=FIVE, group="accuracy"),
        category("tone", weight=1, kind=THREE, group="tone"),
        category("links", weight=1, kind=BINARY, allow_na=True, group="accuracy"),
        category("privacy", weight=1, kind=BINARY, allow_na=True, critical=True),
    )


def test_the_score_is_the_weighted_mean_of_normalised_ratings_times_100() -> None:
    result = score_review(email_card(), {"solution": 5, "tone": 2, "links": 0, "privacy": 1})
    # (2·1 + 1·0.5 + 1·0 + 1·1) / 5
    assert result.score == pytest.approx(70.0)
    assert [c.normalised for c in result.categories] == [1.0, 0.5, 0.0, 1.0]


def test_n_a_categories_leave_both_sums() -> None:
    result = score_review(email_card(), {"solution": 4, "tone": 3, "links": None, "privacy": None})
    # (2·0.75 + 1·1) / 3
    assert result.score == pytest.approx(100 * 2.5 / 3)
    assert result.categories[2].rating is None
    assert result.categories[2].normalised is None


def test_n_a_is_refused_where_the_scale_does_not_allow_it() -> None:
    with pytest.raises(RatingError, match="'tone' does not allow N/A"):
        score_review(email_card(), {"solution": 4, "tone": None, "links": 1, "privacy": 1})


def test_a_failed_critical_category_makes_the_score_0_and_says_which() -> None:
    result = score_review(email_card(), {"solution": 5, "tone": 3, "links": 1, "privacy": 0})
    assert result.score == 0.0
    assert result.critical_failed
    assert result.failed_critical == ("privacy",)
    assert result.weighted_score == pytest.approx(80.0)  # what it would have been


def test_a_critical_category_fails_only_at_the_lowest_point_of_its_scale() -> None:
    card = scorecard(category("accuracy", kind=FIVE, critical=True), category("tone"))
    assert score_review(card, {"accuracy": 1, "tone": 5}).score == 0.0
    assert score_review(card, {"accuracy": 2, "tone": 5}).score == pytest.approx(62.5)


def test_a_critical_category_rated_n_a_does_not_fail() -> None:
    result = score_review(email_card(), {"solution": 5, "tone": 3, "links": 1, "privacy": None})
    assert not result.critical_failed
    assert result.score == pytest.approx(100.0)


def test_a_non_critical_category_at_its_lowest_point_only_lowers_the_score() -> None:
    result = score_review(email_card(), {"solution": 1, "tone": 3, "links": 1, "privacy": 1})
    assert not result.critical_failed
    assert result.score == pytest.approx(60.0)


def test_a_review_with_every_category_n_a_has_no_score() -> None:
    card = scorecard(category("links", kind=BINARY, allow_na=True, group="g"))
    result = score_review(card, {"links": None})
    assert result.score is None
    assert result.weighted_score is None
    assert result.groups[0].score is None


def test_group_sub_scores_use_the_same_formula_within_each_group() -> None:
    result = score_review(email_card(), {"solution": 3, "tone": 2, "links": 1, "privacy": 0})
    groups = {g.group: g for g in result.groups}
    assert groups["accuracy"].score == pytest.approx(100 * (2 * 0.5 + 1) / 3)
    assert groups["accuracy"].rated_weight == 3
    assert groups["tone"].score == pytest.approx(50.0)
    assert result.score == 0.0  # the critical rule zeroes the review, not the groups


def test_the_result_names_the_scorecard_version_it_used() -> None:
    result = score_review(scorecard(category("tone"), version=3), {"tone": 5})
    assert (result.scorecard_id, result.scorecard_version) == ("sc-1", 3)


def test_ratings_for_unknown_categories_are_refused() -> None:
    with pytest.raises(RatingError, match=r"no categories \['speed'\]"):
        score_review(scorecard(category("tone")), {"tone": 5, "speed": 3})


def test_every_category_must_be_rated_or_marked_n_a() -> None:
    with pytest.raises(RatingError, match=r"missing ratings for \['tone'\]"):
        score_review(scorecard(category("tone"), category("facts")), {"facts": 5})


@pytest.mark.parametrize("rating", [0, 6, True])
def test_a_rating_off_the_scale_is_refused(rating: int) -> None:
    with pytest.raises(RatingError, match="is not one of"):
        score_review(scorecard(category("tone")), {"tone": rating})


weights = st.floats(min_value=0.01, max_value=1000, allow_nan=False)


@st.composite
def cards_and_ratings(draw: st.DrawFn) -> tuple[Scorecard, dict[str, int | None]]:
    kinds = draw(st.lists(st.sampled_from(list(ScaleKind)), min_size=1, max_size=6))
    categories = [
        category(
            f"c{i}",
            weight=draw(weights),
            kind=kind,
            allow_na=True,
            critical=draw(st.booleans()),
        )
        for i, kind in enumerate(kinds)
    ]
    ratings = {c.key: draw(st.none() | st.sampled_from(c.scale.points)) for c in categories}
    return scorecard(*categories), ratings


def scaled(card: Scorecard, factor: float) -> Scorecard:
    return scorecard(
        *(
            Category(c.key, c.label, c.weight * factor, c.scale, c.critical, c.group)
            for c in card.categories
        )
    )


@given(cards_and_ratings(), st.floats(min_value=0.01, max_value=100))
def test_the_score_does_not_change_when_every_weight_is_scaled_alike(
    case: tuple[Scorecard, dict[str, int | None]], factor: float
) -> None:
    card, ratings = case
    before = score_review(card, ratings).score
    after = score_review(scaled(card, factor), ratings).score
    if before is None:
        assert after is None
    else:
        assert after == pytest.approx(before)


@given(cards_and_ratings())
def test_a_score_is_none_or_between_0_and_100_and_0_on_a_critical_failure(
    case: tuple[Scorecard, dict[str, int | None]],
) -> None:
    card, ratings = case
    result = score_review(card, ratings)
    if all(rating is None for rating in ratings.values()):
        assert result.score is None
    else:
        assert result.score is not None
        assert 0.0 <= result.score <= 100.0 + 1e-9
    if result.critical_failed:
        assert result.score == 0.0


@given(cards_and_ratings())
def test_top_ratings_everywhere_score_100(case: tuple[Scorecard, dict[str, int | None]]) -> None:
    card, _ = case
    result = score_review(card, {c.key: c.scale.highest for c in card.categories})
    assert result.score == pytest.approx(100.0)


def test_a_reviewer_cannot_review_their_own_conversation() -> None:
    with pytest.raises(SelfReviewError, match="'ann' cannot review their own"):
        check_reviewer("ann", "ann")
    check_reviewer("lead", "ann")


def test_the_only_public_replier_is_the_reviewee() -> None:
    assert pick_reviewee(["ann", "ann"]) == "ann"


def test_with_several_repliers_the_reviewer_must_choose() -> None:
    with pytest.raises(AmbiguousRevieweeError, match="ann, bob"):
        pick_reviewee(["bob", "ann"])
    assert pick_reviewee(["bob", "ann"], chosen="bob") == "bob"


def test_the_chosen_reviewee_must_have_replied_on_the_ticket() -> None:
    with pytest.raises(RevieweeNotOnTicketError, match="'cat' did not reply"):
        pick_reviewee(["ann", "bob"], chosen="cat")


def test_a_ticket_without_public_agent_replies_has_no_reviewee() -> None:
    with pytest.raises(NoRepliersError):
        pick_reviewee([])


def test_a_new_review_refuses_a_self_review() -> None:
    with pytest.raises(SelfReviewError):
        review(scorecard(category("tone")), {"tone": 5}, reviewer="ann", reviewee="ann")


def test_a_new_review_keeps_comments_per_category_and_drops_blank_ones() -> None:
    made = new_review(
        scorecard=scorecard(category("tone"), category("facts")),
        ticket_id="t-9",
        reviewer_id="lead",
        reviewee_id="ann",
        ratings={"tone": 4, "facts": 5},
        comments={"tone": "  warm, but long  ", "facts": "   "},
    )
    assert dict(made.comments) == {"tone": "warm, but long"}
    assert made.score == pytest.approx(87.5)


def test_a_new_review_refuses_comments_on_unknown_categories() -> None:
    with pytest.raises(RatingError, match=r"comments on unknown categories \['speed'\]"):
        new_review(
            scorecard=scorecard(category("tone")),
            ticket_id="t-9",
            reviewer_id="lead",
            reviewee_id="ann",
            ratings={"tone": 4},
            comments={"speed": "slow"},
        )
