"""agentScores' answer on the direct path (api/graphql_leaves.py) is byte for byte the JSON
of graphql-core's per-field execution with strawberry's resolvers: every field of the
agent, the score, every metric (case mix and strata included) and every component, in
both bases, with aliases and variables, for agents with and without data."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import orjson
import pytest
import strawberry

from api.graphql_leaves import PlainObjectsExecutionContext
from api.people.types import Agent
from api.scores.types import AgentScore, empty_values, scored_fields
from domain import metrics as m
from domain.casemix import Adjustment, Comparison, StratumRow
from domain.metrics import Basis, Direction, Kind, Level
from domain.model import Component, KpiModel, default_model
from domain.periods import Grain, Period
from domain.scoring import score
from domain.snapshots import Snapshot
from domain.values import Aggregate, MetricSet, metric_values
from domain.views import AgentView, ExternalId

MONTH = Period(Grain.MONTH, date(2026, 10, 1))
MODEL = KpiModel(
    "with case mix",
    (
        *default_model().components[1:],
        Component("csat", 3, 0.9, Direction.HIGHER_IS_BETTER, adjusted=True, gate_min=0.5),
        Component("resolution_time", 1, 3600, Direction.LOWER_IS_BETTER, adjusted=True),
    ),
)


def _values(rng: random.Random) -> MetricSet:
    """Every agent metric with data in both bases, csat and resolution_time case-mixed."""
    aggregates = {}
    for key, kind in [(d.key, d.kind) for d in m.DEFINITIONS] + [
        (s.key, Kind.MEAN) for s in m.STREAMS
    ]:
        for basis in (Basis.CALENDAR, Basis.BUSINESS):
            count = rng.randint(1, 60)
            total = (
                float(rng.randint(0, count)) if kind is Kind.RATE else count * rng.uniform(1, 9e4)
            )
            mid = total / count
            aggregates[(key, basis)] = Aggregate(
                count, total, median=mid * 0.8, p90=mid * 2.5, distinct_tickets=count // 2 + 1
            )
    values = dict(metric_values(aggregates, level=Level.AGENT, has_business_hours=True))
    for key, comparison in (("csat", Comparison.DIFFERENCE), ("resolution_time", Comparison.RATIO)):
        v = values[(key, Basis.CALENDAR)]
        strata = tuple(
            StratumRow(f"email/p{i}", rng.uniform(0, 2), rng.uniform(0, 2), rng.randint(1, 9))
            for i in range(rng.randint(0, 3))
        )
        adjusted = rng.choice([None, rng.uniform(-1, 2)])
        interval = (adjusted - 0.1, adjusted + 0.1) if adjusted is not None else None
        mix = Adjustment(
            comparison, v.mean, rng.uniform(0.5, 2), v.sample_size, adjusted, interval, strata
        )
        values[(key, Basis.CALENDAR)] = replace(v, case_mix=mix)
    return values


def _rows() -> list[AgentScore]:
    rng = random.Random(12)
    empty = empty_values(Level.AGENT)
    rows = []
    for n in range(40):
        view = AgentView(
            f"ag{n}",
            f"Agent {n}",
            None if n % 3 else f"ag{n}@example.com",
            f"team{n % 4}",
            True,
            tuple(ExternalId("zendesk", f"z{n}-{i}") for i in range(n % 3)),
        )
        snapshot = None
        if n % 7:  # every 7th agent has no data: nulls and no components
            values = _values(rng)
            snapshot = Snapshot(
                Level.AGENT,
                view.id,
                MONTH,
                values,
                score(MODEL, values),
                "model-1",
                datetime(2026, 11, 1, 3, n, tzinfo=UTC),
                {"quick_reopen": n % 5},
            )
        rows.append(AgentScore(agent=Agent.of(view), **scored_fields(MONTH, snapshot, empty)))  # type: ignore[arg-type]
    return rows


ROWS = _rows()


@strawberry.type
class Query:
    @strawberry.field
    def agent_scores(self) -> list[AgentScore]:
        return ROWS


FAST = strawberry.Schema(query=Query, execution_context_class=PlainObjectsExecutionContext)
SLOW = strawberry.Schema(query=Query)

METRIC = """key label unit basis value sampleSize mean median p90 positives ciLow ciHigh
  observed expected adjustedRatio adjustedDifference adjustedCiLow adjustedCiHigh
  strata { key observed expected sampleSize __typename }"""
COMPONENT = """metric statistic basis direction weight target cap minSample gateMin value
  rawValue sampleSize attainment points contribution status adjusted expected explanation"""
EVERY_FIELD = f"""query($basis: Basis!) {{ agentScores {{
  __typename
  agent {{ id name email active externalId externalIds {{ source id }} }}
  period {{ grain start end }} total modelName modelVersion failedGates computedAt
  guardrails {{ key label description count }}
  metrics {{ {METRIC} }}
  business: metrics(basis: $basis) {{ {METRIC} }}
  calendar: metrics(basis: CALENDAR) {{ k: key value }}
  components {{ {COMPONENT} }} }} }}"""


def _both(query: str, variables: dict[str, Any] | None = None) -> tuple[bytes, bytes]:
    fast, slow = FAST.execute_sync(query, variables), SLOW.execute_sync(query, variables)
    assert fast.errors is None
    assert slow.errors is None
    return orjson.dumps(fast.data), orjson.dumps(slow.data)


def test_every_metric_and_component_field_answers_the_same_json(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    executed: list[str] = []
    execute_field = PlainObjectsExecutionContext.execute_field

    def counting(self: PlainObjectsExecutionContext, *args: Any) -> Any:
        executed.append(args[2][0].node.name.value)
        return execute_field(self, *args)

    monkeypatch.setattr(PlainObjectsExecutionContext, "execute_field", counting)
    fast, slow = _both(EVERY_FIELD, {"basis": "BUSINESS"})

    assert fast == slow
    data = orjson.loads(fast)["agentScores"]
    assert len(data) == 40
    assert any(v["strata"] and v["adjustedCiLow"] is not None for a in data for v in a["metrics"])
    assert any(c["adjusted"] and c["expected"] is not None for a in data for c in a["components"])
    # the whole list on the direct path: graphql-core executed the root field alone
    assert executed == ["agentScores"]


@pytest.mark.parametrize(
    "selection",
    ["metrics { key }", "metrics { value }", "metrics { strata { key } }", "components { value }"],
)
def test_selections_of_the_same_shape_keep_their_own_answers(selection: str) -> None:
    """Metric objects are shared between requests and keep their answer per selection
    set: one that differs only inside `metrics` (or its strata) must not be given
    another's. Run in turn, each compared with graphql-core."""
    for query in (EVERY_FIELD, f"{{ agentScores {{ total {selection} }} }}"):
        fast, slow = _both(query, {"basis": "BUSINESS"})
        assert fast == slow
