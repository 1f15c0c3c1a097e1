"""Re-score after a model change, on its own (issue 10 item 4), for profiling and
before/after figures without the whole bench:

    .venv/bin/python -m bench.rescore --tickets 100000 --database fairscore_rescore
    .venv/bin/python -m bench.rescore --tickets 100000 --profile /tmp/rescore.prof

Builds the bench tenant once (as `bench.run` does), rebuilds its snapshots if it has none,
then per round activates a new model effective over the whole history and times
`rescore_from` (the job's path) and, with `--reference`, the per-snapshot reference path
on the same data. Beside the wall time it prints the CPU of this process and of its
PostgreSQL backend (the machine is shared: CPU is the steadier figure) and the load
average; snapshot_score is vacuumed before each round (`rescore_split.vacuum_scores`).
`--split` instead times the parts of one re-score in a transaction it rolls back
(bench/rescore_split.py).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date

from bench import dataset, incremental, rescore_split
from bench.run import _container
from domain.model import default_model
from domain.ports import TenantId
from domain.services.models import activate_model, create_model, rescore_each_from, rescore_from
from infra.bootstrap import Container
from infra.bulk.rebuild import bulk_rebuild
from infra.queue import InProcessJobQueue

WHOLE_HISTORY = date(2000, 1, 1)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--database", default="fairscore_rescore")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--reference", action="store_true", help="time the per-snapshot path")
    parser.add_argument("--profile", help="write a cProfile of the last fast round here")
    parser.add_argument("--split", action="store_true", help="time the re-score's parts")
    args = parser.parse_args()
    c = _container(args.database)
    tenant, events = dataset.ensure_tenant(c, f"bench-{args.tickets}", dataset.shape(args.tickets))
    if not incremental.has_snapshots(c, tenant):
        started = time.perf_counter()
        bulk_rebuild(c, tenant.id, workers=2)
        print(f"rebuilt {events:,} events in {time.perf_counter() - started:.0f} s")
    if args.split:
        rescore_split.measure(c, tenant.id, since=WHOLE_HISTORY)
        return
    paths: list[tuple[str, Callable[..., int]]] = [("fast", rescore_from)]
    if args.reference:
        paths.append(("reference", rescore_each_from))
    for round_ in range(args.rounds):
        for label, rescore in paths:
            profile = args.profile if label == "fast" and round_ == args.rounds - 1 else None
            count, seconds = _timed_rescore(c, tenant.id, rescore, profile=profile)
            print(
                f"round {round_ + 1} {label:9}: {seconds:6.2f} s for {count:,} snapshots"
                f" = {seconds / max(count, 1) * 1e6:.1f} µs/snapshot",
                flush=True,
            )


def _timed_rescore(
    c: Container, tenant_id: TenantId, rescore: Callable[..., int], *, profile: str | None
) -> tuple[int, float]:
    with c.uow(tenant_id, exclusive=True) as uow:
        draft = replace(default_model(), name="bench whole history", gate_cap=70.0)
        model_id = create_model(uow, draft).model.id or ""
        activate_model(uow, model_id=model_id, effective_from=WHOLE_HISTORY)
        uow.commit()
    # The commit asked for a reconcile, which re-scores in-process on the queue's thread:
    # let it finish first (it held the tenant's lock and shared the CPU with the timed one;
    # its thread's CPU counted in this process's).
    if isinstance(c.queue, InProcessJobQueue):
        c.queue.join()
    rescore_split.vacuum_scores(c)
    profiler = cProfile.Profile() if profile else None
    load = os.getloadavg()[0]
    started, cpu = time.perf_counter(), time.process_time()
    with c.uow(tenant_id, exclusive=True) as uow:
        backend = rescore_split.backend_cpu(uow)
        if profiler:
            profiler.enable()
        count = rescore(uow, since=WHOLE_HISTORY)
        # before the commit: the session may hand its connection back to the pool then
        server = rescore_split.backend_cpu(uow) - backend
        uow.commit()
        if profiler:
            profiler.disable()
    seconds = time.perf_counter() - started
    if profiler and profile:
        profiler.dump_stats(profile)
    print(
        f"  cpu: this process {time.process_time() - cpu:.2f} s,"
        f" its PostgreSQL backend {server:.2f} s (before the commit); load average {load:.1f}",
        flush=True,
    )
    return count, seconds


if __name__ == "__main__":
    main()
