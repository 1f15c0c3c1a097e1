"""The words the metric dictionary's definitions rely on (SPEC §4), defined once.

`domain.metrics` says what each metric measures; these say what a period, a solve, a
basis or a null means for all of them, and how kinds, units and directions read.
`docs/metrics.md` is rendered from both (`domain.metric_docs`).
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.metrics import Direction, Kind


@dataclass(frozen=True, slots=True)
class Term:
    name: str
    meaning: str


TERMS: tuple[Term, ...] = (
    Term(
        "Period",
        "A calendar `DAY`, `WEEK` (ISO, from Monday), `MONTH` or `QUARTER` in the tenant's "
        "timezone. A value falls in the period that holds its metric's *in the period of* time.",
    ),
    Term("Public agent reply", "A `ticket.message` with `author_type=agent` and `public=true`."),
    Term(
        "Solve, first solve",
        "A status change to `solved` or `closed` from any other status; the first solve is "
        "the earliest.",
    ),
    Term("Reopen", "A status change from `solved`/`closed` to `open`/`pending`."),
    Term(
        "Outbound ticket",
        "A ticket whose first message is from an agent; it has no first response time.",
    ),
    Term(
        "Same instant",
        "A message or assignment at the same `occurred_at` as a status change or rating "
        "counts as before it.",
    ),
    Term(
        "Assignee at time T",
        "The assignee set by the latest `ticket.created`/`ticket.assigned` at or before T. "
        "With none, the event counts for the team and the tenant only.",
    ),
    Term(
        "Channel and priority at time T",
        "Each is the value stated by the latest `ticket.created`/`ticket.updated` at or "
        "before T that states it (an update that leaves a field out keeps it; a repeated "
        "`ticket.created` states nothing new). At one instant an update counts after the "
        "creation and before every other event, so an observation at the update's very time "
        "already has the new value; before the ticket's first statement (a clock ahead of "
        "the helpdesk's) the first statement's values apply. Every observation of a ticket "
        "carries them: they are its case-mix stratum (channel × priority, SPEC §8), and the "
        "channel picks its SLA target.",
    ),
    Term(
        "Team attribution",
        "Team metrics use the ticket's team at the time of the attributing event, else the "
        "team the attributed agent belonged to at that time: when an agent moves, past "
        "periods of the old team keep their numbers. A metric without an agent "
        "(`tickets_created`, `nps`) on a ticket without a team falls back to the assignee at "
        "creation (`tickets_created`) or the rating owner (`nps`), at that time.",
    ),
    Term(
        "Basis",
        "Durations are measured on the `CALENDAR` clock (the default) or the `BUSINESS` "
        "clock, where only time inside the tenant's business hours counts: a weekly schedule "
        "of one or more intervals per day plus holidays, in the tenant's timezone (a team "
        "may have its own). A schedule change takes effect from its date; `fairscore "
        "recompute` applies it to history. Ask with `metrics(basis: BUSINESS)`; a KPI model "
        "component names its basis.",
    ),
    Term(
        "Statistics",
        "Durations offer `median` (the default, also given as `value`; the mean of the two "
        "middle values for an even count), `mean` and `p90` (nearest rank). Every other "
        "metric has one statistic, `value`.",
    ),
    Term(
        "No data",
        "A metric with no data is null, never 0 — except counts (`tickets_created`, "
        "`tickets_solved`, `reviews_given`): a subject listed in a period with nothing "
        "counted has the count 0, with sample size 0.",
    ),
    Term(
        "Sample size, interval",
        "Every value carries its sample size (`sampleSize`: the observations behind it); "
        "every rate also carries a 95% Wilson interval (`ciLow`, `ciHigh`).",
    ),
    Term(
        "Case mix (SPEC §8)",
        "Once a tenant turns it on (`setCaseMixSettings`), for durations (both bases), "
        "`one_touch_rate`, `reopen_rate` and `csat`, agents and teams also get an "
        "*expected* value for their ticket mix, by indirect "
        "standardisation: strata are channel × priority (no priority is a value of its "
        "own); the reference is the tenant (or, by the tenant's `case_mix` setting, the "
        "agent's team) in the same period; expected = Σ nₛ·refₛ / Σ nₛ, nₛ the subject's "
        "observations in stratum s and refₛ the reference's **mean** there. A stratum where "
        "the reference has fewer than `min_stratum` observations (default 10) is pooled into "
        "its channel (`chat/*`), then into all (`*`). The comparison is on means — the "
        "observed mean (`observed`; a rate's value) against the expected one — because only "
        "a mean decomposes over strata: a subject like the reference in every stratum gets "
        "ratio 1 / difference 0 whatever its mix, which a median cannot promise. Durations "
        "give `adjustedRatio` = observed ÷ expected (below 1: faster than the reference on "
        "the same mix); rates give `adjustedDifference` = observed − expected. Each carries "
        "its sample size and a 95% interval by the delta method (`adjustedCiLow`, "
        "`adjustedCiHigh`; the subject's spread in a stratum taken as the reference's "
        "there; deterministic), and `strata { key observed expected sampleSize }` lists the "
        "(pooled) strata behind it. Fewer than `min_sample` observations (default 5), or a "
        "reference too thin even pooled into all: the adjusted value is null, never a guess. "
        "A KPI model component with `adjusted: true` scores the observed mean against the "
        "expected one (the expected value is its target).",
    ),
)

KINDS: dict[Kind, str] = {
    Kind.COUNT: "how many observations fall in the period",
    Kind.DURATION: "seconds between two events; median, mean or p90, on either basis",
    Kind.RATE: "a share of observations (0–1), with a 95% Wilson interval",
    Kind.MEAN: "the mean of the observations",
    Kind.DERIVED: "a ratio of two other figures, named in its definition",
}

UNITS: dict[str, str] = {
    "tickets": "tickets",
    "seconds": "seconds",
    "ratio": "ratio",
    "replies": "replies per ticket",
    "score": "points on the scale its definition names",
    "nps": "NPS points, −100 to 100",
    "per_hour": "tickets per hour",
    "reviews": "reviews",
}

DIRECTIONS: dict[Direction, str] = {
    Direction.HIGHER_IS_BETTER: "higher",
    Direction.LOWER_IS_BETTER: "lower",
    Direction.NEUTRAL: "neither (context, not a target)",
}
