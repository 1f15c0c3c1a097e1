"""Per-stratum moments: count, sum and sum of squares of a stream's observations.

Moments add up, so pooling strata or subjects is a sum, and SQL computes them with
plain aggregates (no sort). Mean and variance are all the standardisation needs.
"""

from __future__ import annotations

from typing import NamedTuple

# A stratum as the samples carry it: (channel, priority); None is a value of its own.
StratumCell = tuple[str | None, str | None]


# A named tuple, not a frozen dataclass: built several times cheaper, and a rebuild reads
# one per subject, stream, stratum and period. Its fields shadow tuple's `count` method
# and its `+` adds moments (no caller wants either of tuple's).
class Moments(NamedTuple):
    count: int = 0  # type: ignore[assignment]
    total: float = 0.0
    squares: float = 0.0

    @classmethod
    def of(cls, values: list[float]) -> Moments:
        return cls(len(values), float(sum(values)), float(sum(v * v for v in values)))

    def __add__(self, other: Moments) -> Moments:  # type: ignore[override]
        return Moments(
            self.count + other.count, self.total + other.total, self.squares + other.squares
        )

    @property
    def mean(self) -> float | None:
        return self.total / self.count if self.count else None

    @property
    def variance(self) -> float | None:
        """The sample variance (n − 1 denominator); None below two observations."""
        if self.count < 2:
            return None
        spread = self.squares - self.total * self.total / self.count
        return max(spread, 0.0) / (self.count - 1)  # rounding can dip below 0
