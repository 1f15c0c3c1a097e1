"""Checks of the SPEC §4 oracle on the golden fixture, and its statistics helpers."""

from __future__ import annotations

import json
import math
import random

import pytest

from tests.fixtures import GOLDEN
from tests.oracle.builders import TZ
from tests.oracle.spec_oracle import compute, median, p90_nearest_rank

# --------------------------------------------------------------------------- golden fixture


def load_golden_events() -> list[dict]:
    lines = (GOLDEN / "events.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.fixture(scope="module")
def golden_events() -> list[dict]:
    return load_golden_events()


@pytest.fixture(scope="module")
def golden_expected() -> dict:
    return json.loads((GOLDEN / "expected.json").read_text())


@pytest.fixture(scope="module")
def golden_result(golden_events: list[dict]) -> dict:
    return compute(golden_events, timezone=TZ, grain="MONTH")


def golden_pairs(expected: dict, result: dict) -> list[tuple[str, dict, dict]]:
    """(label, expected per-month dict, our per-period dict) for every agent and the tenant."""
    pairs = [
        (agent, months, result["agent"].get(agent, {}))
        for agent, months in expected["agents"].items()
    ]
    pairs.append(("tenant", expected["tenant"], result["tenant"].get("tenant", {})))
    return pairs


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def test_golden_values_reproduced(golden_expected: dict, golden_result: dict) -> None:
    problems = []
    checked = 0
    for label, months, ours in golden_pairs(golden_expected, golden_result):
        for month, metrics in months.items():
            got_period = ours.get(f"{month}-01", {})
            for metric, want in metrics.items():
                got = got_period.get(metric)
                checked += 1
                if got is None:
                    problems.append(f"{label} {month} {metric}: missing, want {want}")
                elif got["sample"] != want["sample"] or not close(got["value"], want["value"]):
                    problems.append(f"{label} {month} {metric}: got {got}, want {want}")
    assert checked > 100
    assert not problems, "\n".join(problems)


def test_golden_missing_metrics_stay_missing(golden_expected: dict, golden_result: dict) -> None:
    covered = {
        metric
        for _label, months, _ours in golden_pairs(golden_expected, golden_result)
        for metrics in months.values()
        for metric in metrics
    }
    problems = []
    for label, months, ours in golden_pairs(golden_expected, golden_result):
        for period, metrics in ours.items():
            want = months.get(period[:7], {})
            problems += [f"{label} {period} {m}" for m in metrics if m in covered and m not in want]
    # agents we produce that the golden file does not list must have none of the covered metrics
    for agent, periods in golden_result["agent"].items():
        if agent not in golden_expected["agents"]:
            problems += [
                f"{agent} {p} {m}" for p, ms in periods.items() for m in ms if m in covered
            ]
    assert not problems, "produced but null in expected.json:\n" + "\n".join(problems)


def test_golden_independent_of_delivery_order_and_duplicates(
    golden_events: list[dict], golden_result: dict
) -> None:
    rng = random.Random(20260601)
    for _ in range(3):
        shuffled = [dict(e) for e in golden_events]
        shuffled += [dict(e) for e in rng.sample(golden_events, 40)]  # redeliveries
        rng.shuffle(shuffled)
        assert compute(shuffled, timezone=TZ, grain="MONTH") == golden_result


@pytest.mark.parametrize("grain", ["DAY", "WEEK", "MONTH", "QUARTER"])
def test_golden_grains_partition_the_counts(
    golden_events: list[dict], golden_result: dict, grain: str
) -> None:
    def total(result: dict, key: str) -> int:
        periods = result["tenant"]["tenant"].values()
        return sum(p[key]["value"] for p in periods if key in p)

    result = compute(golden_events, timezone=TZ, grain=grain)
    assert total(result, "tickets_created") == 60  # every golden ticket has a ticket.created
    assert total(result, "tickets_solved") == total(golden_result, "tickets_solved")
    # tickets_created has no agent level
    assert all(
        "tickets_created" not in metrics
        for periods in result["agent"].values()
        for metrics in periods.values()
    )


def test_statistics_helpers() -> None:
    assert median([3, 1, 2]) == 2
    assert median([4, 1, 3, 2]) == 2.5
    assert p90_nearest_rank(list(range(1, 11))) == 9
    assert p90_nearest_rank(list(range(1, 12))) == 10
    assert p90_nearest_rank([5.0]) == 5.0
    assert p90_nearest_rank([1, 2, 3]) == 3
