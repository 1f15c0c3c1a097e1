"""Employee engagement: eNPS and pulse surveys, per team and for the tenant.

Every grouped result goes through the minimum-group-size rule of `privacy`: a group
with too few respondents comes back `Withheld`, never with numbers.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import fmean

from domain.quality.privacy import Withheld, check_min_group_size, withheld_teams

DEFAULT_MIN_GROUP_SIZE = 5
PROMOTER_MIN = 9  # eNPS on 0–10: 9–10 promote, 7–8 are passive, 0–6 detract
DETRACTOR_MAX = 6
MAX_PULSE_QUESTIONS = 10


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True, slots=True)
class EnpsAnswer:
    respondent_id: str
    team_id: str | None  # None: in no team, counted for the tenant only
    score: int

    def __post_init__(self) -> None:
        if not _is_int(self.score) or not 0 <= self.score <= 10:
            raise ValueError(f"an eNPS score is an integer 0–10, got {self.score!r}")


@dataclass(frozen=True, slots=True)
class Enps:
    group: str | None  # team id; None = the whole tenant
    value: float  # % promoters − % detractors, −100..100
    respondents: int
    promoters: int
    passives: int
    detractors: int


@dataclass(frozen=True, slots=True)
class EnpsReport:
    tenant: Enps | Withheld
    teams: tuple[Enps | Withheld, ...]  # sorted by team id


def enps_value(scores: Iterable[int]) -> float | None:
    """% promoters − % detractors; None with no scores. The bare formula, no privacy rule."""
    listed = list(scores)
    if not listed:
        return None
    promoters = sum(score >= PROMOTER_MIN for score in listed)
    detractors = sum(score <= DETRACTOR_MAX for score in listed)
    return 100 * (promoters - detractors) / len(listed)


def enps_report(
    answers: Iterable[EnpsAnswer], *, min_group_size: int = DEFAULT_MIN_GROUP_SIZE
) -> EnpsReport:
    """eNPS per team and for the tenant, from one answer per respondent."""
    check_min_group_size(min_group_size)
    everyone = _one_per_respondent(answers)
    by_team: defaultdict[str, list[int]] = defaultdict(list)
    for answer in everyone:
        if answer.team_id is not None:
            by_team[answer.team_id].append(answer.score)
    counts = {team: len(scores) for team, scores in by_team.items()}
    hidden = withheld_teams(counts, total=len(everyone), min_group_size=min_group_size)
    return EnpsReport(
        tenant=_enps(None, [a.score for a in everyone], min_group_size=min_group_size),
        teams=tuple(
            hidden.get(team) or _enps(team, by_team[team], min_group_size=min_group_size)
            for team in sorted(by_team)
        ),
    )


def _one_per_respondent(answers: Iterable[EnpsAnswer]) -> list[EnpsAnswer]:
    seen: dict[str, EnpsAnswer] = {}
    for answer in answers:
        if seen.setdefault(answer.respondent_id, answer) is not answer:
            raise ValueError(f"respondent {answer.respondent_id!r} answered the eNPS twice")
    return list(seen.values())


def _enps(group: str | None, scores: Sequence[int], *, min_group_size: int) -> Enps | Withheld:
    if len(scores) < min_group_size:
        return Withheld.too_few(group, min_group_size)
    promoters = sum(score >= PROMOTER_MIN for score in scores)
    detractors = sum(score <= DETRACTOR_MAX for score in scores)
    return Enps(
        group=group,
        value=100 * (promoters - detractors) / len(scores),
        respondents=len(scores),
        promoters=promoters,
        passives=len(scores) - promoters - detractors,
        detractors=detractors,
    )


@dataclass(frozen=True, slots=True)
class PulseQuestion:
    key: str
    text: str
    scale_min: int = 1
    scale_max: int = 5

    def __post_init__(self) -> None:
        if not self.key.strip() or not self.text.strip():
            raise ValueError("a pulse question needs a key and a text")
        if not (_is_int(self.scale_min) and _is_int(self.scale_max)):
            raise ValueError(f"question {self.key!r}: scale bounds must be integers")
        if self.scale_min >= self.scale_max:
            raise ValueError(f"question {self.key!r}: scale_min must be below scale_max")

    @property
    def points(self) -> range:
        return range(self.scale_min, self.scale_max + 1)


@dataclass(frozen=True, slots=True)
class PulseSurvey:
    id: str
    title: str
    questions: tuple[PulseQuestion, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "questions", tuple(self.questions))
        if not 1 <= len(self.questions) <= MAX_PULSE_QUESTIONS:
            raise ValueError(
                f"a pulse survey has 1–{MAX_PULSE_QUESTIONS} questions, got {len(self.questions)}"
            )
        keys = [question.key for question in self.questions]
        duplicates = sorted(key for key, n in Counter(keys).items() if n > 1)
        if duplicates:
            raise ValueError(f"survey {self.id!r} has duplicate question keys {duplicates}")


@dataclass(frozen=True, slots=True)
class PulseAnswer:
    respondent_id: str
    team_id: str | None
    question_key: str
    value: int


@dataclass(frozen=True, slots=True)
class QuestionResult:
    key: str
    respondents: int
    mean: float
    distribution: tuple[tuple[int, int], ...]  # (scale point, answers), every point listed


@dataclass(frozen=True, slots=True)
class QuestionWithheld:
    key: str
    withheld: Withheld


@dataclass(frozen=True, slots=True)
class GroupPulse:
    group: str | None  # team id; None = the whole tenant
    respondents: int
    questions: tuple[QuestionResult | QuestionWithheld, ...]  # in survey order


@dataclass(frozen=True, slots=True)
class PulseReport:
    survey_id: str
    tenant: GroupPulse | Withheld
    teams: tuple[GroupPulse | Withheld, ...]  # sorted by team id


def pulse_report(
    survey: PulseSurvey,
    answers: Iterable[PulseAnswer],
    *,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
) -> PulseReport:
    """Per question mean and distribution, per team and for the tenant.

    A group is withheld below `min_group_size` respondents; within a shown group, so is
    any question fewer than that many answered (or whose numbers would let a smaller
    group's answers be derived by subtraction).
    """
    check_min_group_size(min_group_size)
    checked = _checked_pulse_answers(survey, answers)
    by_team: defaultdict[str, list[PulseAnswer]] = defaultdict(list)
    for answer in checked:
        if answer.team_id is not None:
            by_team[answer.team_id].append(answer)
    hidden = {
        question.key: _hidden_teams(question.key, checked, min_group_size=min_group_size)
        for question in survey.questions
    }

    def group(name: str | None, group_answers: list[PulseAnswer]) -> GroupPulse | Withheld:
        return _group_pulse(
            name,
            survey=survey,
            answers=group_answers,
            min_group_size=min_group_size,
            hidden={key: teams[name] for key, teams in hidden.items() if name in teams},
        )

    return PulseReport(
        survey_id=survey.id,
        tenant=group(None, checked),
        teams=tuple(group(team, by_team[team]) for team in sorted(by_team)),
    )


def _checked_pulse_answers(
    survey: PulseSurvey, answers: Iterable[PulseAnswer]
) -> list[PulseAnswer]:
    """The answers, refused if off the survey, off scale, repeated, or team-inconsistent."""
    listed = list(answers)
    questions = {question.key: question for question in survey.questions}
    seen: set[tuple[str, str]] = set()
    team_of: dict[str, str | None] = {}
    for answer in listed:
        question = questions.get(answer.question_key)
        if question is None:
            raise ValueError(f"survey {survey.id!r} has no question {answer.question_key!r}")
        if not _is_int(answer.value) or answer.value not in question.points:
            raise ValueError(f"question {question.key!r}: {answer.value!r} is off its scale")
        if (answer.respondent_id, answer.question_key) in seen:
            raise ValueError(f"respondent {answer.respondent_id!r} answered {question.key!r} twice")
        seen.add((answer.respondent_id, answer.question_key))
        if team_of.setdefault(answer.respondent_id, answer.team_id) != answer.team_id:
            raise ValueError(f"respondent {answer.respondent_id!r} answered from two teams")
    return listed


def _hidden_teams(
    question_key: str, answers: Sequence[PulseAnswer], *, min_group_size: int
) -> dict[str, Withheld]:
    of_question = [answer for answer in answers if answer.question_key == question_key]
    counts = Counter(answer.team_id for answer in of_question if answer.team_id is not None)
    return withheld_teams(counts, total=len(of_question), min_group_size=min_group_size)


def _group_pulse(
    group: str | None,
    *,
    survey: PulseSurvey,
    answers: Sequence[PulseAnswer],
    min_group_size: int,
    hidden: dict[str, Withheld],
) -> GroupPulse | Withheld:
    respondents = len({answer.respondent_id for answer in answers})
    if respondents < min_group_size:
        return Withheld.too_few(group, min_group_size)
    results: list[QuestionResult | QuestionWithheld] = []
    for question in survey.questions:
        values = [a.value for a in answers if a.question_key == question.key]
        if question.key in hidden:
            results.append(QuestionWithheld(question.key, hidden[question.key]))
        elif len(values) < min_group_size:
            results.append(QuestionWithheld(question.key, Withheld.too_few(group, min_group_size)))
        else:
            results.append(_question_result(question, values))
    return GroupPulse(group, respondents, tuple(results))


def _question_result(question: PulseQuestion, values: Sequence[int]) -> QuestionResult:
    counts = Counter(values)
    return QuestionResult(
        key=question.key,
        respondents=len(values),
        mean=fmean(values),
        distribution=tuple((point, counts[point]) for point in question.points),
    )
