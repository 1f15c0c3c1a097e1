"""Calibration: several reviewers score the same tickets; how far do they agree?

Agreement statistic: Krippendorff's alpha, computed from the coincidence matrix as in
Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011). It handles any number
of reviewers and missing ratings (a reviewer who skipped a ticket, or rated it N/A).
Sessions use the *ordinal* level by default: rating points are ordered, but nobody
claims the step from 2 to 3 equals the step from 4 to 5. Interval and nominal are
available; on a binary scale all three give the same alpha.

Deviation: each reviewer's normalised (0–1) rating minus the *consensus*, the mean of
the other reviewers' normalised ratings of the same category on the same ticket. Leaving
the reviewer out keeps them from pulling the consensus towards themselves, which would
hide deviations in the small sessions calibration usually runs (3–5 reviewers).
Calibration reviews never count toward qa_score (see `qa`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from statistics import fmean

from domain.quality.reviews import Review, ReviewKind
from domain.quality.scorecards import Scorecard


class Level(StrEnum):
    NOMINAL = "nominal"
    ORDINAL = "ordinal"
    INTERVAL = "interval"


Distance = Callable[[float, float], float]  # δ²(c, k), the squared difference of two values


def krippendorff_alpha(data: Sequence[Sequence[float | None]], *, level: Level) -> float | None:
    """Alpha over a coders × units matrix (None = missing).

    None when alpha is undefined: no unit was rated by two coders, or every pairable
    rating is the same value (no variation to disagree about).
    """
    if len({len(row) for row in data}) > 1:
        raise ValueError("every coder's row must cover the same units")
    units = [[row[u] for row in data] for u in range(len(data[0]))] if data else []
    coincidences = _coincidences(units)
    totals = _margins(coincidences)
    n = sum(totals.values())
    distance = _distance(level, totals)
    observed = sum(count * distance(c, k) for (c, k), count in coincidences.items())
    expected = sum(totals[c] * totals[k] * distance(c, k) for c in totals for k in totals)
    if n == 0 or expected == 0:
        return None
    return 1 - (n - 1) * observed / expected


def _coincidences(units: Iterable[Sequence[float | None]]) -> dict[tuple[float, float], float]:
    """o_ck = Σ over units of (pairs of values c, k from different coders) / (m_u − 1)."""
    matrix: defaultdict[tuple[float, float], float] = defaultdict(float)
    for unit in units:
        counts = Counter(value for value in unit if value is not None)
        m = sum(counts.values())
        if m < 2:
            continue  # a lone value has nobody to agree with: not pairable
        for c, n_c in counts.items():
            for k, n_k in counts.items():
                matrix[(c, k)] += n_c * (n_k - (c == k)) / (m - 1)
    return dict(matrix)


def _margins(coincidences: Mapping[tuple[float, float], float]) -> dict[float, float]:
    """n_c = Σ_k o_ck: how often each value occurs among the pairable values."""
    totals: defaultdict[float, float] = defaultdict(float)
    for (c, _), count in coincidences.items():
        totals[c] += count
    return dict(totals)


def _distance(level: Level, totals: Mapping[float, float]) -> Distance:
    if level is Level.NOMINAL:
        return lambda c, k: float(c != k)
    if level is Level.INTERVAL:
        return lambda c, k: float(c - k) ** 2
    return _ordinal_distance(totals)


def _ordinal_distance(totals: Mapping[float, float]) -> Distance:
    """δ²(c, k) = (Σ_{g=c..k} n_g − (n_c + n_k)/2)², over values in rank order."""
    ranked = sorted(totals)
    cumulative: dict[float, float] = {}
    running = 0.0
    for value in ranked:
        running += totals[value]
        cumulative[value] = running  # Σ n_g for g ≤ value

    def distance(c: float, k: float) -> float:
        low, high = min(c, k), max(c, k)
        between = cumulative[high] - cumulative[low] + totals[low]
        return (between - (totals[c] + totals[k]) / 2) ** 2

    return distance


@dataclass(frozen=True, slots=True)
class CategoryAgreement:
    key: str
    alpha: float | None  # None when undefined (see `krippendorff_alpha`)
    pairable_ratings: int  # ratings on tickets that at least two reviewers rated


@dataclass(frozen=True, slots=True)
class Deviation:
    mean_signed: float | None  # > 0: more generous than the others (on 0–1)
    mean_absolute: float | None  # how far off, whichever direction (on 0–1)
    compared: int  # ratings that had a consensus to compare with


@dataclass(frozen=True, slots=True)
class ReviewerDeviation:
    reviewer_id: str
    overall: Deviation  # over every category rating
    by_category: tuple[tuple[str, Deviation], ...]  # in scorecard order
    score_deviation: float | None  # mean of (own review score − others' mean), in points


@dataclass(frozen=True, slots=True)
class CalibrationReport:
    scorecard_id: str
    scorecard_version: int
    level: Level
    tickets: tuple[str, ...]
    categories: tuple[CategoryAgreement, ...]
    reviewers: tuple[ReviewerDeviation, ...]


# (ticket, category key) → reviewer → value
_Cells = dict[tuple[str, str], dict[str, float]]


def calibrate(
    scorecard: Scorecard, reviews: Sequence[Review], *, level: Level = Level.ORDINAL
) -> CalibrationReport:
    """Agreement per category and each reviewer's deviation, for one session's reviews."""
    _check_session(scorecard, reviews)
    tickets = tuple(sorted({r.ticket_id for r in reviews}))
    reviewers = tuple(sorted({r.reviewer_id for r in reviews}))
    raw, normalised = _cells(reviews)
    scores = _score_cells(reviews)
    return CalibrationReport(
        scorecard_id=scorecard.id,
        scorecard_version=scorecard.version,
        level=level,
        tickets=tickets,
        categories=tuple(
            _agreement(key, raw, tickets=tickets, reviewers=reviewers, level=level)
            for key in scorecard.keys
        ),
        reviewers=tuple(
            ReviewerDeviation(
                reviewer_id=reviewer,
                overall=_deviation(reviewer, normalised.items()),
                by_category=tuple(
                    (key, _deviation(reviewer, _of_category(normalised, key)))
                    for key in scorecard.keys
                ),
                score_deviation=_deviation(reviewer, scores.items()).mean_signed,
            )
            for reviewer in reviewers
        ),
    )


def _check_session(scorecard: Scorecard, reviews: Sequence[Review]) -> None:
    seen: set[tuple[str, str]] = set()
    for review in reviews:
        if review.kind is not ReviewKind.CALIBRATION:
            raise ValueError(f"review of {review.ticket_id!r} is not a calibration review")
        version = (review.result.scorecard_id, review.result.scorecard_version)
        if version != (scorecard.id, scorecard.version):
            raise ValueError(f"review of {review.ticket_id!r} used scorecard {version}")
        pair = (review.reviewer_id, review.ticket_id)
        if pair in seen:
            raise ValueError(f"reviewer {pair[0]!r} rated ticket {pair[1]!r} twice")
        seen.add(pair)


def _cells(reviews: Iterable[Review]) -> tuple[_Cells, _Cells]:
    """Raw and normalised ratings per (ticket, category), N/A left out."""
    raw: _Cells = defaultdict(dict)
    normalised: _Cells = defaultdict(dict)
    for review in reviews:
        for category in review.result.categories:
            if category.rating is None or category.normalised is None:
                continue
            cell = (review.ticket_id, category.key)
            raw[cell][review.reviewer_id] = category.rating
            normalised[cell][review.reviewer_id] = category.normalised
    return raw, normalised


def _score_cells(reviews: Iterable[Review]) -> _Cells:
    """Review scores per ticket, shaped like category cells so `_deviation` applies."""
    cells: _Cells = defaultdict(dict)
    for review in reviews:
        if review.score is not None:
            cells[(review.ticket_id, "")][review.reviewer_id] = review.score
    return cells


def _of_category(cells: _Cells, key: str) -> list[tuple[tuple[str, str], dict[str, float]]]:
    return [(cell, values) for cell, values in cells.items() if cell[1] == key]


def _agreement(
    key: str, raw: _Cells, *, tickets: Sequence[str], reviewers: Sequence[str], level: Level
) -> CategoryAgreement:
    matrix = [[raw.get((t, key), {}).get(r) for t in tickets] for r in reviewers]
    pairable = sum(len(values) for (_, k), values in raw.items() if k == key and len(values) >= 2)
    return CategoryAgreement(key, krippendorff_alpha(matrix, level=level), pairable)


def _deviation(
    reviewer: str, cells: Iterable[tuple[tuple[str, str], dict[str, float]]]
) -> Deviation:
    differences = [
        values[reviewer] - fmean(v for r, v in values.items() if r != reviewer)
        for _, values in cells
        if reviewer in values and len(values) >= 2
    ]
    if not differences:
        return Deviation(None, None, 0)
    return Deviation(
        mean_signed=fmean(differences),
        mean_absolute=fmean(abs(d) for d in differences),
        compared=len(differences),
    )
