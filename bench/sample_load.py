"""What loading one tenant's samples costs PostgreSQL, three ways (issue 10, the fold
stage's backend half), for the decision on per-tenant partitions:

    .venv/bin/python -m bench.sample_load --database base100k --tickets 100000

1. the bulk rebuild's way (the baseline): the tenant's rows deleted from the shared
   metric_sample, then COPY back into it, timed together (in one transaction; the rebuild
   commits the clear first and its workers COPY in their own) — every row updates three
   indexes and meets its deleted twin in the primary key;
2. COPY into a fresh table, then its primary key and indexes built (a partition loaded
   before it is attached; the clear would be a DROP);
3. COPY into a fresh table that has its indexes already.

The tenant's samples (built by bench.rescore / bench.run into `--database`) are copied out
once and loaded back the same each round; metric_sample is vacuumed before each baseline
round (one generation of dead twins, as after one clear). Wall time and the backend's CPU,
each beside the baseline's from the same run; saved to bench/results/sample-load-*.json.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg

from bench.process_cpu import cpu_seconds, stat_fields
from bench.run import ADMIN_URL
from bench.table import Row, print_table, result_path

FRESH = "sample_load_fresh"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", default="base100k")
    parser.add_argument("--tickets", type=int, default=100_000, help="the bench tenant's size")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    url = ADMIN_URL.replace("+psycopg", "").rsplit("/", 1)[0] + f"/{args.database}"
    with psycopg.connect(url, autocommit=True) as conn, tempfile.TemporaryDirectory() as folder:
        tenant = _one(conn, "SELECT id FROM tenant WHERE slug = %s", f"bench-{args.tickets}")
        data = Path(folder) / "samples.copy"
        _copy_out(conn, tenant, data)
        indexes = [
            str(row[0])
            for row in conn.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename = 'metric_sample'"
            )
        ]
        runs: dict[str, list[dict[str, float]]] = {"shared": [], "fresh, then indexes": []}
        runs["fresh with indexes"] = []
        for _ in range(args.rounds):
            conn.execute("VACUUM metric_sample")
            runs["shared"].append(_timed(conn, lambda: _shared(conn, tenant, data)))
            runs["fresh, then indexes"].append(_timed(conn, lambda: _fresh(conn, data, indexes)))
            conn.execute(f"DROP TABLE {FRESH}")
            runs["fresh with indexes"].append(
                _timed(conn, lambda: _fresh(conn, data, indexes, indexed_first=True))
            )
            conn.execute(f"DROP TABLE {FRESH}")
        samples = _one(conn, "SELECT count(*) FROM metric_sample WHERE tenant_id = %s", tenant)
    rows = _rows(runs, int(samples))
    print_table(rows)
    print(f"load average {os.getloadavg()[0]:.1f}")
    path = result_path("sample-load")
    document = {"options": vars(args), "table": [list(r) for r in rows], "raw": runs}
    path.write_text(json.dumps(document, indent=1))
    print(f"saved {path}")


def _shared(conn: psycopg.Connection[Any], tenant: str, data: Path) -> None:
    with conn.transaction():
        conn.execute("DELETE FROM metric_sample WHERE tenant_id = %s", (tenant,))
        _copy_in(conn, "metric_sample", data)


def _fresh(
    conn: psycopg.Connection[Any], data: Path, indexes: list[str], *, indexed_first: bool = False
) -> None:
    made = [d.replace(" ON public.metric_sample ", f" ON {FRESH} ") for d in indexes]
    made = [d.replace("INDEX metric_sample_pkey", f"INDEX {FRESH}_key") for d in made]
    made = [d.replace("INDEX ix_metric_sample", f"INDEX {FRESH}") for d in made]
    conn.execute(f"DROP TABLE IF EXISTS {FRESH}")  # an interrupted run's
    conn.execute(f"CREATE TABLE {FRESH} (LIKE metric_sample INCLUDING DEFAULTS)")
    if indexed_first:
        for statement in made:
            conn.execute(statement.encode())
    _copy_in(conn, FRESH, data)
    if not indexed_first:
        for statement in made:
            conn.execute(statement.encode())


def _copy_out(conn: psycopg.Connection[Any], tenant: str, target: Path) -> None:
    statement = "COPY (SELECT * FROM metric_sample WHERE tenant_id = {}) TO STDOUT"
    query = psycopg.sql.SQL(statement).format(psycopg.sql.Literal(tenant))
    with target.open("wb") as out, conn.cursor() as cur, cur.copy(query) as cp:
        for chunk in cp:
            out.write(chunk)


def _copy_in(conn: psycopg.Connection[Any], table: str, source: Path) -> None:
    statement = f"COPY {table} FROM STDIN".encode()
    with conn.cursor() as cur, cur.copy(statement) as cp, source.open("rb") as data:
        while chunk := data.read(1 << 20):
            cp.write(chunk)


def _timed(conn: psycopg.Connection[Any], work: Callable[[], None]) -> dict[str, float]:
    backend = int(_one(conn, "SELECT pg_backend_pid()"))
    cpu, started = cpu_seconds(stat_fields(backend)), time.perf_counter()
    work()
    wall = time.perf_counter() - started
    return {"wall": wall, "backend_cpu": cpu_seconds(stat_fields(backend)) - cpu}


def _one(conn: psycopg.Connection[Any], query: str, *params: object) -> Any:
    row = conn.execute(query.encode(), params).fetchone()
    if row is None:
        raise SystemExit(f"nothing for {query} {params}: build the tenant with bench.rescore")
    return row[0]


def _rows(runs: dict[str, list[dict[str, float]]], samples: int) -> list[Row]:
    best = {way: min(runs[way], key=lambda r: r["wall"]) for way in runs}
    base = best["shared"]
    rows: list[Row] = []
    for way, label in (
        ("shared", "= clear + COPY into the shared table (the rebuild's way)"),
        ("fresh, then indexes", "into a fresh table, then its key and indexes"),
        ("fresh with indexes", "into a fresh table with its key and indexes"),
    ):
        r = best[way]
        figures = f"{r['wall']:.2f} s wall, backend CPU {r['backend_cpu']:.2f} s"
        ratio = "baseline" if way == "shared" else f"{base['wall'] / r['wall']:.2f}× faster"
        rows.append((f"load {samples:,} samples {label}", figures, "(decision input)", ratio))
    return rows


if __name__ == "__main__":
    main()
