"""Pure figures of the freshness bench: percentiles, a backlog's slope, and its verdicts."""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from typing import Any

from bench.table import Row


def percentile(values: Sequence[float], q: float) -> float:
    """The nearest-rank `q`-th percentile (0 < q ≤ 100) of `values`; NaN when empty.

    Nearest rank (as SPEC §4's p90): the smallest value with at least q% of the values at
    or below it, so a p95 is always a latency that was actually observed."""
    if not 0 < q <= 100:
        raise ValueError(f"percentile {q} is outside (0, 100]")
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = math.ceil(q / 100 * len(ordered))
    return ordered[max(rank, 1) - 1]


def slope(points: Sequence[tuple[float, float]]) -> float:
    """Least-squares slope of (time, value) points: units per second; 0 for < 2 times."""
    if len(points) < 2:
        return 0.0
    n = len(points)
    mean_t = sum(t for t, _ in points) / n
    mean_v = sum(v for _, v in points) / n
    spread = sum((t - mean_t) ** 2 for t, _ in points)
    if spread == 0:
        return 0.0
    return sum((t - mean_t) * (v - mean_v) for t, v in points) / spread


def after_warmup(
    points: Sequence[tuple[float, float]], fraction: float = 0.2
) -> list[tuple[float, float]]:
    """The points after the first `fraction` of their time span: a backlog starts empty and
    climbs to its working level as the load starts, which is not growth."""
    if not points:
        return []
    first, last = points[0][0], points[-1][0]
    cut = first + fraction * (last - first)
    return [(t, v) for t, v in points if t >= cut]


def backlog_is_flat(points: Sequence[tuple[float, float]], *, offered_rate: float) -> bool:
    """Flat: the backlog grows by less than 1% of the offered events per second (a worker
    that keeps up leaves a backlog that wobbles around a level; one that does not leaves
    one that grows with the events it could not take)."""
    return slope(points) < 0.01 * offered_rate


def ratio_verdict(value: float, target: float) -> str:
    """`met` or by how much `value` (higher is better) falls short of `target`."""
    if math.isnan(value):
        return "no result"
    return "met" if value >= target else f"missed by {target - value:.2f}"


def latency_verdict(p95: float, target: float, *, flat: bool, unseen: int) -> str:
    """The freshness verdict: p95 under `target` seconds, a flat backlog, every probe seen."""
    misses = []
    if unseen:
        misses.append(f"{unseen} probes never visible")
    if math.isnan(p95) or p95 >= target:
        misses.append("p95 no result" if math.isnan(p95) else f"p95 over by {p95 - target:.1f} s")
    if not flat:
        misses.append("backlog grows")
    return "met" if not misses else "missed: " + ", ".join(misses)


def cpu_row(label: str, r: dict[str, Any]) -> Row:
    """Cores used during a drain by each kind of process: whether the machine was full."""
    spent, seconds = r.get("cpu_s", {}), r["drain_s"]
    cores = ", ".join(f"{k} {v / seconds:.2f}" for k, v in spent.items())
    load = r.get("loadavg", [float("nan")])[0]
    return (label, f"cores: {cores}", f"of {os.cpu_count()}; load average {load:.1f}", "(context)")


def failed_text(sent: dict[str, Any]) -> str:
    """The load's failed webhooks as a row shows them: "0 failed", or with why, e.g.
    "4 failed (503: 3, ReadTimeout: 1)" (a status code, or the client's exception)."""
    why = ", ".join(f"{k}: {n}" for k, n in sorted(sent.get("failed_by", {}).items()))
    return f"{sent['failures']} failed" + (f" ({why})" if why else "")
