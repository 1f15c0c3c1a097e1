"""Review assignments: which tickets each reviewer should review this week.

A tenant's `SamplingRule` asks for N tickets per agent per ISO week, drawn at random or
stratified by channel or CSAT. The draw is deterministic for (rule seed, week), so a
scheduled run and an on-demand rerun produce the same list, and it does not depend on
the order in which the candidates or reviewers arrive.
"""

from __future__ import annotations

import hashlib
import random
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from domain.quality.assignments import Assignment


class SamplingStrategy(StrEnum):
    RANDOM = "random"
    STRATIFIED_CHANNEL = "stratified_channel"
    STRATIFIED_CSAT = "stratified_csat"


class Csat(StrEnum):
    POSITIVE = "positive"
    NEGATIVE = "negative"


UNRATED = "unrated"  # the CSAT stratum of tickets without a rating


@dataclass(frozen=True, slots=True)
class SamplingRule:
    per_agent_per_week: int
    strategy: SamplingStrategy = SamplingStrategy.RANDOM
    seed: int = 0

    def __post_init__(self) -> None:
        n = self.per_agent_per_week
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"per_agent_per_week must be a positive integer, got {n!r}")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A ticket of the week that could be reviewed, with the agent it would review."""

    ticket_id: str
    agent_id: str
    channel: str
    csat: Csat | None = None


def reviewed_agent(replies: Sequence[str | None], solved_by: str | None) -> str | None:
    """Whose work a ticket's review is about, from its public agent replies (authors, in
    time order) and its assignee at the first solve: that assignee if they replied
    publicly, else the first public replier; None when no agent replied. A review's
    reviewee must have replied publicly, so an assignment names someone it can review."""
    authors = [author for author in replies if author]
    if solved_by in authors:
        return solved_by
    return authors[0] if authors else None


def sample_assignments(
    rule: SamplingRule,
    candidates: Iterable[Candidate],
    *,
    already_reviewed: set[str],
    reviewers: Sequence[str],
    week_start: date,
) -> list[Assignment]:
    """Up to N tickets per agent (all of them when fewer), each given to one reviewer.

    No ticket appears twice, even when it is a candidate for several agents (agents are
    served in id order). Tickets in `already_reviewed` are never drawn. Reviewers are
    taken round-robin in id order from a seeded offset, skipping a reviewer who is the
    ticket's agent; a ticket whose agent is the only reviewer is left unassigned.
    """
    if week_start.weekday() != 0:
        raise ValueError(f"week_start {week_start} is not a Monday (ISO weeks start Monday)")
    ordered_reviewers = sorted(set(reviewers))
    if not ordered_reviewers:
        raise ValueError("sampling needs at least one reviewer")
    rng = seeded_rng(rule.seed, week_start)
    pools = _pools(candidates, already_reviewed)
    taken: set[str] = set()
    picked: list[Candidate] = []
    for agent in sorted(pools):
        pool = [c for c in pools[agent] if c.ticket_id not in taken]
        chosen = _draw(rule, pool, rng=rng)
        taken.update(c.ticket_id for c in chosen)
        picked.extend(chosen)
    return _assign_reviewers(picked, reviewers=ordered_reviewers, rng=rng, week_start=week_start)


def seeded_rng(seed: int, week_start: date) -> random.Random:
    """A generator seeded from a stable digest (Python's hash() is salted per process)."""
    digest = hashlib.sha256(f"{seed}:{week_start.isoformat()}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))  # noqa: S311 (not for secrets)


def _pools(
    candidates: Iterable[Candidate], already_reviewed: set[str]
) -> dict[str, list[Candidate]]:
    """Eligible candidates per agent, deduplicated and sorted by ticket id."""
    unique: dict[tuple[str, str], Candidate] = {}
    for candidate in candidates:
        if candidate.ticket_id in already_reviewed:
            continue
        key = (candidate.ticket_id, candidate.agent_id)
        if unique.setdefault(key, candidate) != candidate:
            raise ValueError(f"conflicting candidates for ticket {candidate.ticket_id!r}")
    pools: defaultdict[str, list[Candidate]] = defaultdict(list)
    for candidate in sorted(unique.values(), key=lambda c: c.ticket_id):
        pools[candidate.agent_id].append(candidate)
    return dict(pools)


def _draw(rule: SamplingRule, pool: list[Candidate], *, rng: random.Random) -> list[Candidate]:
    quota = min(rule.per_agent_per_week, len(pool))
    if rule.strategy is SamplingStrategy.RANDOM:
        return rng.sample(pool, quota)
    strata: defaultdict[str, list[Candidate]] = defaultdict(list)
    for candidate in pool:
        strata[_stratum(rule.strategy, candidate)].append(candidate)
    seats = allocate_proportionally(
        {key: len(group) for key, group in strata.items()}, seats=quota, tie_break=rng
    )
    return [c for key in sorted(strata) for c in rng.sample(strata[key], seats[key])]


def _stratum(strategy: SamplingStrategy, candidate: Candidate) -> str:
    if strategy is SamplingStrategy.STRATIFIED_CHANNEL:
        return candidate.channel
    return UNRATED if candidate.csat is None else str(candidate.csat)


def allocate_proportionally(
    sizes: Mapping[str, int], *, seats: int, tie_break: random.Random | None = None
) -> dict[str, int]:
    """Split `seats` across strata in proportion to their sizes (largest remainder).

    Each stratum gets ⌊seats·size/total⌋, and the seats left go to the largest
    remainders; equal remainders are ordered by `tie_break` (else by key), so no
    stratum is favoured week after week. Never gives a stratum more than its size.
    """
    total = sum(sizes.values())
    if seats >= total:
        return dict(sizes)
    floors = {key: seats * size // total for key, size in sizes.items()}
    remainders = {key: seats * size % total for key, size in sizes.items()}
    order = sorted(sizes)
    if tie_break is not None:
        tie_break.shuffle(order)
    order.sort(key=lambda key: remainders[key], reverse=True)  # stable: keeps the tie order
    for key in order[: seats - sum(floors.values())]:
        floors[key] += 1
    return floors


def _assign_reviewers(
    picked: Sequence[Candidate], *, reviewers: Sequence[str], rng: random.Random, week_start: date
) -> list[Assignment]:
    assignments: list[Assignment] = []
    cursor = rng.randrange(len(reviewers))  # rotate who starts, week to week
    for candidate in picked:
        for step in range(len(reviewers)):
            reviewer = reviewers[(cursor + step) % len(reviewers)]
            if reviewer != candidate.agent_id:
                assignments.append(
                    Assignment(
                        week_start=week_start,
                        ticket_id=candidate.ticket_id,
                        agent_id=candidate.agent_id,
                        reviewer_id=reviewer,
                    )
                )
                cursor = (cursor + step + 1) % len(reviewers)
                break
    return assignments
