"""Weekly review assignments: the tenant's sampling rule, generation, skipping.

Generation is idempotent: a rerun for a week keeps what that week already has and only
tops an agent up to the rule's N (tickets solved late in the week, a raised N). A ticket
is assigned at most once, ever, and never after it has a regular review.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta

from domain.periods import Grain, local_day, local_midnight, period_start
from domain.quality.assignments import skip
from domain.quality.lookups import agent_teams, new_id
from domain.quality.ports import (
    NotFoundError,
    QualityError,
    QualityUnitOfWork,
    RuleSettings,
    StoredAssignment,
)
from domain.quality.sampling import SamplingRule, SamplingStrategy, sample_assignments

ONE_WEEK = timedelta(days=7)


def save_rule(
    uow: QualityUnitOfWork,
    *,
    per_agent_per_week: int,
    strategy: SamplingStrategy,
    seed: int,
    reviewers: Sequence[str],
    active: bool = True,
) -> RuleSettings:
    try:
        rule = SamplingRule(per_agent_per_week, strategy, seed)
    except ValueError as exc:
        raise QualityError(str(exc), "perAgentPerWeek") from None
    if not reviewers:
        raise QualityError("a sampling rule needs at least one reviewer", "reviewerIds")
    agent_teams(uow, reviewers, field="reviewerIds")
    settings = RuleSettings(rule, tuple(sorted(set(reviewers))), active)
    uow.review_assignments.save_rule(settings)
    return settings


def check_week(week_start: date) -> None:
    if week_start.weekday() != 0:
        raise QualityError(f"{week_start} is not a Monday (weeks are ISO weeks)", "weekStart")


def active_rule(uow: QualityUnitOfWork) -> RuleSettings:
    settings = uow.review_assignments.rule()
    if settings is None or not settings.active:
        raise NotFoundError("the tenant has no active sampling rule", "rule")
    return settings


def generate_assignments(uow: QualityUnitOfWork, *, week_start: date) -> list[StoredAssignment]:
    """Draw the week's tickets (first solved in it, tenant-local) per the tenant's rule."""
    check_week(week_start)
    settings = active_rule(uow)
    tz = uow.tenant.timezone
    repo = uow.review_assignments
    candidates = repo.candidates(
        start=local_midnight(week_start, tz), end=local_midnight(week_start + ONE_WEEK, tz)
    )
    drawn = sample_assignments(
        settings.rule,
        candidates,
        already_reviewed=uow.reviews.reviewed_tickets() | repo.assigned_tickets(),
        reviewers=settings.reviewers,
        week_start=week_start,
    )
    have = Counter(a.assignment.agent_id for a in repo.of_week(week_start))
    fresh: list[StoredAssignment] = []
    for assignment in drawn:
        if have[assignment.agent_id] < settings.rule.per_agent_per_week:
            have[assignment.agent_id] += 1
            fresh.append(StoredAssignment(new_id(), assignment))
    repo.add(fresh)
    return fresh


def skip_assignment(uow: QualityUnitOfWork, *, assignment_id: str, reason: str) -> StoredAssignment:
    stored = uow.review_assignments.get(assignment_id)
    if stored is None:
        raise NotFoundError(f"no review assignment {assignment_id!r}", "id")
    try:
        skipped = replace(stored, assignment=skip(stored.assignment, reason))
    except ValueError as exc:
        raise QualityError(str(exc), "reason") from None
    uow.review_assignments.save(skipped)
    return skipped


def last_complete_week(now: datetime, timezone: str) -> date:
    """The Monday of the tenant-local week before the current one (the cron's week)."""
    return period_start(Grain.WEEK, local_day(now, timezone)) - ONE_WEEK
