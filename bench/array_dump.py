"""What psycopg spends binding one roll-up's rows as arrays (infra/db/unnest.py), text
against binary array format, in this process alone (no server round trip):

    .venv/bin/python -m bench.array_dump

A snapshot row's metrics are ~0.9 KB of JSON full of quotes, which the text format escapes
element by element; an id column beside it. Each figure beside the text format's, from the
same run.
"""

from __future__ import annotations

import json
import random
import time

import psycopg
from psycopg import abc
from psycopg.adapt import PyFormat, Transformer

from bench.run import ADMIN_URL
from bench.table import Row, print_table

ROWS, ROUNDS = 200, 200


def main() -> None:
    url = ADMIN_URL.replace("+psycopg", "")
    metrics = {
        f"m{i}|CALENDAR": [random.random() * 100, 12, 3.5, 2.25, 9.0, None] for i in range(16)
    }
    texts = [json.dumps(metrics, separators=(",", ":")) for _ in range(ROWS)]
    ids = [f"agent-{i}" for i in range(ROWS)]
    with psycopg.connect(url) as conn:
        times = {
            fmt: _per_row(Transformer(conn), [texts, ids], fmt)
            for fmt in (PyFormat.TEXT, PyFormat.BINARY)
        }
    base = times[PyFormat.TEXT]
    rows: list[Row] = [
        ("bind a JSON text + an id a row, text arrays", f"{base:.2f} µs a row", "baseline", ""),
        (
            "the same, binary arrays",
            f"{times[PyFormat.BINARY]:.2f} µs a row",
            "text arrays",
            f"{base / times[PyFormat.BINARY]:.0f}× faster",
        ),
    ]
    print_table(rows)
    print(f"{len(texts[0])} bytes of JSON a row")


def _per_row(transformer: abc.Transformer, columns: list[list[str]], fmt: PyFormat) -> float:
    started = time.perf_counter()
    for _ in range(ROUNDS):
        transformer.dump_sequence(columns, [fmt] * len(columns))
    return (time.perf_counter() - started) / ROUNDS / ROWS * 1e6


if __name__ == "__main__":
    main()
