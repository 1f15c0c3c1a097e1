"""Statistics with SPEC §4's exact conventions."""

from __future__ import annotations

import math
from collections.abc import Sequence

Z95 = 1.959963984540054


def median(values: Sequence[float]) -> float | None:
    """The middle value; the mean of the two middle values for an even count."""
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[mid]
    return (ordered[mid - 1] + ordered[mid]) / 2


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def nearest_rank(values: Sequence[float], percent: int) -> float | None:
    """Nearest-rank percentile: the value at rank ceil(p/100 × n)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = nearest_rank_index(len(ordered), percent)
    return ordered[rank - 1]


def nearest_rank_index(count: int, percent: int) -> int:
    """1-based rank of the nearest-rank percentile, in integers (no float drift)."""
    return max(1, -(-percent * count // 100))


def wilson_interval(positives: float, total: int) -> tuple[float, float] | None:
    """95% Wilson score interval of a proportion; None without observations."""
    if total <= 0:
        return None
    p = min(max(positives / total, 0.0), 1.0)
    z2 = Z95 * Z95
    denominator = 1 + z2 / total
    centre = (p + z2 / (2 * total)) / denominator
    half = Z95 * math.sqrt(p * (1 - p) / total + z2 / (4 * total * total)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)
