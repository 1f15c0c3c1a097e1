"""Customer ratings: CSAT, its comment and response rates, CES and NPS — each ticket's
latest rating of a kind, dated at the rating and attributed to its owner (SPEC §4)."""

from __future__ import annotations

from domain.events import RatingKind
from domain.fold import RatingFact, TicketFacts
from domain.metrics.definition import ALL, GROUPS, H, Kind, L, MetricDef, Producer
from domain.samples import Sample, SamplePolicy, Stratum

RATING_OWNER = (
    "rating owner: assignee at rating time, else assignee at the latest solve before it, "
    "else the last public agent replier"
)

CSAT = MetricDef(
    "csat",
    "CSAT",
    "ratio",
    Kind.RATE,
    H,
    ALL,
    "rating time",
    RATING_OWNER,
    "Positive / rated over each ticket's latest CSAT rating; positive when "
    "score / scale_max >= 0.8.",
)

# Derived in domain.values from the csat and tickets_solved streams.
CSAT_RESPONSE_RATE = MetricDef(
    "csat_response_rate",
    "CSAT response rate",
    "ratio",
    Kind.DERIVED,
    H,
    ALL,
    "rating time (numerator), first solve time (denominator)",
    "as csat (numerator) and tickets_solved (denominator)",
    "Tickets whose latest CSAT rating falls in the period / tickets solved in the period "
    "(0 when none was rated; null when nothing was solved).",
)

CSAT_COMMENT_RATE = MetricDef(
    "csat_comment_rate",
    "CSAT comment rate",
    "ratio",
    Kind.RATE,
    H,
    ALL,
    "rating time",
    RATING_OWNER,
    "Latest CSAT ratings with a non-empty comment / latest ratings.",
)

CES = MetricDef(
    "ces",
    "Customer effort score",
    "score",
    Kind.MEAN,
    L,
    ALL,
    "rating time",
    RATING_OWNER,
    "Mean of the latest CES score per ticket, on the rating's scale; the tenant sets "
    "whether a high score means low or high effort.",
)

NPS = MetricDef(
    "nps",
    "NPS",
    "nps",
    Kind.MEAN,
    H,
    GROUPS,
    "rating time",
    "—",
    "% promoters (9–10 on 0–10) − % detractors (0–6), latest NPS rating per ticket; "
    "other scales are first mapped to 0–10.",
)


def ratings(facts: TicketFacts, policy: SamplePolicy) -> list[Sample]:
    """The samples of each latest rating, in the order the ticket's kinds were first rated."""
    out: list[Sample] = []
    for rating in facts.ratings:
        out += _rating_samples(rating, facts.stratum_at(rating.at))
    return out


def is_positive_csat(score: float, scale_max: float) -> bool:
    """SPEC §4: score / scale_max ≥ 0.8, compared without a division (exact)."""
    return 5 * score >= 4 * scale_max


def _rating_samples(r: RatingFact, stratum: Stratum) -> list[Sample]:
    if r.kind is RatingKind.CSAT:
        positive = float(is_positive_csat(r.score, r.scale_max))
        commented = float(bool(r.comment and r.comment.strip()))
        return [
            Sample("csat", r.at, r.owner, r.team, positive, None, *stratum),
            Sample("csat_comment_rate", r.at, r.owner, r.team, commented, None, *stratum),
        ]
    if r.kind is RatingKind.CES:
        return [Sample("ces", r.at, r.owner, r.team, r.score, None, *stratum)]
    points = _nps_points(r.score * 10 / r.scale_max)
    return [Sample("nps", r.at, r.owner, r.team, points, None, *stratum)]


def _nps_points(score: float) -> float:
    """+100 for a promoter, −100 for a detractor: their mean is the NPS."""
    if score >= 9:
        return 100.0
    if score <= 6:
        return -100.0
    return 0.0


RATINGS = Producer(("csat", "csat_comment_rate", "ces", "nps"), ratings)
