"""Use cases of review cycles and performance reviews, over `PerformanceUnitOfWork`.

Creating a period's reviews is idempotent: one review per (cycle, agent, period); a rerun
adds only the reviews still missing (an agent who joined a reviewed team on the period's
last day after the first run, say) and never touches existing ones, whose evidence stays
as it was frozen. Inactive agents (deactivated, merged away) get no new reviews; the
reviews they have stay theirs.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta

from domain.performance_reviews import reviews as steps
from domain.performance_reviews.cycles import (
    Cadence,
    ReviewCycle,
    ReviewPeriod,
    check_complete,
    check_cycle,
    review_period,
)
from domain.performance_reviews.errors import NotFoundError
from domain.performance_reviews.gather import Reviewed, gather_evidence
from domain.performance_reviews.ports import PerformanceUnitOfWork
from domain.performance_reviews.reviews import PerformanceReview, Section


def new_id() -> str:
    return uuid.uuid4().hex


def create_cycle(
    uow: PerformanceUnitOfWork,
    *,
    name: str,
    cadence: Cadence,
    reviewer_id: str,
    rating_scale: Sequence[str],
    team_ids: Sequence[str] = (),
    agent_ids: Sequence[str] = (),
    team_reviewers: Sequence[tuple[str, str]] = (),
    now: datetime,
) -> ReviewCycle:
    cycle = ReviewCycle(
        id=new_id(),
        name=name.strip(),
        cadence=cadence,
        reviewer_id=reviewer_id,
        rating_scale=tuple(label.strip() for label in rating_scale),
        team_ids=tuple(dict.fromkeys(team_ids)),
        agent_ids=tuple(dict.fromkeys(agent_ids)),
        team_reviewers=tuple(team_reviewers),
        created_at=now,
    )
    check_cycle(cycle)
    _check_agents(uow, [reviewer_id], "reviewerId")
    _check_agents(uow, cycle.agent_ids, "agentIds")
    _check_agents(uow, [r for _, r in cycle.team_reviewers], "teamReviewers")
    _check_teams(uow, cycle.team_ids, "teamIds")
    _check_teams(uow, [t for t, _ in cycle.team_reviewers], "teamReviewers")
    uow.performance_reviews.add_cycle(cycle)
    return cycle


def _check_agents(uow: PerformanceUnitOfWork, ids: Sequence[str], field: str) -> None:
    found = uow.directory.teams_of_agents(ids)
    if missing := sorted(set(ids) - found.keys()):
        raise NotFoundError(f"no agent {missing[0]!r}", field)


def _check_teams(uow: PerformanceUnitOfWork, ids: Sequence[str], field: str) -> None:
    found = uow.reads.teams_by_id(ids)
    if missing := [t for t in ids if t not in found]:
        raise NotFoundError(f"no team {missing[0]!r}", field)


def cycle_of(uow: PerformanceUnitOfWork, cycle_id: str) -> ReviewCycle:
    cycle = uow.performance_reviews.cycle(cycle_id)
    if cycle is None:
        raise NotFoundError(f"no review cycle {cycle_id!r}", "cycleId")
    return cycle


def check_run(
    uow: PerformanceUnitOfWork, *, cycle_id: str, period_start: date, now: datetime
) -> date:
    """The start of the complete cycle period containing `period_start` (what a run of
    the cycle for that period creates reviews for)."""
    _, period = _complete_period(uow, cycle_id, period_start, now)
    return period.start


def _complete_period(
    uow: PerformanceUnitOfWork, cycle_id: str, period_start: date, now: datetime
) -> tuple[ReviewCycle, ReviewPeriod]:
    cycle = cycle_of(uow, cycle_id)
    period = review_period(cycle.cadence, period_start)
    check_complete(period, now, uow.tenant.timezone)
    return cycle, period


def create_reviews(
    uow: PerformanceUnitOfWork, *, cycle_id: str, period_start: date, now: datetime
) -> list[PerformanceReview]:
    """One DRAFT review, its evidence frozen now, per agent of the cycle in the (complete)
    period containing `period_start` that has none yet."""
    cycle, period = _complete_period(uow, cycle_id, period_start, now)
    reviewed = _reviewed(uow, cycle, last_day=period.end - timedelta(days=1))
    done = uow.performance_reviews.reviewed_agents(cycle.id, period.start)
    todo = Reviewed({a: t for a, t in reviewed.agents.items() if a not in done}, reviewed.everyone)
    if not todo.agents:
        return []
    evidence = gather_evidence(uow.reads, period, todo, uow.goals)
    created = [
        PerformanceReview(
            id=new_id(),
            cycle_id=cycle.id,
            agent_id=agent_id,
            reviewer_id=cycle.reviewer_for(team_id),
            period=period,
            evidence=evidence[agent_id],
            created_at=now,
        )
        for agent_id, team_id in sorted(todo.agents.items())
    ]
    uow.performance_reviews.add(created)
    return created


def _reviewed(uow: PerformanceUnitOfWork, cycle: ReviewCycle, *, last_day: date) -> Reviewed:
    active = [a.id for a in uow.reads.agents(active=True)]
    everyone = uow.directory.teams_of_agents(active, on=last_day)
    listed = set(cycle.agent_ids)
    teams = set(cycle.team_ids)
    members = {a: t for a, t in everyone.items() if a in listed or (t is not None and t in teams)}
    return Reviewed(members, everyone)


def review_of(uow: PerformanceUnitOfWork, review_id: str) -> PerformanceReview:
    review = uow.performance_reviews.get(review_id)
    if review is None:
        raise NotFoundError(f"no performance review {review_id!r}", "id")
    return review


def _update(
    uow: PerformanceUnitOfWork,
    review_id: str,
    change: Callable[[PerformanceReview], PerformanceReview],
) -> PerformanceReview:
    changed = change(review_of(uow, review_id))
    uow.performance_reviews.save(changed)
    return changed


def set_feedback(
    uow: PerformanceUnitOfWork, *, review_id: str, section: Section, text: str
) -> PerformanceReview:
    return _update(uow, review_id, lambda r: steps.with_feedback(r, section, text))


def set_rating(
    uow: PerformanceUnitOfWork, *, review_id: str, rating: str | None
) -> PerformanceReview:
    def rate(review: PerformanceReview) -> PerformanceReview:
        scale = cycle_of(uow, review.cycle_id).rating_scale
        return steps.with_rating(review, rating, scale)

    return _update(uow, review_id, rate)


def set_self_assessment(
    uow: PerformanceUnitOfWork, *, review_id: str, text: str
) -> PerformanceReview:
    return _update(uow, review_id, lambda r: steps.with_self_assessment(r, text))


def share_review(
    uow: PerformanceUnitOfWork, *, review_id: str, client_id: str, name: str | None, now: datetime
) -> PerformanceReview:
    who = steps.actor(client_id, name, now)
    return _update(uow, review_id, lambda r: steps.share(r, who))


def acknowledge_review(
    uow: PerformanceUnitOfWork, *, review_id: str, client_id: str, name: str | None, now: datetime
) -> PerformanceReview:
    who = steps.actor(client_id, name, now)
    return _update(uow, review_id, lambda r: steps.acknowledge(r, who))
