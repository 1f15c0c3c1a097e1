"""Freshness and worker scaling (issue 10's first three rows), black box, one command:

    .venv/bin/python -m bench.freshness                # ≈ 8 minutes on 2 cores
    .venv/bin/python -m bench.freshness --seconds 30   # shorter load phases
    .venv/bin/python -m bench.run --freshness          # after the KPI-engine table, in it

It creates a private database (`fairscore_fresh`, dropped at the end; --keep keeps it and the
logs) on the shared PostgreSQL server (BENCH_POSTGRES_URL) and uses a queue of its own on
Redis (BENCH_REDIS_URL), starts `fairscore serve` and `fairscore worker` as subprocesses, and
measures only what a client sees — signed webhooks in, GraphQL out — plus the backlog read
from the outside (pending deliveries, rows of --backlog-table, queued and running RQ jobs):

1. event → visible in `agentScores`, p50/p95: 50 tenants at 150 events/s in total, one event
   per webhook, 1 worker; the backlog's level after a warm-up (the phase's first fifth) and
   at the end, and its least-squares slope (flat: under 1% of the offered events/s; its unit
   is "things to do": deliveries + rows + jobs, not events). Baselines from
   the same run: the same probe one at a time on the idle system, and delivery → processed
   (webhook_delivery.processed_at − received_at) under the load.
2. the same for one tenant holding ≥ 100k events of history (bench/dataset.py, its last
   year) at 30 events/s.
3. throughput: a backlog over the 50 tenants posted while no worker runs, drained by
   1 worker, then another of the same size by 2 workers (from the queued jobs handed to
   workers that have started up, to nothing pending); the ratio against 1 worker, and the
   cores used meanwhile by the workers (with their cron children), serve and PostgreSQL.

The table is printed like bench/run.py's and saved with the raw figures to
bench/results/freshness-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.freshness_load import Load, Probe, Sent, Streams
from bench.freshness_stack import Stack, Tenant, history_tenant, open_tenant
from bench.freshness_stats import (
    after_warmup,
    backlog_is_flat,
    cpu_row,
    failed_text,
    latency_verdict,
    percentile,
    ratio_verdict,
    slope,
)
from bench.table import Row, print_table, result_path


def main() -> None:
    args = arguments().parse_args()
    rows, raw = measure(args)
    print_table(rows)
    print(f"saved {save(rows, raw, args)}")


def arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_options(parser)
    return parser


def add_options(parser: argparse.ArgumentParser, prefix: str = "") -> None:
    """The options, also under bench/run.py (with `prefix`, e.g. "fresh-")."""
    parser.add_argument(f"--{prefix}database", default="fairscore_fresh")
    parser.add_argument(f"--{prefix}tenants", type=int, default=50)
    parser.add_argument(f"--{prefix}rate", type=float, default=150.0, help="events/s, case 1")
    parser.add_argument(f"--{prefix}history-rate", type=float, default=30.0, help="case 2")
    parser.add_argument(
        f"--{prefix}history-tickets", type=int, default=12_000, help="≈ 8.8 events each"
    )
    parser.add_argument(f"--{prefix}seconds", type=float, default=60.0, help="each load phase")
    parser.add_argument(f"--{prefix}backlog-events", type=int, default=4_000, help="case 3")
    parser.add_argument(f"--{prefix}idle-probes", type=int, default=10)
    parser.add_argument(
        f"--{prefix}backlog-table",
        action="append",
        default=None,
        help="tables whose rows are derivation still to do, counted when they exist "
        "(default: dirty_period, derivation_request)",
    )
    parser.add_argument(f"--{prefix}keep", action="store_true", help="keep database and logs")
    parser.add_argument(
        f"--{prefix}cases",
        default="many,history,scaling",
        help="which cases to run, comma-separated (default: all three)",
    )


def measure(args: argparse.Namespace, prefix: str = "") -> tuple[list[Row], dict[str, Any]]:
    """Rows of the table and the raw figures; every process and the database are gone after."""

    def option(name: str) -> Any:
        return getattr(args, (prefix + name).replace("-", "_"))

    stack = Stack(option("database"))
    try:
        return asyncio.run(_measure(stack, option))
    finally:
        stack.close(keep=option("keep"))


async def _measure(stack: Stack, option: Any) -> tuple[list[Row], dict[str, Any]]:
    step = _Steps()
    cases = set(option("cases").split(","))
    c = step("private database", stack.create_database)
    tenants = step(
        f"{option('tenants')} tenants",
        lambda: [open_tenant(c, f"fresh-{n:02d}") for n in range(option("tenants"))],
    )
    big, history = (
        step(
            f"history tenant ({option('history-tickets'):,} tickets) and its bulk rebuild",
            lambda: history_tenant(c, "fresh-history", option("history-tickets")),
        )
        if "history" in cases
        else (None, 0)
    )
    step("fairscore serve", stack.serve)
    step("1 worker", lambda: stack.start_workers(1))
    load = Load(
        stack, backlog_tables=option("backlog-table") or ["dirty_period", "derivation_request"]
    )
    rows: list[Row] = []
    # the machine is shared: what else ran is part of the reading
    raw: dict[str, Any] = {
        "commit": _commit(),
        "queue": stack.queue_name,
        "loadavg_before": os.getloadavg(),
    }
    try:
        await load.login([*tenants, *([big] if big else [])])
        many = Streams(tenants, probe_every=30, agents=20)
        if "many" in cases:
            print(f"· case 1: {len(tenants)} tenants at {option('rate'):g} events/s …", flush=True)
            raw["many"] = await _freshness(
                load, many, tenants, rate=option("rate"), seconds=option("seconds"), idle=option
            )
            rows += _freshness_rows(
                f"event → visible, {len(tenants)} tenants at {option('rate'):g} events/s, 1 worker",
                raw["many"],
            )
        if big is not None:
            one = Streams([big], probe_every=6, agents=500)
            print(f"· case 2: 1 tenant, {history:,} events, at {option('history-rate'):g}/s …")
            raw["history"] = await _freshness(
                load,
                one,
                [big],
                rate=option("history-rate"),
                seconds=option("seconds"),
                idle=option,
            )
            raw["history"]["history_events"] = history
            rows += _freshness_rows(
                f"same, 1 tenant with {history:,} events of history at "
                f"{option('history-rate'):g} events/s",
                raw["history"],
            )
        if "scaling" in cases:
            print(f"· case 3: a backlog of {option('backlog-events'):,} events, 1 then 2 workers …")
            raw["scaling"] = await _scaling(load, stack, many, tenants, option("backlog-events"))
            rows += _scaling_rows(raw["scaling"], len(tenants))
        raw["loadavg_after"] = os.getloadavg()
    finally:
        await load.close()
    return rows, raw


class _Steps:
    def __call__(self, label: str, work: Any) -> Any:
        print(f"· {label} …", flush=True)
        started = time.perf_counter()
        value = work()
        print(f"  done in {time.perf_counter() - started:.0f} s", flush=True)
        return value


async def _freshness(
    load: Load, streams: Streams, tenants: list[Tenant], *, rate: float, seconds: float, idle: Any
) -> dict[str, Any]:
    idle_probes = await load.idle_probes(streams, tenants, idle("idle-probes"))
    load.probes.clear()
    load.backlog.clear()
    load.polls.clear()
    since = datetime.now(UTC)
    stop_follow, stop_sample = asyncio.Event(), asyncio.Event()
    follower = asyncio.create_task(load.follow(stop_follow))
    sampler = asyncio.create_task(load.sample_backlog(stop_sample))
    cpu, cores = load.stack.worker_cpu(), load.stack.cpu_window()
    sent = await load.offer(streams, tenants, rate=rate, seconds=seconds)
    stop_sample.set()
    await sampler
    window = list(load.backlog)
    drained = await load.wait_drained(timeout=max(120.0, seconds))
    cpu, spent = load.stack.worker_cpu() - cpu, cores.spent()
    stop_follow.set()
    await follower
    lags, unprocessed = await asyncio.to_thread(load.delivery_lags, since)
    probes = list(load.probes)
    load.waiting.clear()
    return {
        "offered_rate": rate,
        "sent": _sent(sent),
        "probes": _latencies(probes),
        "idle_probes": _latencies(idle_probes),
        "delivery_lag": {"seconds": lags, "unprocessed": unprocessed},
        "backlog": [
            {"t": t - sent.started, "deliveries": d, "rows": r, "jobs": j} for t, d, r, j in window
        ],
        "drained_after_load_s": drained,
        "worker_cpu_s": cpu,
        "cpu_s": spent,  # load and drain: workers (with cron children), serve, postgres
        "poll_seconds": list(load.polls),
        "loadavg": os.getloadavg(),
    }


def _sent(sent: Sent) -> dict[str, Any]:
    return {
        "webhooks": len(sent.posts),
        "failures": sent.failures,
        "failed_by": dict(sent.failed_by),
        "rate": sent.rate,
        "post_p50_s": percentile(sent.posts, 50),
        "post_p95_s": percentile(sent.posts, 95),
    }


def _latencies(probes: list[Probe]) -> dict[str, Any]:
    seen = [p.latency for p in probes if p.latency is not None]
    return {"count": len(probes), "unseen": len(probes) - len(seen), "seconds": seen}


def _freshness_rows(label: str, r: dict[str, Any]) -> list[Row]:
    seen, idle = r["probes"]["seconds"], r["idle_probes"]["seconds"]
    p50, p95 = percentile(seen, 50), percentile(seen, 95)
    window = [(b["t"], float(b["deliveries"] + b["rows"] + b["jobs"])) for b in r["backlog"]]
    points = after_warmup(window)
    flat = backlog_is_flat(points, offered_rate=r["offered_rate"])
    first, last = (points[0][1], points[-1][1]) if points else (0.0, 0.0)
    peak = max((v for _, v in window), default=0.0)
    lags = r["delivery_lag"]["seconds"]
    polls = r.get("poll_seconds", [])
    drained = r["drained_after_load_s"]
    sent = r["sent"]
    ms = {k: f"{1000 * v / max(sent['webhooks'], 1):.1f}" for k, v in r.get("cpu_s", {}).items()}
    return [
        (
            label,
            f"p50 {p50:.2f} s / p95 {p95:.2f} s ({len(seen)} probes)",
            "p95 < 2 s, backlog flat",
            latency_verdict(p95, 2.0, flat=flat, unseen=r["probes"]["unseen"]),
        ),
        (
            "  load sent",
            f"{sent['rate']:.1f} webhooks/s, {failed_text(sent)}, "
            f"POST p95 {sent['post_p95_s'] * 1000:.0f} ms; worker CPU "
            f"{1000 * r['worker_cpu_s'] / max(sent['webhooks'], 1):.1f} ms/event (serve "
            f"{ms.get('serve', '?')}, PostgreSQL {ms.get('postgres', '?')})",
            f"{r['offered_rate']:g}/s offered",
            "",
        ),
        (
            "  backlog: deliveries + rows + jobs",
            f"{first:.0f} → {last:.0f} after warm-up (peak {peak:.0f}), "
            f"slope {slope(points):+.2f}/s; "
            + (f"drained {drained:.0f} s after" if drained is not None else "not drained"),
            f"flat: slope < {0.01 * r['offered_rate']:.2f}/s",
            "flat" if flat else "grows",
        ),
        (
            "  baseline: same probe, idle system",
            f"p50 {percentile(idle, 50):.2f} s / p95 {percentile(idle, 95):.2f} s "
            f"({len(idle)} probes)",
            "baseline",
            f"load adds {p95 - percentile(idle, 95):+.2f} s at p95",
        ),
        (
            "  baseline: delivery → processed, same load",
            f"p50 {percentile(lags, 50):.2f} s / p95 {percentile(lags, 95):.2f} s "
            f"({r['delivery_lag']['unprocessed']} unprocessed)",
            "baseline",
            f"visibility adds {p95 - percentile(lags, 95):+.2f} s at p95",
        ),
        (
            "  the GraphQL poll itself, same load",
            f"p50 {percentile(polls, 50):.2f} s / p95 {percentile(polls, 95):.2f} s "
            f"({len(polls)} polls)",
            "(context)",
            "a probe is seen when its poll returns",
        ),
    ]


async def _scaling(
    load: Load, stack: Stack, streams: Streams, tenants: list[Tenant], events: int
) -> dict[str, Any]:
    out: dict[str, Any] = {"events": events}
    for workers in (1, 2):
        stack.stop_workers()
        sent = await load.flood(streams, tenants, events=events)
        # The workers start up (imports, connections, their cron children) with the
        # queued jobs held back: a drain of a few seconds measures draining only. Their
        # sweeper must not queue the backlog again meanwhile (a slow flood makes it old).
        await asyncio.sleep(0.2)  # the API's last coalesced requests (every 50 ms)
        held = stack.hold_jobs()
        await asyncio.to_thread(stack.start_workers, workers, SWEEP_AFTER_SECONDS="3600")
        await asyncio.to_thread(stack.settle_workers)
        cpu, window = stack.worker_cpu(), stack.cpu_window()
        started = time.monotonic()
        stack.release_jobs(held)
        drained = await load.wait_drained(timeout=600, every=0.1)
        finished = time.monotonic()
        cpu, spent = stack.worker_cpu() - cpu, window.spent()
        seconds = finished - started if drained is not None else float("nan")
        out[f"workers_{workers}"] = {
            "sent": _sent(sent),
            "drain_s": seconds,
            "events_per_s": len(sent.posts) / seconds,
            "worker_cpu_s": cpu,
            "cpu_s": spent,  # workers with their cron children, serve, postgres backends
            "loadavg": os.getloadavg(),
        }
    return out


def _scaling_rows(r: dict[str, Any], tenants: int) -> list[Row]:
    one, two = r["workers_1"], r["workers_2"]
    gain = two["events_per_s"] / one["events_per_s"]
    return [
        (
            f"throughput, 2 workers, backlog of {r['events']:,} events over {tenants} tenants",
            f"{two['events_per_s']:,.0f} events/s ({two['drain_s']:.1f} s; "
            f"worker CPU {_per_event_ms(two, r['events'])} ms/event)",
            "≥ 1.7× 1 worker",
            f"{gain:.2f}×: " + ratio_verdict(gain, 1.7),
        ),
        (
            "  baseline: 1 worker, same load generator",
            f"{one['events_per_s']:,.0f} events/s ({one['drain_s']:.1f} s; "
            f"worker CPU {_per_event_ms(one, r['events'])} ms/event)",
            "baseline",
            "",
        ),
        *(cpu_row(f"  CPU during the drain, {n}", r[f"workers_{n}"]) for n in (1, 2)),
    ]


def _per_event_ms(r: dict[str, Any], events: int) -> str:
    return f"{1000 * r.get('worker_cpu_s', 0.0) / max(events, 1):.1f}"


def save(rows: list[Row], raw: dict[str, Any], args: argparse.Namespace) -> Path:
    path = result_path("freshness")
    document = {"options": vars(args), "table": [list(r) for r in rows], "raw": raw}
    path.write_text(json.dumps(document, indent=1, default=str))
    return path


def _commit() -> str:
    """The code measured: BENCH_COMMIT when set (a run from an exported tree), else git's."""
    if os.environ.get("BENCH_COMMIT"):
        return os.environ["BENCH_COMMIT"]
    done = subprocess.run(
        ["git", "log", "-1", "--format=%H %s"],  # noqa: S607 - git from PATH, as a developer's
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() or "unknown (not a git checkout)"


if __name__ == "__main__":
    main()
