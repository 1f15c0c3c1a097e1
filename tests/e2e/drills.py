"""What the fault drills share (tests/e2e/test_derivation_faults.py, test_server_faults.py):
a stack on short fuses, a tenant that posts webhooks and changes its model, synthetic
histories, and the check that what the workers derived equals a clean rebuild."""

from __future__ import annotations

import json
import subprocess
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from infra.synthetic import Shape, generate
from tests.e2e.harness import Stack, wait_for_log
from tests.support.faults import backlog, derived_rows, differences, rq_state, tenant_id, wait_for
from tests.support.kpi_models import ACTIVATE, CREATE, SATISFACTION_FIRST

START = datetime(2026, 7, 1, tzinfo=UTC)
SETTLE_SECONDS = 90


def make_stack(database_url: str, redis_url: str, workdir: Path, **env: str) -> Stack:
    """Migrated, `fairscore serve` answering, at INFO (no worker yet)."""
    stack = Stack(
        database_url=database_url,
        redis_url=redis_url,
        workdir=workdir,
        queue_name=f"fairscore-faults-{uuid.uuid4().hex[:6]}",
    )
    stack.env.update(LOG_LEVEL="INFO", **env)
    stack.migrate()
    stack.serve()
    return stack


class Tenant:
    def __init__(self, stack: Stack, database_url: str, slug: str) -> None:
        """A tenant with an admin API client and a generic webhook integration (CLI)."""
        stack.cli("tenant", "create", slug, "--name", slug.title(), "--timezone", "Europe/Berlin")
        client = json.loads(
            stack.cli("client", "create", "--tenant", slug, "--scopes", "read admin", "--json")
        )
        hook = json.loads(
            stack.cli("integration", "create", "--tenant", slug, "--source", "generic", "--json")
        )
        self.stack, self.slug = stack, slug
        self.id = tenant_id(database_url, slug)
        self.token = stack.token(client["client_id"], client["client_secret"])
        self.path, self.secret = hook["webhook_path"], hook["secret"]

    def post(self, events: list[dict[str, Any]], *, seed: int, max_batch: int = 25) -> int:
        return self.stack.post_webhooks(
            self.path, self.secret, events, seed=seed, max_batch=max_batch
        )

    def change_model(self, effective_from: str) -> None:
        """An admin's model change: createKpiModel + activateKpiModel (a RESCORE)."""
        created = self.stack.graphql(self.token, CREATE, model=SATISFACTION_FIRST)
        model_id = created["createKpiModel"]["id"]
        self.stack.graphql(self.token, ACTIVATE, id=model_id, **{"from": effective_from})


def history(*, tickets: int, seed: int, prefix: str = "T") -> list[dict[str, Any]]:
    shape = Shape(
        tickets=tickets,
        days=45,
        agents=5,
        teams=2,
        seed=seed,
        start=START,
        activity=False,
        prefix=prefix,
    )
    return list(generate(shape))


def start_worker(stack: Stack, name: str, *, cron: bool = True) -> subprocess.Popen[bytes]:
    """`fairscore worker` (its cron sweeping every second), logging to `name`.log, once it
    listens."""
    args = ["--sweep-interval", "1"] if cron else ["--no-cron"]
    process = stack.start("worker", *args, log=f"{name}.log")
    ready = ["Listening on", "registering birth"] if cron else ["Listening on"]
    wait_for_log(stack.workdir / f"{name}.log", *ready, process=process)
    return process


def settled(stack: Stack, database_url: str) -> bool:
    """Nothing waits: no pending delivery or outbox row, no queued job, none started."""
    if not backlog(database_url).empty:
        return False
    return rq_state(stack.env["REDIS_URL"], stack.env["QUEUE_NAME"]).idle


def wait_settled(stack: Stack, database_url: str, *, timeout: float = SETTLE_SECONDS) -> float:
    def explain() -> str:
        rq = rq_state(stack.env["REDIS_URL"], stack.env["QUEUE_NAME"])
        return f"backlog {backlog(database_url)}, {rq}"

    try:
        return wait_for(lambda: settled(stack, database_url), timeout=timeout, what="settled")
    except AssertionError as exc:
        raise AssertionError(f"{exc}: {explain()}") from None


def assert_equals_clean_rebuild(stack: Stack, database_url: str, tenant: Tenant) -> None:
    """The tenant's derived rows now, and after `fairscore recompute` rebuilt them all from
    the event log, are the same rows; and the rebuild left nothing waiting either."""
    derived = derived_rows(database_url, tenant.id)
    assert derived["ticket"] and derived["score_snapshot"] and derived["snapshot_score"]
    stack.cli("recompute", "--tenant", tenant.slug)
    wait_settled(stack, database_url)
    problems = differences(derived, derived_rows(database_url, tenant.id))
    assert problems == [], "\n".join(problems)


def unique_ids(*batches: list[dict[str, Any]]) -> list[str]:
    return sorted({e["id"] for events in batches for e in events})


def logs(stack: Stack, prefix: str) -> str:
    return "".join(p.read_text(errors="replace") for p in stack.workdir.glob(f"{prefix}*.log"))
