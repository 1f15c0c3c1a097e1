"""The Grafana dashboard and the Prometheus alert rules in docs/signals/ read only series
Fairscore exports: every metric name in their PromQL is one the API's /metrics (after a
webhook, a GraphQL request and a health check, with a Redis queue) or the worker's
registry (after a job that succeeded and one that failed) exposes. The rules also pass
`promtool check rules` and have the shape docs/operations.md describes."""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families
from redis import Redis

from infra import admin
from infra.bootstrap import Container, install
from infra.settings import Settings
from tests.factories import Ticket
from tests.support.api import access_token, api_client, batch, graphql_data, post_webhook
from tests.support.promql import metric_names
from workers import metrics as worker_metrics

DOCS = Path(__file__).resolve().parents[2] / "docs" / "signals"
DASHBOARD = DOCS / "grafana-dashboard.json"
ALERTS = DOCS / "alerts.yml"


@pytest.fixture
def database_url(tmp_path: Path, sqlite_template: Path) -> str:
    """SQLite is enough: the names, not the values, are checked here."""
    path = tmp_path / "fairscore.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def queued(settings: Settings, redis_url: str) -> Iterator[Container]:
    queue_name = f"fairscore-docs-{uuid.uuid4().hex[:6]}"
    c = Container(settings.model_copy(update={"redis_url": redis_url, "queue_name": queue_name}))
    install(c)
    yield c
    Redis.from_url(redis_url).delete(f"rq:queue:{queue_name}")
    install(None)


def exported_names(queued: Container) -> set[str]:
    client = api_client(queued)
    tenant = admin.create_tenant(queued, slug="docs", name="Docs", timezone="UTC")
    hook = admin.create_integration(queued, tenant=tenant.id, source="generic", secret=None)
    assert post_webhook(client, hook, batch(Ticket("T-1").created(0).events)).status_code == 202
    graphql_data(client, access_token(client, queued, tenant.id), "{ teams { id } }")
    assert client.get("/healthz").status_code == 200
    api = client.get("/metrics").text
    worker_metrics.counted("job-1", "workers.jobs.reconcile_tenant", lambda: True)
    worker_metrics.counted("job-2", "workers.jobs.reconcile_tenant", lambda: False)
    worker = [
        family
        for collector in (
            worker_metrics.JOBS_STARTED,
            worker_metrics.JOBS_FINISHED,
            worker_metrics.JOBS_FAILED,
            worker_metrics.JOB_SECONDS,
        )
        for family in collector.collect()
    ]
    return {
        s.name for family in [*text_string_to_metric_families(api), *worker] for s in family.samples
    }


def dashboard_expressions() -> list[str]:
    dashboard = json.loads(DASHBOARD.read_text())
    return [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]


def rules() -> list[dict[str, object]]:
    return [
        rule for group in yaml.safe_load(ALERTS.read_text())["groups"] for rule in group["rules"]
    ]


def test_dashboard_and_rules_read_only_exported_series(queued: Container) -> None:
    exported = exported_names(queued)
    expressions = dashboard_expressions() + [str(rule["expr"]) for rule in rules()]

    used = {name for expr in expressions for name in metric_names(expr)}

    assert len(expressions) >= 12 and len(used) >= 10  # the parser found the series
    assert used <= exported, f"not exported: {sorted(used - exported)}"
    wanted = {
        "fairscore_queue_depth",
        "fairscore_pending_deliveries",
        "fairscore_pending_invalidations",
        "fairscore_derivation_lag_seconds",
        "fairscore_jobs_failed_total",
        "fairscore_webhooks_total",
    }
    assert wanted <= used, f"the dashboard and rules never show {sorted(wanted - used)}"


def test_metric_names_are_told_from_functions_labels_and_keywords() -> None:
    expr = (
        'histogram_quantile(0.95, sum by (le, kind) (rate(a_bucket{kind="x y"}[5m])))'
        " > on (kind) group_left (queue) b offset 5m and bool deriv(c[15m:1m]) > 1e3"
        " or max without (instance) (d)"
    )

    assert metric_names(expr) == {"a_bucket", "b", "c", "d"}


def test_alert_rules_have_the_documented_shape() -> None:
    found = rules()

    assert [r["alert"] for r in found] == [
        "FairscoreBacklogGrowing",
        "FairscoreDerivationLagHigh",
        "FairscoreJobsFailing",
    ]
    for rule in found:
        assert set(rule) == {"alert", "expr", "for", "labels", "annotations"}, rule["alert"]
        assert isinstance(rule["labels"], dict) and rule["labels"]["severity"] == "warning"
        assert isinstance(rule["annotations"], dict)
        assert rule["annotations"]["summary"] and rule["annotations"]["description"]
    assert "> 60" in str(found[1]["expr"])


@pytest.mark.needs("promtool")
def test_promtool_accepts_the_alert_rules() -> None:
    promtool = shutil.which("promtool")
    assert promtool is not None

    done = subprocess.run(
        [promtool, "check", "rules", str(ALERTS)], capture_output=True, text=True, check=False
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert "SUCCESS: 3 rules found" in done.stdout
