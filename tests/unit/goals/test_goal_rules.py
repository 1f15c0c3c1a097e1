"""The goal rules (domain.goals.model, .validation): progress as clipped attainment, the
weighted roll-up, status from progress against elapsed time, and alignment upward."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.goals.model import (
    Goal,
    GoalKind,
    GoalStatus,
    MetricTarget,
    Owner,
    OwnerKind,
    expected_progress,
    metric_progress,
    rolled_up,
    status_of,
)
from domain.goals.ports import GoalError
from domain.goals.validation import check_alignment, validate
from domain.metrics import Direction, Statistic

START, END = date(2026, 3, 1), date(2026, 3, 10)  # ten days


def goal(owner: OwnerKind, **fields: object) -> Goal:
    values: dict[str, object] = {
        "id": f"g-{owner.value}",
        "title": "A goal",
        "owner": Owner(owner, "x"),
        "start": START,
        "end": END,
        "kind": GoalKind.MANUAL,
        **fields,
    }
    return Goal(**values)  # type: ignore[arg-type]


def test_progress_is_attainment_clipped_to_one() -> None:
    more = MetricTarget("tickets_solved", 4, Direction.HIGHER_IS_BETTER)
    assert metric_progress(more, 3) == 0.75
    assert metric_progress(more, 9) == 1.0
    assert metric_progress(more, None) is None
    faster = MetricTarget("first_response_time", 3600, Direction.LOWER_IS_BETTER, Statistic.P90)
    assert metric_progress(faster, 7200) == 0.5
    assert metric_progress(faster, 0) == 1.0


def test_a_parent_is_the_weighted_mean_of_its_children_with_progress() -> None:
    assert rolled_up([(2, 0.75), (1, 0.5)]) == pytest.approx(2 / 3)
    assert rolled_up([(1, 0.4), (5, None)]) == 0.4
    assert rolled_up([(1, None)]) is None
    assert rolled_up([]) is None


@given(st.lists(st.tuples(st.floats(0.01, 100), st.floats(0, 1)), min_size=1))
def test_a_roll_up_stays_between_its_childrens_progress(
    children: list[tuple[float, float]],
) -> None:
    result = rolled_up(children)
    assert result is not None
    lowest, highest = min(p for _, p in children), max(p for _, p in children)
    assert lowest - 1e-9 <= result <= highest + 1e-9


def test_expected_progress_is_the_share_of_days_elapsed() -> None:
    assert expected_progress(START, END, date(2026, 2, 1)) == 0.0
    assert expected_progress(START, END, START) == 0.1
    assert expected_progress(START, END, date(2026, 3, 6)) == 0.6
    assert expected_progress(START, END, date(2026, 4, 1)) == 1.0


@pytest.mark.parametrize(
    ("progress", "status"),
    [
        (0.6, GoalStatus.ON_TRACK),
        (0.9, GoalStatus.ON_TRACK),
        (0.48, GoalStatus.AT_RISK),
        (0.47, GoalStatus.OFF_TRACK),
        (None, None),
    ],
)
def test_status_compares_progress_with_the_expected_pace(
    progress: float | None, status: GoalStatus | None
) -> None:
    assert status_of(progress, start=START, end=END, today=date(2026, 3, 6)) == status


@pytest.mark.parametrize(
    ("child", "parent", "aligned"),
    [
        (OwnerKind.AGENT, OwnerKind.TEAM, True),
        (OwnerKind.AGENT, OwnerKind.TENANT, True),
        (OwnerKind.TEAM, OwnerKind.TENANT, True),
        (OwnerKind.AGENT, OwnerKind.AGENT, False),
        (OwnerKind.TEAM, OwnerKind.TEAM, False),
        (OwnerKind.TEAM, OwnerKind.AGENT, False),
        (OwnerKind.TENANT, OwnerKind.TENANT, False),
    ],
)
def test_goals_align_upward_only(child: OwnerKind, parent: OwnerKind, aligned: bool) -> None:
    if aligned:
        check_alignment(goal(child), goal(parent))
        return
    with pytest.raises(GoalError) as raised:
        check_alignment(goal(child), goal(parent))
    assert raised.value.field == "parentId"


def test_a_metric_goal_is_checked_against_the_metric_dictionary_at_its_owners_level() -> None:
    nps = MetricTarget("nps", 30, Direction.HIGHER_IS_BETTER)
    assert validate(goal(OwnerKind.TEAM, kind=GoalKind.METRIC, metric=nps))
    with pytest.raises(GoalError, match="not measured at the AGENT level"):
        validate(goal(OwnerKind.AGENT, kind=GoalKind.METRIC, metric=nps))
    with pytest.raises(GoalError) as raised:
        validate(goal(OwnerKind.AGENT, kind=GoalKind.METRIC, metric=nps, manual_progress=0.5))
    assert raised.value.field == "progress"
    with pytest.raises(GoalError) as raised:
        validate(goal(OwnerKind.AGENT, metric=nps))
    assert raised.value.field == "metric"
    with pytest.raises(GoalError) as raised:
        validate(goal(OwnerKind.AGENT, end=date.max))
    assert raised.value.field == "endDate"
