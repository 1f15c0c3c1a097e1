"""Webhook intake at database speed (issue 11), black box, one command:

    .venv/bin/python -m bench.run --intake         # this table only
    .venv/bin/python -m bench.intake --seconds 20 --connections 32 [--workers N]

A private database (`fairscore_intake`, dropped at the end) on the shared PostgreSQL server
(BENCH_POSTGRES_URL), a queue of its own on Redis (BENCH_REDIS_URL) and a real
`fairscore serve` (its default worker count unless --workers). No `fairscore worker` runs:
the figure is intake alone (verify, count against the integration's rate limit in Redis,
store, acknowledge, request the tenant's job). The stack raises RATE_LIMIT_WEBHOOK far past
the load (bench/freshness_stack.py), so every webhook is counted and none is refused.

The load generator is `wrk` (Debian's; compiled, so it takes little of the CPU the server
needs), --connections connections for --seconds each, after a short warm-up:

1. baseline: GET /healthz on the same server;
2. signed generic webhooks (Standard Webhooks), one canonical event each, every delivery id
   unique: the requests are signed here beforehand and wrk's Lua script
   (bench/intake_wrk.lua) cycles through them. "Accepted" counts the rows stored during
   the run (read from the database), so a duplicate or an error is never counted.

3. the database alone (pgbench, if installed): the same single-row INSERT … ON CONFLICT DO
   NOTHING RETURNING of a body that size, committed one by one, as many connections.

Targets: accepted webhooks/s ÷ healthz req/s ≥ 0.25, webhook p99 < 50 ms. The table is
printed like bench/run.py's and saved with wrk's figures to bench/results/intake-*.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import make_url, text

from bench.freshness_stack import Stack, Tenant, open_tenant
from bench.process_cpu import tree_cpu_seconds
from bench.table import Row, print_table, result_path
from infra.sources.generic import sign

SCRIPT = Path(__file__).resolve().parent / "intake_wrk.lua"
RATIO_TARGET = 0.25
P99_TARGET_MS = 50.0
WARMUP_SECONDS = 3
THREADS = 2  # wrk's threads: one per core


def arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_options(parser)
    return parser


def add_options(parser: argparse.ArgumentParser, prefix: str = "") -> None:
    parser.add_argument(f"--{prefix}seconds", type=int, default=20, help="per load phase")
    parser.add_argument(f"--{prefix}connections", type=int, default=32)
    parser.add_argument(
        f"--{prefix}workers", type=int, default=None, help="serve --workers (default: its own)"
    )
    parser.add_argument(
        f"--{prefix}max-rate",
        type=int,
        default=6000,
        help="webhooks/s the pre-signed requests suffice for without repeating an id",
    )
    parser.add_argument(f"--{prefix}keep", action="store_true", help="keep database and logs")
    parser.add_argument(
        f"--{prefix}profile",
        type=Path,
        default=None,
        help="py-spy's profile of serve during the webhook phase: a flame graph (.svg) or "
        "collapsed stacks (any other name)",
    )


def main() -> None:
    args = arguments().parse_args()
    rows, raw = measure(args)
    print_table(rows)
    print(f"saved {save(rows, raw)}")


def measure(args: argparse.Namespace, prefix: str = "") -> tuple[list[Row], dict[str, Any]]:
    given = vars(args)
    option = {name.removeprefix(prefix.replace("-", "_")): value for name, value in given.items()}
    seconds, connections, workers = option["seconds"], option["connections"], option["workers"]
    if shutil.which("wrk") is None:
        raise SystemExit("bench.intake needs wrk: apt-get install -y wrk")
    stack = Stack("fairscore_intake")
    try:
        tenant = open_tenant(stack.create_database(), "intake")
        stack.serve(*(["--workers", str(workers)] if workers else []))
        _wrk(stack, "-", connections, WARMUP_SECONDS)
        healthz = _wrk(stack, "-", connections, seconds, path="/healthz")
        rate = option["max_rate"]
        # The warm-up's ids differ from the run's: a repeated id would be a duplicate.
        warmup, _ = _signed_requests(stack, tenant, rate * WARMUP_SECONDS, "warmup")
        requests, body_bytes = _signed_requests(stack, tenant, rate * seconds, "run")
        _wrk(stack, str(warmup), connections, WARMUP_SECONDS, path=tenant.webhook_path)
        before = _stored(stack, tenant)
        with _profiled(stack, option["profile"], seconds):
            webhooks = _wrk(stack, str(requests), connections, seconds, path=tenant.webhook_path)
        accepted = _stored(stack, tenant) - before
        database = _pgbench(stack, connections, seconds, body_bytes)
    finally:
        stack.close(keep=option["keep"])
    raw = {
        "seconds": seconds,
        "connections": connections,
        "serve_workers": workers or "default",
        "body_bytes": body_bytes,
        "healthz": healthz,
        "webhooks": webhooks,
        "accepted": accepted,
        "database_inserts_per_second": database,
    }
    return _rows(raw), raw


def _signed_requests(stack: Stack, tenant: Tenant, count: int, name: str) -> tuple[Path, int]:
    """`count` signed deliveries of one canonical event each, one per line for the script."""
    path = stack.workdir / f"{name}.tsv"
    tag, stamp = f"{name}-{uuid.uuid4().hex[:8]}", int(time.time())
    occurred = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    size = 0
    with path.open("w") as out:
        for n in range(count):
            event = {
                "id": f"in-{tag}-{n}-created",
                "type": "ticket.created",
                "occurred_at": occurred,
                "ticket_id": f"in-{tag}-{n}",
                "channel": "email",
                "requester_id": f"c{n % 5000}",
                "assignee_id": f"ag{n % 50 + 1}",
            }
            body = json.dumps({"events": [event]}, separators=(",", ":")).encode()
            msg_id = f"msg_{tag}_{n}"
            signature = sign(tenant.secret, msg_id, stamp, body)
            out.write(f"{tenant.webhook_path}\t{msg_id}\t{stamp}\t{signature}\t{body.decode()}\n")
            size = len(body)
    return path, size


def _wrk(
    stack: Stack, requests: str, connections: int, seconds: int, *, path: str = "/healthz"
) -> dict[str, Any]:
    command = [
        "wrk",
        f"-t{THREADS}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(SCRIPT),
        stack.url + path,
        "--",
        requests,
        str(THREADS),
    ]
    assert stack.api is not None
    cpu = tree_cpu_seconds(stack.api.pid)
    done = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
    cpu = tree_cpu_seconds(stack.api.pid) - cpu
    line = next(x for x in done.stdout.splitlines() if x.startswith("{"))
    figures: dict[str, Any] = json.loads(line)
    figures["rate"] = figures["requests"] / (figures["duration_us"] / 1e6)
    # serve's processes, per request answered: steadier than the rate on a shared machine
    figures["serve_cpu_ms"] = cpu * 1000 / max(1, figures["requests"])
    return figures


@contextmanager
def _profiled(stack: Stack, svg: Path | None, seconds: int) -> Iterator[None]:
    """py-spy records serve's processes (idle frames left out) while the block runs."""
    if svg is None:
        yield
        return
    assert stack.api is not None
    beside = Path(sys.executable).with_name("py-spy")  # pip's, in the venv
    spy = str(beside) if beside.exists() else shutil.which("py-spy") or "py-spy"
    command = [spy, "record", "--subprocesses", "--pid", str(stack.api.pid)]
    command += [
        "--duration",
        str(seconds),
        "--rate",
        "100",
        "--nonblocking",
        "--gil",
        "--output",
        str(svg),
    ]
    command += ["--format", "flamegraph" if svg.suffix == ".svg" else "raw"]
    recorder = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        yield
    finally:
        recorder.wait(timeout=seconds + 60)


def _pgbench(stack: Stack, connections: int, seconds: int, body_bytes: int) -> float | None:
    """The database alone, same run: single-row INSERT … ON CONFLICT DO NOTHING RETURNING
    of a body that size, committed one by one, over as many connections (pgbench)."""
    if shutil.which("pgbench") is None:
        return None
    assert stack.container is not None
    with stack.container.engine.begin() as conn:
        conn.execute(text("CREATE TABLE bench_insert (k text PRIMARY KEY, body bytea)"))
    script = stack.workdir / "insert.sql"
    script.write_text(
        "INSERT INTO bench_insert VALUES (md5(random()::text || clock_timestamp()::text),"
        f" convert_to(repeat('x', {body_bytes}), 'UTF8')) ON CONFLICT DO NOTHING RETURNING k;\n"
    )
    url = make_url(stack.database_url)
    command = ["pgbench", "-n", "-c", str(connections), "-j", str(THREADS), "-T", str(seconds)]
    command += ["-f", str(script), "-h", url.host or "", "-p", str(url.port or 5432)]
    command += ["-U", url.username or "postgres", url.database or ""]
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    rate = next((x for x in done.stdout.splitlines() if x.startswith("tps = ")), None)
    if done.returncode != 0 or rate is None:
        # e.g. the shared server's max_connections taken by other work: the row says so
        print(f"  pgbench failed: {done.stderr.strip().splitlines()[-1:]}")
        return None
    return float(rate.split()[2])


def _stored(stack: Stack, tenant: Tenant) -> int:
    assert stack.container is not None
    with stack.container.engine.connect() as conn:
        sql = text("SELECT count(*) FROM webhook_delivery WHERE tenant_id = :t")
        return int(conn.execute(sql, {"t": tenant.id}).scalar_one())


def _rows(raw: dict[str, Any]) -> list[Row]:
    healthz, hooks = raw["healthz"], raw["webhooks"]
    accepted_rate = raw["accepted"] / (hooks["duration_us"] / 1e6)
    ratio = accepted_rate / healthz["rate"]
    p99 = hooks["p99_us"] / 1000
    errors = sum(hooks[k] for k in ("status_errors", "connect_errors", "read_errors", "timeouts"))
    return [
        (
            f"signed webhooks, {raw['connections']} connections, {raw['seconds']} s",
            f"{accepted_rate:,.0f} accepted/s (p50 {hooks['p50_us'] / 1000:.1f} ms, "
            f"p99 {p99:.1f} ms; {errors:,} errors; "
            f"serve CPU {hooks['serve_cpu_ms']:.2f} ms each)",
            f"≥ {RATIO_TARGET} × healthz",
            f"{ratio:.3f}: "
            + ("met" if ratio >= RATIO_TARGET else f"missed by {RATIO_TARGET - ratio:.3f}"),
        ),
        (
            "  webhook p99 latency at that load",
            f"{p99:.1f} ms",
            f"< {P99_TARGET_MS:.0f} ms",
            "met" if p99 < P99_TARGET_MS else f"missed by {p99 - P99_TARGET_MS:.1f} ms",
        ),
        (
            "  baseline: GET /healthz, same server",
            f"{healthz['rate']:,.0f} req/s (p50 {healthz['p50_us'] / 1000:.1f} ms, "
            f"p99 {healthz['p99_us'] / 1000:.1f} ms; "
            f"serve CPU {healthz['serve_cpu_ms']:.2f} ms each)",
            "baseline",
            "",
        ),
        (
            "  database alone: INSERT … ON CONFLICT, same connections (pgbench)",
            "not measured (no pgbench, or it failed)"
            if raw["database_inserts_per_second"] is None
            else f"{raw['database_inserts_per_second']:,.0f} inserts/s",
            "the database's limit",
            ""
            if raw["database_inserts_per_second"] is None
            else f"webhooks: {accepted_rate / raw['database_inserts_per_second']:.0%} of it",
        ),
        (
            "  serve workers / body",
            f"{raw['serve_workers']} / {raw['body_bytes']} bytes, one event",
            "",
            "",
        ),
    ]


def save(rows: list[Row], raw: dict[str, Any]) -> Path:
    path = result_path("intake")
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
        capture_output=True,
        text=True,
        cwd=path.parent,
        check=False,
    ).stdout.strip()
    path.write_text(json.dumps({"commit": commit, "rows": rows, **raw}, indent=2) + "\n")
    return path


if __name__ == "__main__":
    main()
