"""The DuckDB metrics of the benchmark must equal the SPEC §4 oracle (tests/oracle/spec_oracle.py).

Checked on the golden fixture, on synthetic histories (infra.synthetic, used as input data only)
and on small random histories built to hit the corner cases: many events at the same instant,
duplicate deliveries (also with a differing payload: the first delivery wins), shuffled delivery,
tickets without ticket.created, unassignments, odd statuses, unusable ratings, period borders
around a DST change, times with offsets.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
from pathlib import Path
from typing import Any

import duckdb
import pytest

from bench.duckdb_metrics import METRICS, compute, write_events_csv, write_events_parquet
from infra.synthetic import Shape, generate
from tests.fixtures import GOLDEN
from tests.oracle.spec_oracle import compute as oracle_compute

TZ = "Europe/Berlin"
COMPARED = [m for m in METRICS if m != "csat_rated"] + ["csat_response_rate"]


def oracle(events: list[dict], grain: str) -> dict:
    """The oracle's agent and tenant values for the compared metrics only."""
    full = oracle_compute(events, timezone=TZ, grain=grain)
    projected: dict[str, dict] = {"agent": {}, "tenant": {}}
    for level, subjects in projected.items():
        for subject, periods in full[level].items():
            for period, metrics in periods.items():
                kept = {
                    key: {"value": float(item["value"]), "sample": item["sample"]}
                    for key, item in metrics.items()
                    # the baseline leaves a listed subject's 0 counts (SPEC §4) implied
                    if key in COMPARED and item != {"value": 0, "sample": 0}
                }
                if kept:
                    subjects.setdefault(subject, {})[period] = kept
    return projected


def differences(ours: Any, theirs: Any, where: str = "") -> list[str]:
    if isinstance(ours, dict) and isinstance(theirs, dict):
        found = [
            f"{where}/{key}: only in {'ours' if key in ours else 'oracle'}"
            for key in sorted(set(ours) ^ set(theirs), key=str)
        ]
        for key in sorted(set(ours) & set(theirs), key=str):
            found += differences(ours[key], theirs[key], f"{where}/{key}")
        return found
    if isinstance(ours, float) or isinstance(theirs, float):
        same = math.isclose(ours, theirs, rel_tol=1e-6, abs_tol=1e-9)
    else:
        same = ours == theirs and type(ours) is type(theirs)
    return [] if same else [f"{where}: ours {ours!r} != oracle {theirs!r}"]


def assert_matches_oracle(events: list[dict], tmp_path: Path, grain: str) -> dict:
    path = tmp_path / "events.csv"
    write_events_csv(events, path)
    ours = compute(path, timezone=TZ, grain=grain, threads=2)
    expected = oracle(events, grain)
    assert differences(ours, expected) == []
    return ours


# --------------------------------------------------------------------------- golden, synthetic


def golden_events() -> list[dict]:
    lines = (GOLDEN / "events.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_golden_fixture_month(tmp_path: Path) -> None:
    ours = assert_matches_oracle(golden_events(), tmp_path, "MONTH")
    assert ours["tenant"]["tenant"]  # not vacuous


def test_golden_fixture_expected_file(tmp_path: Path) -> None:
    """The fixture's own expected.json agrees too (values and samples it lists)."""
    path = tmp_path / "events.csv"
    write_events_csv(golden_events(), path)
    ours = compute(path, timezone=TZ, grain="MONTH")
    expected = json.loads((GOLDEN / "expected.json").read_text())
    subjects = [(ours["agent"].get(a, {}), months) for a, months in expected["agents"].items()]
    subjects.append((ours["tenant"]["tenant"], expected["tenant"]))
    checked = 0
    for got, months in subjects:
        for month, metrics in months.items():
            ours_month = got.get(f"{month}-01", {})  # expected.json keys months as YYYY-MM
            for key, item in metrics.items():
                if item is None or item.get("value") is None:
                    assert key not in ours_month
                    continue
                assert ours_month[key]["sample"] == item["sample"]
                assert math.isclose(ours_month[key]["value"], item["value"], rel_tol=1e-6)
                checked += 1
    assert checked > 50


@pytest.fixture(scope="module")
def synthetic_events() -> list[dict]:
    return list(generate(Shape(tickets=500, days=60, seed=3)))


@pytest.mark.parametrize("grain", ["MONTH", "WEEK"])
def test_synthetic_history(synthetic_events: list[dict], tmp_path: Path, grain: str) -> None:
    ours = assert_matches_oracle(synthetic_events, tmp_path, grain)
    assert len(ours["agent"]) == 12


@pytest.mark.parametrize("grain", ["DAY", "QUARTER"])
def test_synthetic_history_other_grains(
    synthetic_events: list[dict], tmp_path: Path, grain: str
) -> None:
    assert_matches_oracle(synthetic_events[:1500], tmp_path, grain)


def test_parquet_input_gives_the_same_result(synthetic_events: list[dict], tmp_path: Path) -> None:
    events = synthetic_events[:800]
    events = events + events[100:150]  # duplicate deliveries
    write_events_csv(events, tmp_path / "e.csv")
    write_events_parquet(events, tmp_path / "e.parquet")
    from_csv = compute(tmp_path / "e.csv", timezone=TZ, grain="WEEK", threads=1)
    assert compute(tmp_path / "e.parquet", timezone=TZ, grain="WEEK", threads=3) == from_csv


# --------------------------------------------------------------------------- random corner cases

AGENTS = ("a1", "a2", "a10", "", None)
BASE = dt.datetime(2026, 3, 28, 21, 0, tzinfo=dt.UTC)  # DST change and month end in Berlin


class RandomHistory:
    """Small random histories where same-instant ties and odd inputs are the rule."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.events: list[dict] = []

    def moment(self) -> str:
        rng = self.rng
        at = BASE + dt.timedelta(hours=rng.choice((0, 1, 3, 26, 27, 74, 75)))
        at += dt.timedelta(minutes=rng.choice((0, 0, 0, 5, 59)), microseconds=rng.choice((0, 7)))
        if rng.random() < 0.2:
            return at.astimezone(dt.timezone(dt.timedelta(hours=2))).isoformat()
        return at.isoformat().replace("+00:00", "Z")

    def fields(self, kind: str) -> dict[str, Any]:
        rng = self.rng
        choices: dict[str, dict[str, Any]] = {
            "ticket.created": {
                "channel": "email",
                "requester_id": "c1",
                "assignee_id": rng.choice(AGENTS),
                "team_id": "t1",
            },
            "ticket.assigned": {"assignee_id": rng.choice(AGENTS)},
            "ticket.message": {
                "message_id": "m",
                "author_id": rng.choice(AGENTS),
                "author_type": rng.choice(("agent", "agent", "customer", "bot")),
                "public": rng.choice((True, True, False, None)),
            },
            "ticket.status_changed": {
                "status": rng.choice(("open", "pending", "solved", "solved", "closed", None))
            },
            "ticket.rated": {
                "kind": rng.choice(("csat", "csat", "nps")),
                "score": rng.choice((1, 4, 5, 3.5, None)),
                "scale_max": rng.choice((5, 5, 5, 0, None)),
                "comment": rng.choice(("", "ok", None, 'a "quoted",\nline')),
            },
            "ticket.handled": {"agent_id": "a1", "seconds": 30},
        }
        return choices[kind]

    def ticket(self, key: str) -> None:
        kinds = [
            "ticket.created",
            "ticket.assigned",
            "ticket.message",
            "ticket.message",
            "ticket.message",
            "ticket.status_changed",
            "ticket.status_changed",
            "ticket.rated",
            "ticket.handled",
        ]
        for _ in range(self.rng.randrange(0, 16)):
            kind = self.rng.choice(kinds)
            event = {
                "id": f"e{self.rng.randrange(10**6)}",
                "type": kind,
                "occurred_at": self.moment(),
                "ticket_id": key,
                **self.fields(kind),
            }
            self.events.append(event)

    def build(self, tickets: int) -> list[dict]:
        for n in range(tickets):
            self.ticket(f"T{n}")
        self.events.append(
            {
                "id": "u1",
                "type": "agent.upserted",
                "occurred_at": self.moment(),
                "agent_id": "a1",
                "name": "A",
                "team_id": "t1",
            }
        )
        self.events.append(
            {
                "id": "x1",
                "type": "ticket.message",
                "occurred_at": self.moment(),
                "ticket_id": None,
                "author_type": "agent",
                "public": True,
            }
        )
        for original in self.rng.sample(self.events, len(self.events) // 8):
            copy = dict(original)
            if self.rng.random() < 0.5:  # a conflicting re-delivery: the first one wins
                copy["occurred_at"] = self.moment()
            self.events.append(copy)
        self.rng.shuffle(self.events)
        return self.events


@pytest.mark.parametrize("seed", range(25))
@pytest.mark.parametrize("grain", ["MONTH", "WEEK", "DAY"])
def test_random_histories(seed: int, grain: str, tmp_path: Path) -> None:
    events = RandomHistory(seed).build(tickets=30)
    assert_matches_oracle(events, tmp_path, grain)


def hand_event(n: int, event_type: str, minute: int, **fields: Any) -> dict:
    at = dt.datetime(2026, 6, 10, 9, 0, tzinfo=dt.UTC) + dt.timedelta(minutes=minute)
    occurred_at = at.isoformat().replace("+00:00", "Z")
    return {
        "id": f"h{n:02d}",
        "type": event_type,
        "occurred_at": occurred_at,
        "ticket_id": "H",
        **fields,
    }


def test_rating_owner_falls_through_an_unassigned_latest_solve(tmp_path: Path) -> None:
    """Only the latest solve before the rating is asked (not an earlier, assigned one)."""
    reply = {"author_type": "agent", "public": True}
    events = [
        hand_event(1, "ticket.created", 0, assignee_id="a1"),
        hand_event(2, "ticket.message", 1, author_type="customer", author_id="c"),
        hand_event(3, "ticket.message", 2, author_id="a1", **reply),
        hand_event(4, "ticket.status_changed", 3, status="solved"),
        hand_event(5, "ticket.status_changed", 4, status="open"),
        hand_event(6, "ticket.assigned", 5, assignee_id=None),
        hand_event(7, "ticket.message", 6, author_id="a2", **reply),
        hand_event(8, "ticket.status_changed", 6, status="closed"),  # same instant as the reply
        hand_event(9, "ticket.rated", 7, kind="csat", score=4, scale_max=5),
    ]
    ours = assert_matches_oracle(events, tmp_path, "MONTH")
    month = "2026-06-01"
    assert ours["agent"]["a2"][month]["csat"] == {"value": 1.0, "sample": 1}
    assert ours["agent"]["a1"][month]["reopen_rate"] == {"value": 1.0, "sample": 1}
    assert ours["agent"]["a1"][month]["csat_response_rate"] == {"value": 0.0, "sample": 1}
    assert "csat_response_rate" not in ours["agent"]["a2"][month]  # rated, nothing solved


# --------------------------------------------------------------------------- building blocks


def test_quantile_cont_median_is_the_mean_of_the_two_middle_values() -> None:
    values = [7.5, 1.0, 1000.25, 3.0]
    with duckdb.connect() as con:
        got = con.execute(
            "SELECT quantile_cont(v, 0.5) FROM unnest($v::DOUBLE[]) t(v)", {"v": values}
        ).fetchone()
    assert got is not None
    assert got[0] == (3.0 + 7.5) / 2


def test_csv_keeps_null_apart_from_empty_and_normalises_times(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    events = [
        {
            "id": 'x,"1"\n',
            "type": "ticket.rated",
            "ticket_id": "",
            "comment": "",
            "occurred_at": "2026-06-01T02:00:00.5+02:00",
            "score": 4,
            "public": False,
        }
    ]
    assert write_events_csv(events, path) == 1
    with duckdb.connect() as con:
        row = con.execute(
            "SELECT id, ticket_id, comment, occurred_at, score, public, status "
            "FROM read_csv($p, header = true, allow_quoted_nulls = false, all_varchar = true)",
            {"p": str(path)},
        ).fetchone()
    assert row == ('x,"1"\n', "", "", "2026-06-01 00:00:00.500000", "4.0", "false", None)


def test_unknown_grain_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="grain"):
        compute(tmp_path / "none.csv", timezone=TZ, grain="YEAR")
