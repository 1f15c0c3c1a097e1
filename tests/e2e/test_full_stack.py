"""End to end on the full stack: CLI set-up, OAuth token, ≥1,000 signed canonical events
posted over HTTP (shuffled, duplicated, late), a real `fairscore worker` (RQ) draining
them into PostgreSQL, and `agentScores` equal to the independent oracle of SPEC §4."""

from __future__ import annotations

import json
import random
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select, text

from infra.db.tables import DIRTY_PERIOD, WEBHOOK_DELIVERY
from infra.synthetic import Shape, generate
from tests.conftest import PG_ADMIN_URL, require_service
from tests.e2e.harness import Stack
from tests.oracle.spec_oracle import compute
from tests.support.compare import EVENT_METRICS

pytestmark = pytest.mark.e2e
TZ = "Europe/Berlin"
SCORES = """query($start: Date!) {
  agentScores(period: {grain: MONTH, start: $start}) {
    agent { id externalId name } total
    metrics { key value sampleSize }
    components { metric weight value attainment points contribution status }
  }
  tenantMetrics(period: {grain: MONTH, start: $start}) { metrics { key value sampleSize } }
}"""


@pytest.fixture
def database_url() -> Iterator[str]:
    require_service("PostgreSQL", PG_ADMIN_URL)
    name = f"fairscore_e2e_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def stack(database_url: str, redis_url: str, tmp_path: Path) -> Iterator[Stack]:
    s = Stack(
        database_url=database_url,
        redis_url=redis_url,
        workdir=tmp_path,
        queue_name=f"fairscore-e2e-{uuid.uuid4().hex[:6]}",
    )
    s.cli("db", "upgrade")
    s.serve()
    s.start("worker", log="worker.log")
    yield s
    s.stop()


def delivery_order(events: list[dict[str, Any]], rng: random.Random) -> list[dict[str, Any]]:
    """Shuffled, ~8% repeated under new deliveries, ~2% held back and sent last (late)."""
    late = [e for e in events if rng.random() < 0.02]
    on_time = [e for e in events if e not in late]
    stream = on_time + rng.sample(on_time, len(on_time) * 8 // 100)
    rng.shuffle(stream)
    return stream + late


def wait_until_drained(database_url: str, timeout: float = 300) -> None:
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                waiting = conn.execute(select(func.count()).select_from(DIRTY_PERIOD)).scalar_one()
                pending = (
                    waiting
                    + conn.execute(
                        select(func.count())
                        .select_from(WEBHOOK_DELIVERY)
                        .where(WEBHOOK_DELIVERY.c.status == "pending")
                    ).scalar_one()
                )
            if pending == 0:
                return
            time.sleep(0.5)
    finally:
        engine.dispose()
    raise AssertionError(f"{pending} deliveries/roll-ups still pending after {timeout}s")


def months(events: list[dict[str, Any]]) -> list[str]:
    return sorted({e["occurred_at"][:7] + "-01" for e in events})


def test_agent_scores_equal_the_oracle_after_messy_delivery(
    stack: Stack, database_url: str
) -> None:
    stack.cli("tenant", "create", "acme", "--name", "Acme Support", "--timezone", TZ)
    client = json.loads(
        stack.cli("client", "create", "--tenant", "acme", "--scopes", "read", "--json")
    )
    hook = json.loads(
        stack.cli("integration", "create", "--tenant", "acme", "--source", "generic", "--json")
    )
    token = stack.token(client["client_id"], client["client_secret"])

    history = list(
        generate(
            Shape(
                tickets=160,
                days=62,
                agents=6,
                teams=2,
                seed=23,
                start=datetime(2026, 7, 1, tzinfo=UTC),
            )
        )
    )
    assert len(history) >= 1000
    stream = delivery_order(history, random.Random(4))
    stack.post_webhooks(hook["webhook_path"], hook["secret"], stream, seed=9)
    wait_until_drained(database_url)

    oracle = compute(history, timezone=TZ, grain="MONTH")
    compared = 0
    for start in months(history):
        data = stack.graphql(token, SCORES, start=start)
        by_agent = {row["agent"]["externalId"]: row for row in data["agentScores"]}
        assert set(by_agent) == {f"ag{n}" for n in range(1, 7)}
        for agent, row in by_agent.items():
            want = oracle["agent"].get(agent, {}).get(start, {})
            compared += assert_metrics_equal(row["metrics"], want, f"{agent} {start}")
        tenant_want = oracle["tenant"].get("tenant", {}).get(start, {})
        compared += assert_metrics_equal(data["tenantMetrics"]["metrics"], tenant_want, start)
    assert compared > 200


def assert_metrics_equal(got: list[dict[str, Any]], want: dict[str, Any], where: str) -> int:
    values = {m["key"]: m for m in got}
    checked = 0
    for key in EVENT_METRICS:
        if key not in values:
            assert key not in want, f"{where} {key}: missing from the API"
            continue
        expected = want.get(key)
        if expected is None:
            assert values[key]["value"] is None, f"{where} {key}: {values[key]} (oracle: none)"
            continue
        assert values[key]["sampleSize"] == expected["sample"], f"{where} {key}"
        assert values[key]["value"] == pytest.approx(expected["value"], rel=1e-9, abs=1e-9), (
            f"{where} {key}"
        )
        checked += 1
    return checked
