"""The worked example in tests/fixtures/golden reproduces exactly (SPEC §4)."""

from __future__ import annotations

import json
import math

import pytest

from tests.fixtures import GOLDEN
from tests.support.compare import in_memory


@pytest.fixture(scope="module")
def result() -> dict:
    events = [json.loads(line) for line in (GOLDEN / "events.jsonl").read_text().splitlines()]
    return in_memory(events, timezone="Europe/Berlin", grain="MONTH")


def _expected() -> list[tuple[str, str, str, str, dict]]:
    expected = json.loads((GOLDEN / "expected.json").read_text())
    rows = []
    for agent, months in expected["agents"].items():
        for month, metrics in months.items():
            rows += [("agent", agent, month, key, v) for key, v in metrics.items()]
    for month, metrics in expected["tenant"].items():
        rows += [("tenant", "tenant", month, key, v) for key, v in metrics.items()]
    return rows


@pytest.mark.parametrize(("level", "subject", "month", "metric", "want"), _expected())
def test_golden_value(
    result: dict, level: str, subject: str, month: str, metric: str, want: dict
) -> None:
    got = result[level][subject][f"{month}-01"][metric]
    assert got["sample"] == want["sample"]
    assert math.isclose(got["value"], want["value"], rel_tol=1e-9)


def test_golden_has_no_values_where_the_example_has_none(result: dict) -> None:
    expected = json.loads((GOLDEN / "expected.json").read_text())
    covered = {
        "tickets_solved",
        "first_response_time",
        "reply_time",
        "resolution_time",
        "one_touch_rate",
        "reopen_rate",
        "replies_per_ticket",
        "csat",
        "csat_response_rate",
    }
    for agent, periods in result["agent"].items():
        for period, metrics in periods.items():
            listed = expected["agents"].get(agent, {}).get(period[:7], {})
            assert covered & set(metrics) <= set(listed), (agent, period)
