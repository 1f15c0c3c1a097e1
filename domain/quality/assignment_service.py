"""Weekly review assignments: the tenant's sampling rule, generation, skipping.

Generation is idempotent: a rerun for a week keeps what that week already has and only
tops an agent up to the rule's N (tickets solved late in the week, a raised N). A ticket
is assigned at most once, ever, and never after it has a regular review. A ticket's
agent is one who replied publicly on it (`sampling.reviewed_agent`), so every
assignment can be completed; inactive agents neither review nor are reviewed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta

from domain import limits
from domain.limits import check_length
from domain.periods import Grain, local_day, local_midnight, period_start
from domain.quality.assignments import skip
from domain.quality.lookups import agent_teams, new_id, review_agents
from domain.quality.ports import (
    CandidateTicket,
    NotFoundError,
    QualityError,
    QualityUnitOfWork,
    RuleSettings,
    StoredAssignment,
)
from domain.quality.sampling import (
    Candidate,
    SamplingRule,
    SamplingStrategy,
    sample_assignments,
)

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
    repo = uow.review_assignments
    reviewers = repo.active_agents(settings.reviewers)
    if not reviewers:
        raise QualityError("every reviewer of the sampling rule is inactive", "reviewerIds")
    tz = uow.tenant.timezone
    tickets = repo.candidate_tickets(
        start=local_midnight(week_start, tz), end=local_midnight(week_start + ONE_WEEK, tz)
    )
    refs = [t.ticket for t in tickets]
    taken = uow.reviews.reviewed_among(refs) | repo.assigned_among(refs)
    drawn = sample_assignments(
        settings.rule,
        _candidates(uow, [t for t in tickets if t.ticket not in taken]),
        already_reviewed={t.key for t in taken},
        reviewers=sorted(reviewers),
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


def _candidates(uow: QualityUnitOfWork, tickets: Sequence[CandidateTicket]) -> list[Candidate]:
    """Each ticket with the agent its review would be about, when that agent is active."""
    agents = review_agents(uow, [t.ticket for t in tickets])
    active = uow.review_assignments.active_agents(set(agents.values()))
    return [
        Candidate(t.ticket.key, agent, t.channel, t.csat)
        for t in tickets
        if (agent := agents.get(t.ticket)) is not None and agent in active
    ]


def skip_assignment(uow: QualityUnitOfWork, *, assignment_id: str, reason: str) -> StoredAssignment:
    check_length(reason.strip(), limit=limits.REASON, field="reason", error=QualityError)
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
