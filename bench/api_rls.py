"""Issue 11 item 2: what row-level security costs the GraphQL read path (`bench.run --api`).

One private database (bench/freshness_stack.py), the 1,000-agent tenant of
bench/api_reads.py, and two `fairscore serve` processes on it at once: one logged in as the
owner (the bench server's superuser, which bypasses RLS: "off") and one logged in as an
app login `fairscore db roles` made, its cross-tenant paths as the system login (every
query filtered by the tenant policy, the tenant set per transaction: "on"). The logins are
the bench's own (roles are cluster-wide: a bench must not change a real install's).
agentScores for 1,000 agents, the two servers called in turn each round, so both see the
same machine at the same time; p50/p95 of each and the p95 ratio against the target
(within 10%).

200 requests a side: with 60, p95 was the 3rd-slowest request, and one periodic pause of
either process (a garbage collection, ~5% of requests before api/graphql_validated.py)
more or less in the window decided the ratio (bench/RESULTS.txt, 2026-12-05).
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable
from typing import Any

import httpx
import orjson
from sqlalchemy import URL, make_url, text

from bench import api_reads
from bench.freshness_stack import Stack, _free_port
from bench.freshness_stats import percentile
from bench.table import Row
from infra.db.role_setup import Login, create_roles

TARGET = 1.10  # RLS on: p95 within 10% of off
APP, SYSTEM = Login("fairscore_bench_app"), Login("fairscore_bench_system")
ROUNDS = 200  # a side: p95 is then the 10th-slowest request, not the 3rd


def measure(rounds: int = ROUNDS) -> tuple[list[Row], dict[str, Any]]:
    """The RLS row of the `--api` table and the raw figures behind it."""
    stack = Stack(f"fairscore_bench_rls_{os.getpid()}")
    rls: subprocess.Popen[bytes] | None = None
    try:
        c = stack.create_database()
        create_roles(stack.database_url, APP, SYSTEM)  # `fairscore db roles`
        print("  building the 1,000-agent tenant …", flush=True)
        big, _ = api_reads._tenant(c, "rls-1000", 1000)
        with c.engine.connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()
        stack.serve()  # RLS off: the login role bypasses it
        port = _free_port()
        login = make_url(stack.database_url)
        rls = stack._start(
            "serve-rls.log",
            "serve",
            "--port",
            str(port),
            DATABASE_URL=_as(login, APP),
            SYSTEM_DATABASE_URL=_as(login, SYSTEM),
        )
        with (
            httpx.Client(base_url=stack.url, timeout=60) as off,
            httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as on,
        ):
            _wait_healthy(on, rls)
            token = api_reads._token(off, big)
            calls = {"off": _agent_scores(off, token), "on": _agent_scores(on, token)}
            raw = _timings(calls, rounds)
    finally:
        if rls is not None:
            rls.terminate()
            rls.wait(timeout=20)
        stack.close()
    return _rows(raw), raw


def _as(url: URL, login: Login) -> str:
    return url.set(username=login.name).render_as_string(hide_password=False)


def _wait_healthy(http: httpx.Client, process: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        try:
            if http.get("/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            break
        time.sleep(0.2)
    raise RuntimeError("the RLS API did not start (serve-rls.log)")


def _agent_scores(http: httpx.Client, token: str) -> Callable[[], int]:
    variables = {"period": {"grain": "MONTH", "start": api_reads.MONTH.start.isoformat()}}
    headers = {"Authorization": f"Bearer {token}"}

    def call() -> int:
        response = http.post(
            "/graphql",
            json={"query": api_reads.AGENT_SCORES, "variables": variables},
            headers=headers,
        )
        body = orjson.loads(response.content)
        if response.status_code != 200 or body.get("errors"):
            raise RuntimeError(f"GraphQL failed: {response.status_code} {body}")
        return len(next(iter(body["data"].values())))

    return call


def _timings(calls: dict[str, Callable[[], int]], rounds: int) -> dict[str, Any]:
    for call in [*calls.values()] * 3:  # warm both servers' pools and caches
        call()
    ms: dict[str, list[float]] = {name: [] for name in calls}
    rows: dict[str, int] = {}
    for n in range(rounds):
        # alternate which goes first: neither always follows the other's cache warmth
        order = list(calls.items()) if n % 2 == 0 else list(reversed(calls.items()))
        for name, call in order:
            started = time.perf_counter()
            rows[name] = call()
            ms[name].append((time.perf_counter() - started) * 1000)
    return {"ms": ms, "rows": rows, "rounds": rounds}


def _rows(raw: dict[str, Any]) -> list[Row]:
    ms = raw["ms"]
    on50, on95 = percentile(ms["on"], 50), percentile(ms["on"], 95)
    off50, off95 = percentile(ms["off"], 50), percentile(ms["off"], 95)
    ratio = on95 / off95
    raw["summary"] = {"on_p50": on50, "on_p95": on95, "off_p50": off50, "off_p95": off95}
    assert raw["rows"]["on"] == raw["rows"]["off"], raw["rows"]  # the same answer
    return [
        (
            f"agentScores, {raw['rows']['on']:,} agents, row-level security on (fairscore_app)",
            f"p50 {on50:.0f} ms / p95 {on95:.0f} ms ({raw['rounds']} requests, HTTP)",
            "p95 within 10% of off",
            f"{ratio:.2f}×: " + ("met" if ratio <= TARGET else f"missed by {ratio - TARGET:.2f}×"),
        ),
        (
            "  baseline: RLS off (login role bypasses), same run, interleaved",
            f"p50 {off50:.0f} ms / p95 {off95:.0f} ms",
            "",
            "",
        ),
    ]
