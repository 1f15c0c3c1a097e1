import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.quality.engagement import (
    Enps,
    EnpsAnswer,
    GroupPulse,
    PulseAnswer,
    PulseQuestion,
    PulseSurvey,
    QuestionResult,
    QuestionWithheld,
    enps_report,
    enps_value,
    pulse_report,
)
from domain.quality.privacy import Withheld

N = None


def answers(team: str | None, scores: list[int], prefix: str = "") -> list[EnpsAnswer]:
    name = prefix or team or "x"
    return [EnpsAnswer(f"{name}-{i}", team, score) for i, score in enumerate(scores)]


def test_enps_is_percent_promoters_minus_percent_detractors() -> None:
    assert enps_value([10, 9, 9, 10, 9, 8, 7, 7, 6, 0]) == pytest.approx(30.0)


def test_enps_bands_are_9_10_promoters_7_8_passives_0_6_detractors() -> None:
    assert enps_value([9]) == 100.0
    assert enps_value([8]) == 0.0
    assert enps_value([7]) == 0.0
    assert enps_value([6]) == -100.0
    assert enps_value([]) is None


@pytest.mark.parametrize("score", [-1, 11, True])
def test_an_enps_answer_is_an_integer_from_0_to_10(score: int) -> None:
    with pytest.raises(ValueError, match="0–10"):
        EnpsAnswer("r", None, score)


def test_enps_is_reported_per_team_and_for_the_tenant() -> None:
    report = enps_report(answers("support", [10, 9, 8, 6, 3]) + answers("billing", [9] * 5))
    assert report.tenant == Enps(None, 50.0, respondents=10, promoters=7, passives=1, detractors=2)
    assert [team.group for team in report.teams] == ["billing", "support"]
    assert isinstance(report.teams[1], Enps)
    assert report.teams[1].value == pytest.approx(0.0)


def test_a_group_smaller_than_the_minimum_is_withheld_with_a_reason_and_no_numbers() -> None:
    report = enps_report(answers("support", [10, 9, 8, 6]))
    assert report.tenant == Withheld(None, "fewer than 5 respondents")
    assert report.teams == (Withheld("support", "fewer than 5 respondents"),)
    assert [f.name for f in dataclasses.fields(Withheld)] == ["group", "reason"]


def test_the_minimum_group_size_is_configurable_but_never_below_3() -> None:
    assert isinstance(enps_report(answers("s", [9, 9, 9]), min_group_size=3).tenant, Enps)
    with pytest.raises(ValueError, match="at least 3"):
        enps_report([], min_group_size=2)


def test_a_team_that_would_reveal_a_small_team_by_subtraction_is_withheld_too() -> None:
    report = enps_report(answers("support", [9] * 6) + answers("billing", [0] * 4))
    billing, support = report.teams
    assert billing == Withheld("billing", "fewer than 5 respondents")
    assert isinstance(support, Withheld)
    assert "subtraction" in support.reason
    assert isinstance(report.tenant, Enps)


def test_once_enough_people_are_hidden_the_other_teams_are_shown() -> None:
    report = enps_report(
        answers("support", [9] * 6) + answers("billing", [0] * 4) + answers(None, [5], "solo")
    )
    assert isinstance(report.teams[1], Enps)  # hidden: 4 in billing + 1 in no team


def test_a_respondent_answers_the_enps_once() -> None:
    with pytest.raises(ValueError, match="'r' answered the eNPS twice"):
        enps_report([EnpsAnswer("r", None, 9), EnpsAnswer("r", None, 3)])


@given(
    st.lists(
        st.tuples(st.sampled_from(["a", "b", "c", "d", None]), st.integers(0, 10)), max_size=40
    ),
    st.integers(3, 7),
)
def test_no_shown_group_is_small_and_what_is_hidden_cannot_be_isolated(
    raw: list[tuple[str | None, int]], min_group_size: int
) -> None:
    report = enps_report(
        [EnpsAnswer(f"r{i}", team, score) for i, (team, score) in enumerate(raw)],
        min_group_size=min_group_size,
    )
    shown = [team for team in report.teams if isinstance(team, Enps)]
    assert all(team.respondents >= min_group_size for team in shown)
    if isinstance(report.tenant, Enps):
        hidden = report.tenant.respondents - sum(team.respondents for team in shown)
        assert hidden == 0 or hidden >= min_group_size


def likert(key: str) -> PulseQuestion:
    return PulseQuestion(key, f"How do you feel about {key}?")


SURVEY = PulseSurvey("s-1", "May pulse", (likert("workload"), likert("tools")))


def pulse(team: str | None, values: list[tuple[int, int | None]], prefix: str) -> list[PulseAnswer]:
    rows = []
    for i, (workload, tools) in enumerate(values):
        rows.append(PulseAnswer(f"{prefix}{i}", team, "workload", workload))
        if tools is not None:
            rows.append(PulseAnswer(f"{prefix}{i}", team, "tools", tools))
    return rows


def test_a_pulse_survey_has_at_most_10_questions() -> None:
    PulseSurvey("s", "ok", tuple(likert(f"q{i}") for i in range(10)))
    with pytest.raises(ValueError, match="1–10 questions, got 11"):
        PulseSurvey("s", "too long", tuple(likert(f"q{i}") for i in range(11)))
    with pytest.raises(ValueError, match="got 0"):
        PulseSurvey("s", "empty", ())


def test_a_pulse_survey_refuses_duplicate_question_keys() -> None:
    with pytest.raises(ValueError, match=r"duplicate question keys \['tools'\]"):
        PulseSurvey("s", "dup", (likert("tools"), likert("tools")))


def test_pulse_results_give_each_question_s_mean_and_full_distribution() -> None:
    report = pulse_report(SURVEY, pulse("support", [(5, 4), (4, 4), (4, 2), (2, 3), (5, 1)], "s"))
    assert isinstance(report.tenant, GroupPulse)
    workload, tools = report.tenant.questions
    assert workload == QuestionResult(
        "workload", respondents=5, mean=4.0, distribution=((1, 0), (2, 1), (3, 0), (4, 2), (5, 2))
    )
    assert isinstance(tools, QuestionResult)
    assert tools.mean == pytest.approx(2.8)


def test_a_pulse_group_below_the_minimum_is_withheld() -> None:
    report = pulse_report(SURVEY, pulse("support", [(5, 4)] * 4, "s"))
    assert report.tenant == Withheld(None, "fewer than 5 respondents")
    assert report.teams == (Withheld("support", "fewer than 5 respondents"),)


def test_a_question_too_few_people_answered_is_withheld_within_a_shown_group() -> None:
    report = pulse_report(SURVEY, pulse("support", [(5, 4), (4, 4), (4, N), (2, N), (5, N)], "s"))
    assert isinstance(report.tenant, GroupPulse)
    assert report.tenant.questions[1] == QuestionWithheld(
        "tools", Withheld(None, "fewer than 5 respondents")
    )


def test_a_question_enough_people_answered_in_every_team_is_shown_for_each() -> None:
    rows = pulse("support", [(3, 3)] * 6, "s") + pulse("billing", [(3, 3)] * 5 + [(3, N)] * 3, "b")
    teams = {team.group: team for team in pulse_report(SURVEY, rows).teams}
    support, billing = teams["support"], teams["billing"]
    assert isinstance(support, GroupPulse)
    assert isinstance(billing, GroupPulse)
    assert isinstance(support.questions[0], QuestionResult)
    assert isinstance(support.questions[1], QuestionResult)
    assert isinstance(billing.questions[1], QuestionResult)  # 5 answered: shown


def test_a_small_teams_question_cannot_be_derived_from_the_tenant_total() -> None:
    rows = pulse("support", [(3, 3)] * 6, "s") + pulse("billing", [(3, 3)] * 2 + [(3, N)] * 4, "b")
    teams = {team.group: team for team in pulse_report(SURVEY, rows).teams}
    support, billing = teams["support"], teams["billing"]
    assert isinstance(billing, GroupPulse)
    assert isinstance(billing.questions[1], QuestionWithheld)  # only 2 answered
    assert isinstance(support, GroupPulse)
    assert isinstance(support.questions[1], QuestionWithheld)
    assert "subtraction" in support.questions[1].withheld.reason


def test_pulse_answers_must_fit_the_survey() -> None:
    with pytest.raises(ValueError, match="no question 'pay'"):
        pulse_report(SURVEY, [PulseAnswer("r", None, "pay", 3)])
    with pytest.raises(ValueError, match="6 is off its scale"):
        pulse_report(SURVEY, [PulseAnswer("r", None, "tools", 6)])
    with pytest.raises(ValueError, match="answered 'tools' twice"):
        pulse_report(SURVEY, [PulseAnswer("r", None, "tools", 3)] * 2)
    with pytest.raises(ValueError, match="from two teams"):
        pulse_report(
            SURVEY, [PulseAnswer("r", "a", "tools", 3), PulseAnswer("r", "b", "workload", 3)]
        )


def test_a_pulse_question_scale_must_be_ordered() -> None:
    with pytest.raises(ValueError, match="scale_min must be below scale_max"):
        PulseQuestion("q", "text", scale_min=5, scale_max=5)
