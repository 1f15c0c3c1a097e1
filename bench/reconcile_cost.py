"""What one reconcile job costs the worker: SQL statements, reconciles it asks for, and its
CPU time, for a tenant with 1, 5 and 20 new deliveries (the freshness bench's lifecycle
events, one per webhook), on a private PostgreSQL database. The machine is shared, so the
counts are the evidence and the times are context:

    .venv/bin/python -m bench.reconcile_cost [--database NAME] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time

from sqlalchemy import event

from bench.freshness_load import Streams
from bench.freshness_stack import Stack, Tenant, open_tenant
from bench.incremental import ManualQueue
from domain.ports import TenantId
from infra.bootstrap import Container
from infra.db.types import utcnow
from infra.sources.generic import sign


class CountingQueue(ManualQueue):
    """Runs no job: counts the reconciles the job's own commits ask for."""

    def __init__(self) -> None:
        self.requests = 0

    def request(self, job: str, tenant_id: str, *, force: bool = False) -> bool:
        self.requests += 1
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", default="fairscore_reconcile_cost")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--show", action="store_true", help="print a 1-delivery job's SQL")
    args = parser.parse_args()
    stack = Stack(args.database)
    try:
        c = stack.create_database()
        queue = CountingQueue()
        c.__dict__["queue"] = queue  # before the intake (which holds the queue) is built
        c.__dict__.pop("webhooks", None)
        tenant = open_tenant(c, "cost")
        streams = Streams([tenant], probe_every=10**9, agents=20)
        sql: list[str] = []
        event.listen(c.engine, "before_cursor_execute", lambda *a: sql.append(a[2]))
        print("deliveries | statements / job | reconciles asked | CPU ms / job (median)")
        for batch in (1, 5, 20):
            counts, asked, cpu = [], [], []
            for _ in range(args.rounds):
                for _ in range(batch):
                    _deliver(c, tenant, streams)
                sql.clear()
                queue.requests = 0
                started = time.process_time()
                c.reconciler(TenantId(tenant.id)).run()
                cpu.append(1000 * (time.process_time() - started))
                counts.append(len(sql))
                asked.append(queue.requests)
            if args.show and batch == 1:
                print("\n".join(" ".join(q.split())[:160] for q in sql))
            print(
                f"{batch:>10} | {statistics.median(counts):>16.0f} | "
                f"{statistics.median(asked):>16.0f} | {statistics.median(cpu):.1f}"
            )
    finally:
        stack.close()


_RUNNER = asyncio.Runner()  # one loop: the intake's async connection belongs to it


def _deliver(c: Container, tenant: Tenant, streams: Streams) -> None:
    body_event, _ = streams.next(tenant)
    body = json.dumps(body_event).encode()
    msg_id = f"msg-{body_event['id']}"
    stamp = int(time.time())
    headers = {
        "webhook-id": msg_id,
        "webhook-timestamp": str(stamp),
        "webhook-signature": sign(tenant.secret, msg_id, stamp, body),
    }
    receipt = _RUNNER.run(
        c.webhooks.receive(
            source="generic",
            integration_id=tenant.webhook_path.rsplit("/", 1)[1],
            headers=headers,
            body=body,
            received_at=utcnow(),
        )
    )
    assert receipt.status == 202, receipt


if __name__ == "__main__":
    main()
