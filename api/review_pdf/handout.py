"""What the PDF shows, read in one unit of work: the review (its evidence as frozen), the
names it needs (agent, team, reviewer, cycle), and the figures as they are now, so that a
late event is told, not silently printed over the frozen numbers."""

from __future__ import annotations

from dataclasses import dataclass

from api.performance_reviews.queries import people as performance
from api.review_pdf import figures
from domain.performance_reviews.evidence import (
    PeriodEvidence,
    figure_changed,
    headline_total,
    metric_changed,
)
from domain.performance_reviews.gather import current_periods
from domain.performance_reviews.reviews import PerformanceReview
from domain.ports import UnitOfWork


@dataclass(frozen=True, slots=True)
class Handout:
    review: PerformanceReview
    agent: str
    team: str | None
    reviewer: str | None
    cycle: str | None
    rating_scale: tuple[str, ...]
    current: tuple[PeriodEvidence, ...]  # the review's periods as the snapshots say now
    timezone: str = "UTC"  # the tenant's: moments are shown on its clock


@dataclass(frozen=True, slots=True)
class Change:
    """A figure late events moved: what the review froze, and what it is now."""

    what: str
    frozen: str
    current: str


def read_handout(uow: UnitOfWork, review_id: str) -> Handout | None:
    """The handout of a review of the unit of work's tenant; None if it has no such review."""
    people = performance(uow)
    review = people.performance_reviews.get(review_id)
    if review is None:
        return None
    reads = people.reads
    agents = reads.agents_by_id({i for i in (review.agent_id, review.reviewer_id) if i})
    team_id = review.evidence.team_id
    team = reads.teams_by_id({team_id}).get(team_id) if team_id else None
    cycle = people.performance_reviews.cycle(review.cycle_id)
    agent = agents.get(review.agent_id)
    reviewer = agents.get(review.reviewer_id) if review.reviewer_id else None
    periods = tuple(p.period for p in review.evidence.periods)
    return Handout(
        review=review,
        agent=agent.name if agent else review.agent_id,
        team=team.name if team else None,
        reviewer=reviewer.name if reviewer else None,
        cycle=cycle.name if cycle else None,
        rating_scale=cycle.rating_scale if cycle else (),
        current=current_periods(reads, review.agent_id, periods),
        timezone=people.tenant.timezone,
    )


def late_changes(handout: Handout) -> list[Change]:
    """Every figure that differs now from the frozen one (team medians aside: context)."""
    frozen = handout.review.evidence
    changes: list[Change] = []
    now_total = headline_total(handout.current)
    if figure_changed(frozen.total, now_total):
        changes.append(Change("Total score", figures.number(frozen.total), _n(now_total)))
    several = len(frozen.periods) > 1
    for was, now in zip(frozen.periods, handout.current, strict=True):
        where = f" ({figures.period_label(was.period)})" if several else ""
        changes += _period_changes(was, now, where)
    return changes


def _period_changes(was: PeriodEvidence, now: PeriodEvidence, where: str) -> list[Change]:
    """One period's moved figures; `where` names the period when the review has several
    (whose totals then differ from the headline's)."""
    out = []
    if where and figure_changed(was.total, now.total):
        out.append(Change(f"Total{where}", _n(was.total), _n(now.total)))
    for m in was.metrics:
        current = now.metric(m.key, m.basis)
        if metric_changed(m, current):
            value, size = (current.value, current.sample_size) if current else (None, 0)
            label = figures.metric_label(m.key, m.basis) + where
            out.append(
                Change(label, _sampled(m.key, m.value, m.sample_size), _sampled(m.key, value, size))
            )
    if figure_changed(was.qa_score, now.qa_score) or was.qa_reviews != now.qa_reviews:
        frozen_qa, now_qa = _qa(was.qa_score, was.qa_reviews), _qa(now.qa_score, now.qa_reviews)
        out.append(Change(f"QA score{where}", frozen_qa, now_qa))
    counts = dict(now.guardrails)
    for key, count in was.guardrails:
        if counts.get(key, 0) != count:
            label = figures.guardrail_label(key) + where
            out.append(Change(label, str(count), str(counts.get(key, 0))))
    return out


def _n(value: float | None) -> str:
    return figures.number(value)


def _sampled(key: str, value: float | None, sample_size: int) -> str:
    return f"{figures.metric_value(key, value, precise=True)} (n={sample_size})"


def _qa(score: float | None, reviews: int) -> str:
    return f"{figures.number(score, 2)} ({reviews} reviews)"
