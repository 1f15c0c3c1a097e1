"""Peak memory of `fairscore import` for a Zendesk export of 10k and of 100k tickets.

    .venv/bin/python bench/import_memory.py [--sizes 10000 100000] [--days 365]

For each size it writes a generated Zendesk incremental export (JSON lines) to bench/data/
(gitignored), imports it into a fresh SQLite database in a child process, imports it a
second time (which must import 0 events), and prints a table. Each child measures its
own peak resident set size (`resource.getrusage(RUSAGE_SELF).ru_maxrss`) after running
the real `fairscore import` command in-process; a streaming import shows the same peak
at 10× the tickets.

The export is realistic in shape and order: agent users first, then ticket and ticket
event (audit) lines in time order across all tickets, as the incremental API pages them:
a ticket's creation, the customer's message, agent replies, follow-ups, the solve, a
reopen now and then, and satisfaction ratings, spread over `--days` days (the same team
of agents whatever the size: a busier helpdesk, not a longer history).

Baseline (SQLite, Python 3.11, the development container, 2026-11-24):

    tickets | lines   | events  | time  | peak RSS | 2nd run imported | 2nd run peak RSS
     10,000 |  52,606 |  62,606 |  30 s | 142 MiB  | 0                | 114 MiB
    100,000 | 525,869 | 625,869 | 347 s | 158 MiB  | 0                | 114 MiB

About 107 MiB of that is the interpreter and libraries before the first line is read.
Python's own heap (tracemalloc) peaks at 8.8 MiB for 10k tickets and 10.7 MiB for 100k;
the rest of the difference is native memory (SQLite's page cache and sort buffers, which
have fixed limits, and the allocator), not anything kept per ticket.
"""

from __future__ import annotations

import argparse
import heapq
import json
import os
import random
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
START = datetime(2025, 1, 1, tzinfo=UTC)
AGENTS = [900 + i for i in range(40)]
GROUPS = [31, 32, 33, 34]


def stamp(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def audit(ticket: int, at: datetime, updater: int, *children: dict[str, Any]) -> dict[str, Any]:
    return {
        "ticket_id": ticket,
        "created_at": stamp(at),
        "updater_id": updater,
        "event_type": "Audit",
        "child_events": list(children),
    }


def comment(comment_id: int, author: int, at: datetime, *, public: bool = True) -> dict[str, Any]:
    return {
        "id": comment_id,
        "event_type": "Comment",
        "author_id": author,
        "public": public,
        "created_at": stamp(at),
    }


def ticket_lines(
    number: int, opened: datetime, rng: random.Random
) -> Iterator[tuple[datetime, dict[str, Any]]]:
    """(time, export object) of one ticket's life, in time order."""
    ticket, customer = 100_000 + number, 5_000_000 + number
    agent, group = rng.choice(AGENTS), rng.choice(GROUPS)
    comments = iter(range(number * 10, number * 10 + 10))
    yield (
        opened,
        {
            "id": ticket,
            "created_at": stamp(opened),
            "via": {"channel": rng.choice(["email", "web", "chat", "api"])},
            "requester_id": customer,
            "assignee_id": agent,
            "group_id": group,
            "status": "solved",
        },
    )
    yield (
        opened,
        audit(
            ticket,
            opened,
            customer,
            comment(next(comments), customer, opened),
            {"event_type": "Create", "status": "new"},
            {"event_type": "Create", "assignee_id": agent},
            {"event_type": "Create", "group_id": group},
        ),
    )
    at = opened + timedelta(minutes=rng.expovariate(1 / 90))
    yield at, audit(ticket, at, agent, comment(next(comments), agent, at))
    if rng.random() < 0.4:  # a follow-up exchange
        at += timedelta(minutes=rng.expovariate(1 / 120))
        yield at, audit(ticket, at, customer, comment(next(comments), customer, at))
        at += timedelta(minutes=rng.expovariate(1 / 60))
        yield (
            at,
            audit(ticket, at, agent, comment(next(comments), agent, at, public=rng.random() < 0.9)),
        )
    at += timedelta(minutes=rng.expovariate(1 / 30))
    yield at, audit(ticket, at, agent, {"event_type": "Change", "status": "solved"})
    if rng.random() < 0.08:  # reopened by the customer, solved again
        at += timedelta(hours=rng.expovariate(1 / 20))
        yield at, audit(ticket, at, customer, {"event_type": "Change", "status": "open"})
        at += timedelta(hours=rng.expovariate(1 / 2))
        yield at, audit(ticket, at, agent, {"event_type": "Change", "status": "solved"})
    if rng.random() < 0.3:
        at += timedelta(hours=rng.expovariate(1 / 6))
        score = "good" if rng.random() < 0.85 else "bad"
        yield at, audit(ticket, at, customer, {"event_type": "SatisfactionRating", "score": score})


def generate(path: Path, *, tickets: int, days: int, seed: int = 7) -> int:
    """Write the export; returns its line count. Lines leave in time order through a heap
    of the tickets still in progress, so the generator's memory stays small too."""
    rng = random.Random(seed)
    lines, order = 0, 0
    pending: list[tuple[datetime, int, dict[str, Any]]] = []
    span = timedelta(days=days).total_seconds()
    with path.open("w") as out:
        for agent in AGENTS:
            user = {
                "id": agent,
                "role": "agent",
                "name": f"Agent {agent}",
                "email": f"agent{agent}@example.com",
                "created_at": "2024-01-01T00:00:00Z",
            }
            out.write(json.dumps(user) + "\n")
            lines += 1
        for number in range(tickets):
            opened = START + timedelta(seconds=span * number / tickets)
            for at, obj in ticket_lines(number, opened, rng):
                order += 1
                heapq.heappush(pending, (at, order, obj))
            while pending and pending[0][0] <= opened:
                out.write(json.dumps(heapq.heappop(pending)[2]) + "\n")
                lines += 1
        while pending:
            out.write(json.dumps(heapq.heappop(pending)[2]) + "\n")
            lines += 1
    return lines


def child(database: Path, export: Path) -> None:
    """Run `fairscore import` in this process, then report its summary and peak RSS."""
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DATA_DIR", str(database.parent / "keys"))
    sys.path.insert(0, str(ROOT))
    from typer.main import get_command

    from cli.main import app
    from infra import admin
    from infra.bootstrap import container
    from infra.db.migrate import upgrade
    from infra.db.repositories.system import NotFoundError

    c = container()
    upgrade(c.settings.database_url)
    try:
        admin.tenant_by_slug(c, "bench")
    except NotFoundError:
        admin.create_tenant(c, slug="bench", name="Bench", timezone="Europe/Berlin")
    args = ["import", "--tenant", "bench", "--source", "zendesk", str(export), "--json"]
    get_command(app).main(args, standalone_mode=False)  # prints the summary JSON
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(json.dumps({"peak_rss_mib": round(peak_kib / 1024, 1)}))


def run_child(database: Path, export: Path) -> dict[str, Any]:
    done = subprocess.run(  # noqa: S603 - this script, with paths it made
        [sys.executable, __file__, "--child", str(database), str(export)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"import failed:\n{done.stderr[-4000:]}")
    found: dict[str, Any] = {}
    for line in done.stdout.splitlines():
        if line.startswith("{"):
            found.update(json.loads(line))
    return found


def measure(tickets: int, days: int) -> dict[str, Any]:
    DATA.mkdir(parents=True, exist_ok=True)
    export = DATA / f"zendesk-export-{tickets}.jsonl"
    lines = generate(export, tickets=tickets, days=days)
    database = DATA / f"import-{tickets}.db"
    for leftover in DATA.glob(f"import-{tickets}.db*"):
        leftover.unlink()
    print(
        f"· {tickets:,} tickets: {lines:,} lines, {export.stat().st_size / 2**20:.0f} MiB",
        flush=True,
    )
    started = time.perf_counter()
    first = run_child(database, export)
    first["wall"] = time.perf_counter() - started
    print(f"  first import: {first['imported']:,} events in {first['wall']:.0f} s", flush=True)
    started = time.perf_counter()
    second = run_child(database, export)
    second["wall"] = time.perf_counter() - started
    return {
        "tickets": tickets,
        "lines": lines,
        "mib": export.stat().st_size / 2**20,
        "first": first,
        "second": second,
    }


def table(rows: list[dict[str, Any]]) -> str:
    head = (
        "tickets",
        "lines",
        "file MiB",
        "events",
        "imported",
        "time s",
        "peak RSS MiB",
        "2nd run imported",
        "2nd run skipped",
        "2nd peak RSS MiB",
    )
    body = [
        (
            f"{r['tickets']:,}",
            f"{r['lines']:,}",
            f"{r['mib']:.0f}",
            f"{r['first']['events']:,}",
            f"{r['first']['imported']:,}",
            f"{r['first']['wall']:.0f}",
            f"{r['first']['peak_rss_mib']:.0f}",
            f"{r['second']['imported']:,}",
            f"{r['second']['duplicates']:,}",
            f"{r['second']['peak_rss_mib']:.0f}",
        )
        for r in rows
    ]
    widths = [max(len(h), *(len(row[i]) for row in body)) for i, h in enumerate(head)]

    def render(cells: tuple[str, ...]) -> str:
        return " | ".join(c.rjust(w) for c, w in zip(cells, widths, strict=True))

    return "\n".join([render(head), "-+-".join("-" * w for w in widths), *map(render, body)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--child", nargs=2, metavar=("DATABASE", "EXPORT"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        child(Path(options.child[0]), Path(options.child[1]))
        return
    rows = [measure(size, options.days) for size in options.sizes]
    print()
    print(table(rows))
    if len(rows) > 1:
        small, large = rows[0]["first"]["peak_rss_mib"], rows[-1]["first"]["peak_rss_mib"]
        print(
            f"\npeak RSS at {rows[-1]['tickets']:,} vs {rows[0]['tickets']:,} tickets: "
            f"{large / small:.2f}× (tickets ×{rows[-1]['tickets'] / rows[0]['tickets']:.0f})"
        )


if __name__ == "__main__":
    main()
