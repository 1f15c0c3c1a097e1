"""The incremental path and the bulk path of the derivation engine give the same rows
(issue 10, acceptance): random histories, delivered messily (duplicates, any order, any
batch size) and derived as they arrive, equal a rebuild of the same event log — every
derived table, row for row, on SQLite and PostgreSQL.

On PostgreSQL `admin.recompute(since=None)` runs the bulk strategy
(infra.bulk.rebuild.PostgresBulkRebuild: COPY, parallel folds, whole-history SQL
summaries); on SQLite the generic rebuild (domain.services.recompute). The rebuild is
checked twice: over the rows the incremental path left (the operator's path), and from
no derived rows at all (so that a rebuild leaving a stale row in place cannot pass).

Each example makes its own tenant: the function-scoped container is only the composition
root, shared harmlessly by the examples (hence the suppressed health check).
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.business_hours import WEEKDAYS
from domain.derivation import reconciler
from domain.events import format_time
from domain.metrics import Level
from domain.periods import Grain, Period
from domain.policy import BUSINESS_HOURS
from domain.ports import TenantId
from domain.stats import median
from infra import admin
from infra.bootstrap import Container
from infra.synthetic import Shape, agent_key, generate, team_key
from tests.factories import Ticket
from tests.support.compare import from_snapshots
from tests.support.derive import apply_and_settle
from tests.support.derived_rows import (
    Rows,
    clear_rebuilt,
    counts,
    derived_rows,
    differences,
    outbox_left,
)

TZ = "Europe/Berlin"
# Month, quarter and year ends and both DST switches of Berlin fall inside some histories.
STARTS = (
    datetime(2026, 3, 20, tzinfo=UTC),
    datetime(2026, 6, 25, tzinfo=UTC),
    datetime(2026, 10, 19, tzinfo=UTC),
    datetime(2026, 12, 22, tzinfo=UTC),
)
# Floats in snapshots and scores (only) may differ in their last bits on PostgreSQL, and only
# there: sums of float8 depend on the order rows are scanned in (medians are exact — see
# the test at the end). 1e-12 is ~5000 ulps; every key, count, None and the shape of each
# row stay exact.
ROUNDING = 1e-12
EXAMPLES = settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@st.composite
def histories(draw: st.DrawFn) -> list[dict[str, Any]]:
    """A synthetic helpdesk history (replies, reassignment, reopen, ratings, handle time,
    shifts, mostly with priorities and their updates), with agents moving between teams,
    stray ratings, and events lost upstream."""
    shape = Shape(
        agents=draw(st.integers(1, 4)),
        teams=draw(st.integers(1, 3)),
        tickets=draw(st.integers(1, 30)),
        days=draw(st.integers(1, 21)),
        start=draw(st.sampled_from(STARTS)),
        seed=draw(st.integers(0, 10_000)),
        activity=draw(st.booleans()),
        prefix=f"T{draw(st.integers(0, 9))}-",
        priorities=draw(st.sampled_from((True, True, False))),
    )
    events = list(generate(shape))
    rng = random.Random(draw(st.integers(0, 10_000)))
    events += _moves(rng, shape, draw(st.integers(0, 3)))
    events += _stray_ratings(rng, events, draw(st.integers(0, 3)))
    lost = draw(st.sampled_from((0.0, 0.0, 0.05)))
    return [e for e in events if rng.random() >= lost]


def _moves(rng: random.Random, shape: Shape, count: int) -> list[dict[str, Any]]:
    """agent.upserted restating an agent's team (another one, a new one, or none)."""
    out = []
    for n in range(count):
        agent = agent_key(rng.randrange(shape.agents))
        at = shape.start + timedelta(days=rng.randrange(shape.days), hours=rng.randrange(24))
        team = rng.choice([team_key(rng.randrange(shape.teams)), "team-new", None])
        out.append(
            {
                "id": f"move-{n}",
                "type": "agent.upserted",
                "occurred_at": format_time(at),
                "agent_id": agent,
                "name": f"Agent {agent}",
                "team_id": team,
            }
        )
    return out


def _stray_ratings(
    rng: random.Random, events: list[dict[str, Any]], count: int
) -> list[dict[str, Any]]:
    """Late ratings of any kind on existing tickets (re-rates) or on unknown tickets."""
    tickets = sorted({e["ticket_id"] for e in events if "ticket_id" in e}) or ["none"]
    out = []
    for n in range(count):
        kind, scale = rng.choice((("csat", 5), ("ces", 7), ("nps", 10)))
        ticket = rng.choice([*tickets, "unknown-ticket"])
        created = min(
            (e["occurred_at"] for e in events if e.get("ticket_id") == ticket),
            default="2026-06-01T12:00:00Z",
        )
        at = datetime.fromisoformat(created) + timedelta(hours=rng.randrange(1, 200))
        out.append(
            {
                "id": f"stray-{n}",
                "type": "ticket.rated",
                "occurred_at": format_time(at),
                "ticket_id": ticket,
                "kind": kind,
                "score": rng.randint(1 if kind != "nps" else 0, scale),
                "scale_max": scale,
            }
        )
    return out


def messy(rng: random.Random, events: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The events redelivered in part, shuffled, cut into batches of random sizes (a
    batch may repeat an event of its own)."""
    stream = events + rng.sample(events, rng.randint(0, len(events) // 3))
    rng.shuffle(stream)
    batches, start = [], 0
    while start < len(stream):
        size = rng.randint(1, max(1, len(stream) // rng.choice((1, 2, 4, 8))))
        batch = stream[start : start + size]
        batches.append(batch + rng.sample(batch, rng.randint(0, 1)))
        start += size
    return batches


# Business hours with a split day, a holiday and a second version: durations on the
# business basis go through the bulk fold's calendars too.
HOURS = {
    "timezone": TZ,
    "versions": [
        {
            "effective_from": "2026-01-01",
            "weekly": {d: [["09:00", "12:00"], ["13:00", "17:00"]] for d in WEEKDAYS[:5]},
            "holidays": ["2026-12-25", "2026-04-03"],
        },
        {"effective_from": "2026-10-01", "weekly": {d: [["08:00", "16:00"]] for d in WEEKDAYS[:6]}},
    ],
}


def new_tenant(c: Container, case_mix: str | None = None, *, hours: bool = False) -> TenantId:
    """A tenant; with `case_mix` (its reference, TENANT or TEAM) case mix is on, with
    minimums low enough for these small histories to pool and adjust (SPEC §8); with
    `hours`, business hours (HOURS)."""
    slug = f"p-{uuid.uuid4().hex[:10]}"
    tenant = admin.create_tenant(c, slug=slug, name="Property", timezone=TZ).id
    with c.uow(tenant) as uow:
        if case_mix is not None:
            policy = {"enabled": True, "min_stratum": 2, "min_sample": 1, "reference": case_mix}
            uow.settings.put("case_mix", policy)
        if hours:
            uow.settings.put(BUSINESS_HOURS, HOURS)
        uow.commit()
    return tenant


def deliver(c: Container, tenant: TenantId, batches: list[list[dict[str, Any]]]) -> None:
    for batch in batches:
        apply_and_settle(c, tenant, source="generic", events=batch)


def assert_settled(c: Container, tenant: TenantId) -> None:
    assert outbox_left(c, tenant) == {"dirty_period": 0, "derivation_request": 0}


def assert_rebuild_gives(c: Container, tenant: TenantId, incremental: Rows) -> None:
    """A whole-history rebuild, over the existing rows and from none, gives `incremental`."""
    admin.recompute(c, tenant, since=None)
    assert_settled(c, tenant)
    assert differences(incremental, derived_rows(c, tenant), float_tolerance=ROUNDING) == [], (
        "over rows"
    )
    clear_rebuilt(c, tenant)
    admin.recompute(c, tenant, since=None)
    assert_settled(c, tenant)
    assert differences(incremental, derived_rows(c, tenant), float_tolerance=ROUNDING) == [], (
        "from nothing"
    )


CASE_MIX = st.sampled_from((None, "TENANT", "TEAM"))


@EXAMPLES
@given(
    events=histories(),
    rnd=st.randoms(use_true_random=False),
    case_mix=CASE_MIX,
    hours=st.booleans(),
)
def test_incremental_rows_equal_a_rebuild(
    container: Container,
    events: list[dict[str, Any]],
    rnd: random.Random,
    case_mix: str | None,
    hours: bool,
) -> None:
    tenant = new_tenant(container, case_mix, hours=hours)
    deliver(container, tenant, messy(rnd, events))
    assert_settled(container, tenant)
    incremental = derived_rows(container, tenant)
    assert counts(incremental)["ticket"] > 0 or not any("ticket_id" in e for e in events)
    prioritised = any(e["type"] == "ticket.created" and e.get("priority") for e in events)
    assert any(r["priority"] for r in incremental["metric_sample"].values()) == prioritised
    assert_rebuild_gives(container, tenant, incremental)


@EXAMPLES
@given(
    events=histories(),
    rnd=st.randoms(use_true_random=False),
    cut=st.floats(0.1, 0.9),
    since_days=st.sampled_from((None, None, 0, 3)),
    case_mix=CASE_MIX,
    hours=st.booleans(),
)
def test_deliveries_after_a_rebuild_still_equal_a_rebuild(
    container: Container,
    events: list[dict[str, Any]],
    rnd: random.Random,
    cut: float,
    since_days: int | None,
    case_mix: str | None,
    hours: bool,
) -> None:
    """A rebuild mid-stream (of the whole history, or from a day on), then more messy
    deliveries derived incrementally on top of the rebuilt rows."""
    tenant = new_tenant(container, case_mix, hours=hours)
    batches = messy(rnd, events)
    first = max(1, int(len(batches) * cut))
    deliver(container, tenant, batches[:first])
    admin.recompute(container, tenant, since=_since(events, since_days))
    deliver(container, tenant, batches[first:])
    assert_settled(container, tenant)
    assert_rebuild_gives(container, tenant, derived_rows(container, tenant))


def _since(events: list[dict[str, Any]], days: int | None) -> date | None:
    if days is None or not events:
        return None
    first = min(datetime.fromisoformat(e["occurred_at"]) for e in events)
    return (first + timedelta(days=days)).date()


# Two first responses whose mean is not what PostgreSQL's percentile_cont(0.5) gave (the
# roll-up's median before): 11870.321605 + (77886.501366 - 11870.321605) * 0.5 =
# 44878.41148549999, while the SPEC's "mean of the two middle values" (domain.stats.median)
# is 44878.4114855.
FIRST_RESPONSES = (11870.321605, 77886.501366)


@pytest.mark.parametrize(
    "database_url",
    ["sqlite", "postgres"],
    indirect=True,
)
def test_an_even_median_is_the_mean_of_the_two_middle_values_bit_for_bit(
    container: Container,
) -> None:
    tenant = new_tenant(container)
    created = datetime(2026, 6, 1, 8, tzinfo=UTC)
    events: list[dict[str, Any]] = []
    for n, seconds in enumerate(FIRST_RESPONSES):
        ticket = Ticket(f"M{n}", base=created).created(0, assignee="ag1").customer(0)
        events += ticket.events
        events.append(
            {
                "id": f"M{n}-reply",
                "type": "ticket.message",
                "occurred_at": format_time(created + timedelta(seconds=seconds)),
                "ticket_id": f"M{n}",
                "message_id": f"M{n}-reply",
                "author_type": "agent",
                "author_id": "ag1",
                "public": True,
            }
        )
    apply_and_settle(container, tenant, source="generic", events=events)
    month = from_snapshots(container, tenant, "MONTH")["agent"]["ag1"]["2026-06-01"]
    assert month["first_response_time"]["sample"] == 2
    assert month["first_response_time"]["value"] == median(FIRST_RESPONSES) == 44878.4114855


# ag1 belongs to team `own` from before the tickets below.
AG1_ON_OWN = {
    "id": "profile-ag1",
    "type": "agent.upserted",
    "occurred_at": "2026-03-19T00:00:00Z",
    "agent_id": "ag1",
    "name": "Agent 1",
    "team_id": "own",
}


@pytest.mark.parametrize("database_url", ["sqlite", "postgres"], indirect=True)
def test_a_peer_team_measured_for_shrinkage_is_re_adjusted_when_the_reference_moves(
    container: Container,
) -> None:
    """ag1 is on team `own` but answers `queue`'s tickets. A later reply of ag1 moves the
    tenant's case-mix reference: its roll-up measures `own` only as ag1's peer, yet
    `own`'s stored snapshot must get its adjustment again like any untouched subject's."""
    tenant = new_tenant(container, "TENANT")
    day = datetime(2026, 3, 24, 8, tzinfo=UTC)
    first = Ticket("X", base=day).created(0, assignee="ag1", team="queue").customer(0)
    other = Ticket("Y", base=day).created(0, assignee="ag2", team="own").customer(0)
    later = Ticket("Z", base=day).created(0, assignee="ag1", team="queue").customer(0)
    first.agent(30, "ag1")
    other.agent(60, "ag2")
    later.agent(300, "ag1")
    deliver(container, tenant, [[AG1_ON_OWN, *first.events, *other.events], later.events])
    assert_settled(container, tenant)
    assert_rebuild_gives(container, tenant, derived_rows(container, tenant))


@pytest.mark.parametrize("database_url", ["sqlite", "postgres"], indirect=True)
def test_a_re_adjusted_agent_loses_a_case_mix_adjustment_its_reference_cannot_give(
    container: Container,
) -> None:
    """With the team as reference, ag1 (team `own`, answering `queue`'s tickets) is first
    read against the tenant: `own` has no case-mix samples yet. ag2's reply on an `own`
    ticket gives `own` a first response only; re-adjusted against `own`, ag1's day keeps
    an adjustment on first_response_time alone, as a rebuild gives it."""
    tenant = new_tenant(container, "TEAM")
    day = datetime(2026, 3, 24, 8, tzinfo=UTC)
    first = Ticket("X", base=day).created(0, assignee="ag1", team="queue").customer(0)
    first.agent(30, "ag1").solve(40)
    other = Ticket("Y", base=day).created(0, assignee="ag2", team="own").customer(0)
    other.agent(60, "ag2")
    deliver(container, tenant, [[AG1_ON_OWN, *first.events], other.events])
    assert_settled(container, tenant)
    with container.read_uow(tenant) as uow:
        ag1 = next(a.id for a in uow.reads.agents() if a.external_id == "ag1")
        metrics = uow.reads.snapshots(Level.AGENT, Period(Grain.DAY, day.date()))[ag1].metrics
    assert "resolution_time" in {key for key, _ in metrics}
    assert {key for (key, _), v in metrics.items() if v.case_mix} == {"first_response_time"}
    assert_rebuild_gives(container, tenant, derived_rows(container, tenant))


@pytest.mark.parametrize("database_url", ["sqlite", "postgres"], indirect=True)
def test_a_roll_up_longer_than_a_batch_goes_on_after_the_round_s_first(
    container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A round's first roll-up batch commits with its deliveries; the subject-periods
    beyond it are rolled up in batches of their own, to the same rows as a rebuild."""
    monkeypatch.setattr(reconciler, "ROLL_UP_BATCH", 2)
    tenant = new_tenant(container, "TENANT")
    shape = Shape(agents=3, teams=2, tickets=12, days=5, start=STARTS[0], seed=3, activity=True)
    deliver(container, tenant, [list(generate(shape))])
    assert_settled(container, tenant)
    assert_rebuild_gives(container, tenant, derived_rows(container, tenant))
