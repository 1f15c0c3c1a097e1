"""The metric dictionary (SPEC §4): every metric's key, levels, unit, direction, cohort and
attribution rule, as published to dashboards."""

from __future__ import annotations

import pytest

from domain import metrics as m
from domain.metrics import Direction, Kind, Level, Statistic

AGENT, TEAM, TENANT = Level.AGENT, Level.TEAM, Level.TENANT
ALL = {AGENT, TEAM, TENANT}

# key: (levels, the event time that dates it, who it is attributed to) — SPEC §4's table.
SPEC_TABLE: dict[str, tuple[set[Level], str, str]] = {
    "tickets_created": ({TEAM, TENANT}, "creation time", "—"),
    "tickets_solved": (ALL, "first solve time", "assignee at first solve"),
    "first_response_time": (ALL, "reply time", "first public agent reply"),
    "reply_time": (ALL, "reply time", "replying agent"),
    "resolution_time": (ALL, "first solve time", "assignee at first solve"),
    "one_touch_rate": (ALL, "first solve time", "assignee at first solve"),
    "reopen_rate": (ALL, "first solve time", "assignee at first solve"),
    "replies_per_ticket": (ALL, "first solve time", "assignee at first solve"),
    "abandoned_rate": ({TEAM, TENANT}, "first solve time", "—"),
    "csat": (ALL, "rating time", "assignee at rating time"),
    "csat_response_rate": (ALL, "rating time", "csat"),
    "csat_comment_rate": (ALL, "rating time", "assignee at rating time"),
    "ces": (ALL, "rating time", "assignee at rating time"),
    "nps": ({TEAM, TENANT}, "rating time", "—"),
    "conversations_per_hour": ({AGENT, TEAM}, "assignment time", "assignee"),
    "handle_time": (ALL, "handle-time report", "handling agent"),
    "qa_score": (ALL, "review time", "reviewee"),
    "reviews_given": ({AGENT, TEAM}, "review time", "reviewer"),
    "sla_first_response": (ALL, "reply time", "first public agent reply"),
    "sla_resolution": (ALL, "first solve time", "assignee at first solve"),
    "contact_ratio": ({TENANT}, "creation time", "—"),
}

DURATIONS = {"first_response_time", "reply_time", "resolution_time"}
RATES = {
    "one_touch_rate",
    "reopen_rate",
    "abandoned_rate",
    "csat",
    "csat_response_rate",
    "csat_comment_rate",
    "sla_first_response",
    "sla_resolution",
}


def test_the_dictionary_holds_exactly_the_metrics_of_the_spec() -> None:
    assert [d.key for d in m.DEFINITIONS] == list(SPEC_TABLE)
    assert set(m.BY_KEY) == set(SPEC_TABLE)


@pytest.mark.parametrize("key", SPEC_TABLE)
def test_each_metric_exists_at_the_levels_the_spec_gives_it(key: str) -> None:
    assert set(m.get(key).levels) == SPEC_TABLE[key][0]


@pytest.mark.parametrize("key", SPEC_TABLE)
def test_each_metric_publishes_its_cohort_rule(key: str) -> None:
    assert SPEC_TABLE[key][1] in m.get(key).cohort


@pytest.mark.parametrize("key", SPEC_TABLE)
def test_each_metric_publishes_its_attribution_rule(key: str) -> None:
    assert SPEC_TABLE[key][2] in m.get(key).attribution


def test_the_rating_owner_rule_lists_the_three_fallbacks_in_order() -> None:
    rule = m.get("csat").attribution
    steps = ["assignee at rating time", "assignee at the latest solve", "last public agent replier"]
    assert [rule.index(step) for step in steps] == sorted(rule.index(step) for step in steps)


def test_the_handle_time_cohort_rule_is_each_report_s_own_time_not_the_last_one() -> None:
    assert "last" not in m.get("handle_time").cohort


@pytest.mark.parametrize("definition", m.DEFINITIONS, ids=lambda d: d.key)
def test_every_metric_has_a_label_a_unit_and_a_description(definition: m.MetricDef) -> None:
    assert definition.label.strip()
    assert definition.unit.strip()
    assert definition.description.strip()


def test_labels_are_unique() -> None:
    labels = [d.label for d in m.DEFINITIONS]
    assert len(labels) == len(set(labels))


def test_durations_are_in_seconds_and_default_to_the_median() -> None:
    durations = {d.key for d in m.DEFINITIONS if d.is_duration}
    assert durations == DURATIONS
    for key in durations:
        d = m.get(key)
        assert (d.unit, d.default_statistic) == ("seconds", Statistic.MEDIAN)
        assert set(d.statistics()) >= {Statistic.MEDIAN, Statistic.MEAN, Statistic.P90}


def test_rates_are_ratios_with_a_single_value() -> None:
    assert {d.key for d in m.DEFINITIONS if d.is_rate and d.key != "contact_ratio"} == RATES
    for key in RATES:
        d = m.get(key)
        assert (d.unit, d.statistics(), d.default_statistic) == (
            "ratio",
            (Statistic.VALUE,),
            Statistic.VALUE,
        )


@pytest.mark.parametrize(
    ("key", "direction"),
    [
        ("first_response_time", Direction.LOWER_IS_BETTER),
        ("reply_time", Direction.LOWER_IS_BETTER),
        ("resolution_time", Direction.LOWER_IS_BETTER),
        ("reopen_rate", Direction.LOWER_IS_BETTER),
        ("abandoned_rate", Direction.LOWER_IS_BETTER),
        ("handle_time", Direction.LOWER_IS_BETTER),
        ("csat", Direction.HIGHER_IS_BETTER),
        ("one_touch_rate", Direction.HIGHER_IS_BETTER),
        ("nps", Direction.HIGHER_IS_BETTER),
        ("qa_score", Direction.HIGHER_IS_BETTER),
        ("sla_first_response", Direction.HIGHER_IS_BETTER),
        ("tickets_created", Direction.NEUTRAL),
    ],
)
def test_each_metric_says_which_direction_is_better(key: str, direction: Direction) -> None:
    assert m.get(key).direction is direction


def test_derived_metrics_are_ratios_of_other_aggregates() -> None:
    derived = {d.key for d in m.DEFINITIONS if d.kind is Kind.DERIVED}
    assert derived == {"csat_response_rate", "conversations_per_hour", "contact_ratio"}


def test_an_unknown_metric_is_a_key_error_naming_it() -> None:
    with pytest.raises(KeyError, match="unknown metric 'happiness'"):
        m.get("happiness")


@pytest.mark.parametrize("key", ["qa_score", "reviews_given"])
def test_the_review_metrics_say_calibration_reviews_do_not_count(key: str) -> None:
    assert "calibration reviews do not count" in m.get(key).description
