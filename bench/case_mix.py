"""Case mix's cost (SPEC §8, issue 15): the derivation with and without it, in one run.

The tenant's `case_mix.enabled` setting switches it; everything else is the same data,
database and process. Rebuilds run off, on, on, off, twice over (four each: this machine's
run-to-run noise is large -- the "off" score stage alone spanned 16.0-23.6 s between two runs
minutes apart; in that order a drift over the run, such as the first run's cold caches
or the tables' growing dead rows, weighs on both sides alike, where off, on, off, on put
every "on" after an "off") and the best of each is compared, for the whole rebuild and its score
stage (the stage case mix adds work to); then the roll-up of one incremental event
(bench/incremental.py), off and on. Target: with case mix within 15% of without.
"""

from __future__ import annotations

import statistics
from typing import Any

from bench import incremental
from bench.table import Row
from domain.ports import TenantId, TenantProfile
from infra.bootstrap import Container
from infra.bulk.rebuild import bulk_rebuild

TARGET = 1.15
ROUNDS = 2  # of off, on, on, off


def switch(c: Container, tenant_id: TenantId, *, enabled: bool) -> None:
    with c.uow(tenant_id) as uow:
        uow.settings.put("case_mix", {"enabled": enabled})
        uow.commit()


def measure(c: Container, tenant: TenantProfile, events: int) -> tuple[list[Row], dict[str, Any]]:
    runs: dict[bool, list[dict[str, float]]] = {False: [], True: []}
    for enabled in (False, True, True, False) * ROUNDS:
        switch(c, tenant.id, enabled=enabled)
        seconds = bulk_rebuild(c, tenant.id, workers=2).seconds
        runs[enabled].append({"total": sum(seconds.values()), **seconds})
    rollups: dict[bool, float] = {}
    for enabled in (False, True):
        switch(c, tenant.id, enabled=enabled)
        rollups[enabled] = statistics.median(incremental.measure(c, tenant, rounds=15).rollup)
    rows = [
        _row(f"full rebuild, {events:,} events", runs, "total"),
        _row("  its score stage", runs, "score"),
        _compare("roll-up of one incremental event", rollups[False], rollups[True]),
    ]
    return rows, {"rebuilds": runs, "rollups": rollups}


def _row(label: str, runs: dict[bool, list[dict[str, float]]], key: str) -> Row:
    """The best of each side is the figure; the medians' ratio is shown beside it (the two
    differed by 1.14x against 1.32x in one run here)."""
    off = [r[key] for r in runs[False]]
    on = [r[key] for r in runs[True]]
    label, figures, target, verdict = _compare(label, min(off), min(on))
    medians = statistics.median(on) / statistics.median(off)
    return label, f"{figures} (medians: {medians:.2f}×)", target, verdict


def _compare(label: str, off: float, on: float) -> Row:
    ratio = on / off
    verdict = "met" if ratio <= TARGET else f"missed: {ratio:.2f}×"
    figures = f"with {_seconds(on)} / without {_seconds(off)} = {ratio:.2f}×"
    return (f"case mix: {label}", figures, "≤ 1.15× without", verdict)


def _seconds(s: float) -> str:
    return f"{s * 1000:.0f} ms" if s < 10 else f"{s:.1f} s"
