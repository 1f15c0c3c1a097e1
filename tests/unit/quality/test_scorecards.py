import math

import pytest

from domain.quality.scorecards import Scale, ScaleKind, Scorecard, revise
from tests.unit.quality.builders import category, scorecard


def test_a_binary_scale_is_no_0_and_yes_1() -> None:
    scale = Scale(ScaleKind.BINARY)
    assert scale.points == (0, 1)
    assert scale.normalise(0) == 0.0
    assert scale.normalise(1) == 1.0


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (ScaleKind.THREE_POINT, [0.0, 0.5, 1.0]),
        (ScaleKind.FOUR_POINT, [0.0, 1 / 3, 2 / 3, 1.0]),
        (ScaleKind.FIVE_POINT, [0.0, 0.25, 0.5, 0.75, 1.0]),
    ],
)
def test_a_k_point_scale_normalises_r_to_r_minus_1_over_k_minus_1(
    kind: ScaleKind, expected: list[float]
) -> None:
    scale = Scale(kind)
    assert [scale.normalise(point) for point in scale.points] == pytest.approx(expected)


@pytest.mark.parametrize("rating", [0, 6, -1, True])
def test_a_rating_off_the_scale_is_refused(rating: int) -> None:
    with pytest.raises(ValueError, match="not on the five_point scale"):
        Scale(ScaleKind.FIVE_POINT).normalise(rating)


def test_the_lowest_point_of_a_scale_is_its_failure() -> None:
    assert Scale(ScaleKind.BINARY).fails(0)
    assert not Scale(ScaleKind.BINARY).fails(1)
    assert Scale(ScaleKind.FOUR_POINT).fails(1)
    assert not Scale(ScaleKind.FOUR_POINT).fails(2)


@pytest.mark.parametrize("weight", [0, -1.5, math.nan, math.inf])
def test_a_category_weight_must_be_positive_and_finite(weight: float) -> None:
    with pytest.raises(ValueError, match="weights must be positive"):
        category("tone", weight=weight)


def test_a_category_needs_a_key() -> None:
    with pytest.raises(ValueError, match="non-empty key"):
        category(" ")


def test_a_scorecard_refuses_duplicate_category_keys() -> None:
    with pytest.raises(ValueError, match="duplicate category key 'tone'"):
        scorecard(category("tone"), category("tone"))


def test_a_scorecard_needs_at_least_one_category() -> None:
    with pytest.raises(ValueError, match="at least one category"):
        scorecard()


def test_a_scorecard_version_starts_at_1() -> None:
    with pytest.raises(ValueError, match="version must be ≥ 1"):
        scorecard(category("tone"), version=0)


def test_a_scorecard_lists_its_groups_in_first_use_order() -> None:
    card = scorecard(
        category("empathy", group="tone"),
        category("facts", group="accuracy"),
        category("greeting", group="tone"),
        category("links"),
    )
    assert card.groups == ("tone", "accuracy")
    assert card.keys == ("empathy", "facts", "greeting", "links")


def test_a_scorecard_finds_a_category_by_key() -> None:
    card = scorecard(category("tone"), category("accuracy"))
    assert card.category("accuracy").key == "accuracy"
    with pytest.raises(KeyError, match="no category 'speed'"):
        card.category("speed")


def test_revising_a_scorecard_creates_the_next_version_and_keeps_the_old_one() -> None:
    original = scorecard(category("tone"))
    revised = revise(original, categories=[category("tone"), category("accuracy", weight=2)])
    assert (revised.id, revised.version) == (original.id, 2)
    assert revised.keys == ("tone", "accuracy")
    assert original.keys == ("tone",)
    assert original.version == 1


def test_revising_only_the_name_keeps_the_categories() -> None:
    original = scorecard(category("tone"))
    revised = revise(original, name="Chat QA")
    assert revised.name == "Chat QA"
    assert revised.categories == original.categories
    assert revised.version == 2


def test_a_revision_must_change_something() -> None:
    with pytest.raises(ValueError, match="needs a new name or categories"):
        revise(scorecard(category("tone")))


def test_a_revision_is_validated_like_a_new_scorecard() -> None:
    with pytest.raises(ValueError, match="duplicate category key"):
        revise(scorecard(category("tone")), categories=[category("a"), category("a")])


def test_a_scorecard_is_immutable_even_when_built_from_a_list() -> None:
    card = Scorecard(id="sc", version=1, name="QA", categories=[category("tone")])  # type: ignore[arg-type]
    assert isinstance(card.categories, tuple)
