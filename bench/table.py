"""The benchmarks' one table — measure | result | target / baseline | verdict — and where
a run's raw figures go: bench/results/<name>-<UTC time>.json."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
Row = tuple[str, str, str, str]  # measure, result, target / baseline, verdict
HEADER: Row = ("measure", "result", "target / baseline", "verdict")


def print_table(rows: list[Row]) -> None:
    widths = [max(len(r[i]) for r in [HEADER, *rows]) for i in range(len(HEADER))]
    line = " | ".join(h.ljust(w) for h, w in zip(HEADER, widths, strict=True))
    print(line)
    print("-" * len(line))
    for row in rows:
        print(" | ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)))


def result_path(name: str) -> Path:
    """A new file for a run's raw figures, named after the bench and the time."""
    RESULTS.mkdir(exist_ok=True)
    return RESULTS / f"{name}-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.json"
