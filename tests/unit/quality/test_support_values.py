from datetime import date

import pytest

from domain.periods import Grain, Period
from domain.quality.support_values import (
    SupportValue,
    ValueRating,
    check_support_values,
    check_value_rating,
)

MAY = Period(Grain.MONTH, date(2024, 5, 1))
VALUES = (SupportValue("empathy", "Empathy"), SupportValue("ownership", "Ownership"))


def rating(value: int, *, key: str = "empathy", rater: str = "lead") -> ValueRating:
    return ValueRating(agent_id="ann", value_key=key, period=MAY, rater_id=rater, rating=value)


@pytest.mark.parametrize("value", [1, 3, 5])
def test_a_value_rating_is_1_to_5(value: int) -> None:
    assert rating(value).rating == value


@pytest.mark.parametrize("value", [0, 6])
def test_a_value_rating_off_1_to_5_is_refused(value: int) -> None:
    with pytest.raises(ValueError, match="1–5"):
        rating(value)


def test_a_value_rating_must_be_an_integer() -> None:
    with pytest.raises(ValueError, match="integer"):
        rating(True)


def test_nobody_rates_their_own_values() -> None:
    with pytest.raises(ValueError, match="'ann' cannot rate their own values"):
        rating(4, rater="ann")


def test_a_rating_must_name_one_of_the_tenant_s_values() -> None:
    check_value_rating(VALUES, rating(4, key="ownership"))
    with pytest.raises(ValueError, match="'speed' is not one of the tenant's support values"):
        check_value_rating(VALUES, rating(4, key="speed"))


def test_a_tenant_s_values_have_unique_keys() -> None:
    assert check_support_values(VALUES) == VALUES
    with pytest.raises(ValueError, match=r"duplicate support value keys \['empathy'\]"):
        check_support_values([*VALUES, SupportValue("empathy", "Kindness")])
    with pytest.raises(ValueError, match="at least one value"):
        check_support_values([])


def test_a_support_value_needs_a_key_and_a_label() -> None:
    with pytest.raises(ValueError, match="non-empty key and label"):
        SupportValue("", "Empathy")
