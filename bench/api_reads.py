"""Issue 12 items 2 and 7: the GraphQL read path at speed (`python -m bench.run --api`).

A private database and a real `fairscore serve` (bench/freshness_stack.py). Two tenants,
one with 1,000 active agents and one with 100, each with a MONTH of agent snapshots in
which every agent metric has data (the widest a snapshot gets), scored by the tenant's
model, and one team with 24 MONTH snapshots; the snapshots are built by the domain
(domain.values.metric_values, domain.scoring.score) from random summaries and written by
the engine's own writer (SqlSnapshots.save_many), then ANALYZE. Measured over HTTP:

- agentScores (agent, total, metrics, components) for 1,000 agents, beside the plain SQL
  read of the same rows (psycopg, same run, interleaved): p50/p95 and their ratio, and
  the CPU the API process spent per request (/proc: on a shared machine, the figure its
  load inflates least);
- the SQL statements one agentScores read issues at 100 vs 1,000 agents (counted in this
  process on the resolver's read function, `api.scores.reads.agent_scores`);
- scoreHistory, 24 MONTH periods, 15 metrics, one team.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import orjson
import psycopg
from sqlalchemy import event, text

from api.scores import reads
from bench.freshness_stack import Stack, Tenant, open_tenant
from bench.freshness_stats import percentile
from bench.table import Row
from domain import metrics as m
from domain.metrics import Basis, Kind, Level
from domain.periods import Grain, Period
from domain.ports import TenantId
from domain.scoring import score
from domain.snapshots import Snapshot
from domain.values import Aggregate, metric_values
from infra import admin
from infra.bootstrap import Container

MONTH = Period(Grain.MONTH, date(2026, 10, 1))
HISTORY = [
    Period(Grain.MONTH, date(2024 + (10 + i) // 12, (10 + i) % 12 + 1, 1)) for i in range(24)
]
HISTORY_METRICS = [
    "tickets_created",
    "tickets_solved",
    "first_response_time",
    "reply_time",
    "resolution_time",
    "one_touch_rate",
    "reopen_rate",
    "replies_per_ticket",
    "abandoned_rate",
    "csat",
    "csat_response_rate",
    "csat_comment_rate",
    "ces",
    "handle_time",
    "sla_first_response",
]
AGENT_SCORES = """query($period: PeriodInput!) { agentScores(period: $period) {
  agent { id name } total modelName modelVersion failedGates
  metrics { key value sampleSize mean median p90 positives ciLow ciHigh }
  components { metric statistic weight value rawValue sampleSize attainment points
               contribution status } } }"""
SCORE_HISTORY = """query($subject: SubjectInput!, $from: Date!, $to: Date!, $metrics: [String!]) {
  scoreHistory(subject: $subject, grain: MONTH, from: $from, to: $to, metrics: $metrics) {
    periodStart total modelName failedGates
    metrics { key value sampleSize mean median p90 ciLow ciHigh }
    components { metric value sampleSize attainment points contribution status } } }"""
PLAIN_SQL = """SELECT a.id, a.name, s.subject_id, s.metrics, s.signals, s.computed_at,
  c.model_id, c.model_version, c.total, c.breakdown
FROM agent a
LEFT JOIN score_snapshot s ON s.tenant_id = a.tenant_id AND s.subject_type = 'AGENT'
  AND s.subject_id = a.id AND s.grain = 'MONTH' AND s.period_start = %(start)s
LEFT JOIN snapshot_score c ON c.tenant_id = s.tenant_id AND c.subject_type = s.subject_type
  AND c.subject_id = s.subject_id AND c.grain = s.grain AND c.period_start = s.period_start
WHERE a.tenant_id = %(tenant)s AND a.active
ORDER BY c.total DESC NULLS LAST, a.name"""

TARGETS = {"agent_p95_ms": 250.0, "ratio_p50": 3.0, "history_p95_ms": 150.0}


def measure(rounds: int = 40) -> tuple[list[Row], dict[str, Any]]:
    """The read-path rows of the `--api` table and the raw figures behind them."""
    stack = Stack(f"fairscore_bench_reads_{os.getpid()}")
    try:
        c = stack.create_database()
        print("  building tenants (1,000 and 100 agents) …", flush=True)
        big, team_id = _tenant(c, "reads-1000", 1000)
        small, _ = _tenant(c, "reads-100", 100)
        with c.engine.connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()
        statements = {n: _statements(c, t.id) for n, t in ((100, small), (1000, big))}
        stack.serve()
        with httpx.Client(base_url=stack.url, timeout=60) as http:
            token = _token(http, big)
            raw = _timings(
                http,
                token,
                database_url=stack.database_url,
                tenant_id=big.id,
                team_id=team_id,
                rounds=rounds,
                server_pid=stack.api.pid if stack.api else 0,
            )
    finally:
        stack.close()
    raw["statements"] = statements
    return _rows(raw), raw


# data -------------------------------------------------------------------------------------
def _tenant(c: Container, slug: str, agents: int) -> tuple[Tenant, str]:
    tenant = open_tenant(c, slug)
    teams = 25 if agents >= 250 else 5
    admin.apply_canonical(
        c,
        tenant.id,
        source="generic",
        events=(
            {
                "id": f"profile-{n}",
                "type": "agent.upserted",
                "occurred_at": "2024-01-01T00:00:00Z",
                "agent_id": f"ag{n}",
                "name": f"Agent {n:04d}",
                "email": f"ag{n}@example.com",
                "team_id": f"team{n % teams}",
            }
            for n in range(agents)
        ),
    )
    rng = random.Random(agents)
    with c.uow(tenant.id, exclusive=True) as uow:
        model = uow.models.effective(MONTH.start, Level.AGENT, None)
        snapshots = [
            _snapshot(rng, Level.AGENT, a.id, MONTH, model) for a in uow.reads.agents(active=True)
        ]
        team_id = uow.reads.teams()[0].id
        snapshots += [_snapshot(rng, Level.TEAM, team_id, p, model) for p in HISTORY]
        uow.snapshots.save_many(snapshots)
        uow.commit()
    return tenant, team_id


def _snapshot(
    rng: random.Random, level: Level, subject: str, period: Period, model: Any
) -> Snapshot:
    """Every metric of `level` with data, in both bases, as a roll-up would store it."""
    aggregates: dict[tuple[str, Basis], Aggregate] = {}
    for key, kind in [(d.key, d.kind) for d in m.DEFINITIONS] + [
        (s.key, Kind.MEAN) for s in m.STREAMS
    ]:
        for basis in (Basis.CALENDAR, Basis.BUSINESS):
            count = rng.randint(5, 400) * (10 if level is Level.TEAM else 1)
            if kind is Kind.RATE:
                total = float(rng.randint(0, count))
            elif kind is Kind.DURATION:
                total = count * rng.uniform(600, 90_000)
            else:
                total = count * rng.uniform(1, 5)
            mid = total / count
            aggregates[(key, basis)] = Aggregate(
                count, total, median=mid * 0.8, p90=mid * 2.5, distinct_tickets=count // 2 + 1
            )
    values = metric_values(aggregates, level=level, has_business_hours=True)
    breakdown = score(model, values) if level is Level.AGENT else None
    return Snapshot(level, subject, period, values, breakdown, model.id if breakdown else None)


# measuring --------------------------------------------------------------------------------
def _token(http: httpx.Client, tenant: Tenant) -> str:
    response = http.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "scope": "read"},
        auth=(tenant.client_id, tenant.client_secret),
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


def _timings(
    http: httpx.Client,
    token: str,
    *,
    database_url: str,
    tenant_id: str,
    team_id: str,
    rounds: int,
    server_pid: int,
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"}

    def graphql(query: str, variables: dict[str, Any]) -> Callable[[], int]:
        def call() -> int:
            response = http.post(
                "/graphql", json={"query": query, "variables": variables}, headers=headers
            )
            body = orjson.loads(response.content)  # the client's parse: not what is measured
            if response.status_code != 200 or body.get("errors"):
                raise RuntimeError(f"GraphQL failed: {response.status_code} {body}")
            return len(next(iter(body["data"].values())))

        return call

    agent_scores = graphql(
        AGENT_SCORES, {"period": {"grain": "MONTH", "start": MONTH.start.isoformat()}}
    )
    history = graphql(
        SCORE_HISTORY,
        {
            "subject": {"kind": "TEAM", "id": team_id},
            "from": HISTORY[0].start.isoformat(),
            "to": HISTORY[-1].start.isoformat(),
            "metrics": HISTORY_METRICS,
        },
    )
    plain_url = database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain_url) as conn:

        def plain() -> int:
            with conn.cursor() as cur:
                cur.execute(PLAIN_SQL, {"start": MONTH.start, "tenant": tenant_id})
                return len(cur.fetchall())

        for warm in (agent_scores, plain, history, agent_scores, plain, history):
            warm()
        out: dict[str, list[float]] = {"agent_scores": [], "plain_sql": [], "history": []}
        counts: dict[str, int] = {}
        cpu = dict.fromkeys(out, 0.0)
        for _ in range(rounds):  # interleaved: both see the same machine at the same time
            for name, call in (
                ("agent_scores", agent_scores),
                ("plain_sql", plain),
                ("history", history),
            ):
                started, server = time.perf_counter(), _cpu_seconds(server_pid)
                counts[name] = call()
                out[name].append((time.perf_counter() - started) * 1000)
                cpu[name] += _cpu_seconds(server_pid) - server
    # CPU the API process spent per request: on a busy machine, beside the wall time
    server_ms = {name: seconds * 1000 / rounds for name, seconds in cpu.items()}
    return {"ms": out, "rows": counts, "rounds": rounds, "server_cpu_ms": server_ms}


def _cpu_seconds(pid: int) -> float:
    """CPU seconds process `pid` has used (a local process: /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _statements(c: Container, tenant_id: TenantId) -> int:
    """SQL statements of one agentScores read (the resolver's read function)."""
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(args[2])

    event.listen(c.engine, "before_cursor_execute", count)
    try:
        with c.read_uow(tenant_id) as uow:
            reads.agent_scores(uow.reads, MONTH, team_id=None)
    finally:
        event.remove(c.engine, "before_cursor_execute", count)
    return len(seen)


def _rows(raw: dict[str, Any]) -> list[Row]:
    ms, rows = raw["ms"], raw["rows"]
    a50, a95 = percentile(ms["agent_scores"], 50), percentile(ms["agent_scores"], 95)
    p50, p95 = percentile(ms["plain_sql"], 50), percentile(ms["plain_sql"], 95)
    h50, h95 = percentile(ms["history"], 50), percentile(ms["history"], 95)
    ratio = a50 / p50
    small, large = raw["statements"][100], raw["statements"][1000]
    raw["summary"] = {"agent_p50": a50, "agent_p95": a95, "plain_p50": p50, "ratio": ratio}
    return [
        (
            f"agentScores MONTH, {rows['agent_scores']:,} agents, agent+total+metrics+components",
            f"p50 {a50:.0f} ms / p95 {a95:.0f} ms ({raw['rounds']} requests, HTTP; "
            f"API process CPU {raw['server_cpu_ms']['agent_scores']:.0f} ms/request)",
            "p95 < 250 ms",
            _under(a95, TARGETS["agent_p95_ms"], "ms"),
        ),
        (
            "  baseline: plain SQL read of the same rows (psycopg)",
            f"p50 {p50:.1f} ms / p95 {p95:.1f} ms ({rows['plain_sql']:,} rows)",
            "agentScores p50 ≤ 3× its p50",
            f"{ratio:.1f}×: " + _under(ratio, TARGETS["ratio_p50"], "×"),
        ),
        (
            "SQL statements per agentScores read, 100 vs 1,000 agents",
            f"{small} vs {large}",
            "equal",
            "met" if small == large else f"missed: {large - small:+d} at 1,000",
        ),
        (
            f"scoreHistory, {len(HISTORY)} MONTH periods, {len(HISTORY_METRICS)} metrics, one team",
            f"p50 {h50:.0f} ms / p95 {h95:.0f} ms "
            f"(API process CPU {raw['server_cpu_ms']['history']:.0f} ms/request)",
            "p95 < 150 ms",
            _under(h95, TARGETS["history_p95_ms"], "ms"),
        ),
    ]


def _under(value: float, target: float, unit: str) -> str:
    if value < target or (unit == "×" and value <= target):
        return "met"
    over = value - target
    return f"missed by {over:.0f} ms" if unit == "ms" else f"missed by {over:.1f}×"
