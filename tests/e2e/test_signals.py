"""Issue 13's acceptance: `curl /metrics` on the API (`fairscore serve --workers 2`) and on
the worker during a run on PostgreSQL + Redis shows every operator series with a non-zero
value, the API's totals add up over both uvicorn processes to the requests sent, and both
processes log JSON lines (access records with request ids; jobs with their id and kind)."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families
from redis import Redis
from rq import Queue

from tests.e2e.harness import Stack, free_port, wait_until_drained, worker_stack
from tests.factories import Ticket
from tests.support.api import batch, signed_headers

WEBHOOKS = 12
HEALTH_CHECKS = 40


def totals(url: str) -> dict[str, float]:
    """Each series' samples summed over their labels, and each labelled sample alone
    (`name{k="v",...}`, labels in order)."""
    response = httpx.get(url, timeout=10)
    assert response.status_code == 200, response.text
    summed: dict[str, float] = defaultdict(float)
    for family in text_string_to_metric_families(response.text):
        for s in family.samples:
            summed[s.name] += s.value
            labels = ",".join(f'{k}="{v}"' for k, v in sorted(s.labels.items()))
            summed[f"{s.name}{{{labels}}}"] = s.value
    return summed


def json_lines(path: Path) -> list[dict[str, object]]:
    lines = [line for line in path.read_text().splitlines() if line.strip()]
    assert lines, f"{path.name} is empty"
    return [json.loads(line) for line in lines]  # every line is one JSON object


def test_metrics_and_json_logs_of_api_and_worker(
    database_url: str, redis_url: str, tmp_path: Path
) -> None:
    stack = worker_stack(database_url=database_url, redis_url=redis_url, workdir=tmp_path)
    multiproc = tmp_path / "prometheus"
    worker_port = free_port()
    stack.env.update(
        LOG_JSON="true",
        PROMETHEUS_MULTIPROC_DIR=str(multiproc),
        WORKER_METRICS_PORT=str(worker_port),
        WORKER_METRICS_HOST="127.0.0.1",
    )
    multiproc.mkdir()
    (multiproc / "counter_999999.db").write_bytes(b"stale")  # a previous run's: wiped
    stack.migrate()
    try:
        stack.serve("--workers", "2")
        token, hook = stack.open_tenant(scopes="read admin")
        api_waiting = _waiting_work(stack, token, hook)
        _check_api_totals(stack)
        stack.start_worker()
        Queue(stack.env["QUEUE_NAME"], connection=Redis.from_url(redis_url)).enqueue(
            "tests.e2e.worker_jobs.fail", "on purpose"
        )
        wait_until_drained(database_url)
        worker = _worker_jobs(f"http://127.0.0.1:{worker_port}/metrics")
    finally:
        stack.stop()

    for name, value in {**api_waiting, **worker}.items():
        assert value > 0, f"{name} is {value}"
    _check_logs(tmp_path)


def _waiting_work(stack: Stack, token: str, hook: dict[str, str]) -> dict[str, float]:
    """Webhooks and a settings change while no worker runs: the backlog gauges and
    webhook outcomes, as the API scrapes them."""
    with httpx.Client(base_url=stack.url) as client:
        for n in range(WEBHOOKS):
            body = batch(Ticket(f"T-{n}").created(0).events)
            response = client.post(
                hook["webhook_path"], content=body, headers=signed_headers(hook["secret"], body)
            )
            assert response.status_code == 202, response.text
    moved = stack.graphql(
        token, 'mutation { updateTenantSettings(timezone: "UTC") { __typename } }'
    )
    assert moved["updateTenantSettings"]["__typename"] == "TenantSettings"  # a REBUILD waits
    values = totals(f"{stack.url}/metrics")
    assert values["fairscore_pending_deliveries"] == WEBHOOKS
    assert values['fairscore_webhooks_total{outcome="202",source="generic"}'] == WEBHOOKS
    return {
        name: values[name]
        for name in (
            "fairscore_webhooks_total",
            "fairscore_queue_depth",
            "fairscore_pending_deliveries",
            'fairscore_pending_invalidations{kind="request"}',
            "fairscore_derivation_lag_seconds",
        )
    }


def _check_api_totals(stack: Stack) -> None:
    """Requests on fresh connections reach both uvicorn processes; every scrape (whichever
    process answers) counts all of them."""
    health = 'fairscore_http_request_seconds_count{method="GET",route="/healthz",status="200"}'
    before = totals(f"{stack.url}/metrics")[health]  # the start-up probe's
    for _ in range(HEALTH_CHECKS):
        assert httpx.get(f"{stack.url}/healthz", headers={"Connection": "close"}).is_success
    for _ in range(6):
        assert totals(f"{stack.url}/metrics")[health] == before + HEALTH_CHECKS
    multiproc = Path(stack.env["PROMETHEUS_MULTIPROC_DIR"])
    pids = {re.sub(r"\D", "", p.name) for p in multiproc.glob("histogram_*.db")}
    assert len(pids) == 2, f"requests served by processes {pids}"
    assert not (multiproc / "counter_999999.db").exists()


def _worker_jobs(url: str) -> dict[str, float]:
    values = totals(url)
    reconciles = 'fairscore_jobs_finished_total{kind="reconcile_tenant"}'
    assert values['fairscore_jobs_failed_total{kind="fail"}'] == 1
    assert values["fairscore_jobs_started_total"] == (
        values["fairscore_jobs_finished_total"] + values["fairscore_jobs_failed_total"]
    )
    return {
        name: values[name]
        for name in (
            "fairscore_jobs_started_total",
            reconciles,
            "fairscore_jobs_failed_total",
            "fairscore_job_duration_seconds_count",
            "fairscore_job_duration_seconds_sum",
        )
    }


def _check_logs(workdir: Path) -> None:
    served = json_lines(workdir / "serve.log")
    health = [r for r in served if r.get("event") == "request" and r["route"] == "/healthz"]
    assert len(health) >= HEALTH_CHECKS  # and the start-up probes
    assert len({r["request_id"] for r in health}) == len(health)
    webhooks = [r for r in served if r.get("route") == "/webhooks/{source}/{integration_id}"]
    assert len(webhooks) == WEBHOOKS and {r["status"] for r in webhooks} == {202}
    worked = json_lines(workdir / "worker.log")
    failed = [r for r in worked if r.get("job_kind") == "fail" and r["level"] == "error"]
    assert failed and "RuntimeError: on purpose" in str(failed[0]["event"])  # rq's traceback
    assert any(r.get("job_kind") == "reconcile_tenant" for r in worked)
