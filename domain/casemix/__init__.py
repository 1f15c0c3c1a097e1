"""Case mix (SPEC §8): expected values by indirect standardisation.

An agent who works the hard queue must not look worse for it. For a subject's tickets,
each stratum (channel × priority) contributes the reference population's value there,
weighted by the subject's observations in it; the observed value is then read against
that expectation — a ratio for durations, a difference for rates. Pure maths over
per-stratum moments (`moments`), the standardisation itself (`standardise`).
"""

from domain.casemix.moments import Moments, StratumCell
from domain.casemix.standardise import (
    ADJUSTED_METRICS,
    Adjustment,
    CaseMixPolicy,
    Comparison,
    Reference,
    StratumRow,
    compare,
    comparison_of,
    standardise,
)

__all__ = [
    "ADJUSTED_METRICS",
    "Adjustment",
    "CaseMixPolicy",
    "Comparison",
    "Moments",
    "Reference",
    "StratumCell",
    "StratumRow",
    "compare",
    "comparison_of",
    "standardise",
]
