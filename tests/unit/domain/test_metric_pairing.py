"""Each metric is found in one place: its definition and the producer of its samples sit in
one module of `domain.metrics`, and the dictionary pairs them by name.

A sample-based metric has exactly one producer; a derived one has none and is computed
from the streams it names; a producer emits only the streams it declares, all defined.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections import Counter
from datetime import datetime
from types import ModuleType
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

import domain.metrics as m
from domain.fold import TicketFacts, fold
from domain.metrics import Kind, MetricDef, Producer, Stream
from domain.metrics.reviews import review_samples
from domain.metrics.workload import activity_samples
from domain.samples import ONE_DAY, SamplePolicy, SlaTargets
from tests.factories import Ticket, at
from tests.unit.quality.builders import category, review, scorecard

SAMPLE_BASED = [d for d in m.DEFINITIONS if d.kind is not Kind.DERIVED]
DERIVED = [d for d in m.DEFINITIONS if d.kind is Kind.DERIVED]
DECLARED = {s for p in m.PRODUCERS for s in p.streams}


def _half(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 2


# Business hours and SLA targets on every channel, so the SLA streams are produced too.
POLICY = SamplePolicy(
    business_clock=_half, sla=SlaTargets({"*": 3600.0}, {"*": 86400.0}, business_basis=True)
)


def _family_modules() -> list[ModuleType]:
    names = [i.name for i in pkgutil.iter_modules(m.__path__) if i.name != "definition"]
    return [importlib.import_module(f"{m.__name__}.{name}") for name in names]


def _module_level(kind: type[object]) -> list[object]:
    return [v for mod in _family_modules() for v in vars(mod).values() if isinstance(v, kind)]


def test_every_sample_based_metric_has_exactly_one_producer_and_a_derived_one_none() -> None:
    claims = Counter(s for p in m.PRODUCERS for s in p.streams)
    assert {d.key: claims[d.key] for d in SAMPLE_BASED} == {d.key: 1 for d in SAMPLE_BASED}
    assert {d.key: claims[d.key] for d in DERIVED} == {d.key: 0 for d in DERIVED}
    assert all(m.producer_of(d.key) is not None for d in SAMPLE_BASED)


def test_every_stream_a_producer_declares_is_a_defined_metric_or_a_derived_metric_s_input() -> None:
    inputs = {s.key for s in m.STREAMS}
    assert {d.key for d in SAMPLE_BASED} | inputs == DECLARED
    assert not inputs & set(m.BY_KEY)
    assert all(m.get(s.feeds).kind is Kind.DERIVED for s in m.STREAMS)


def test_every_definition_producer_and_stream_of_the_package_is_registered() -> None:
    # A metric written in its module but not listed in the dictionary is caught here.
    assert set(_module_level(MetricDef)) == set(m.DEFINITIONS)
    assert {id(p) for p in _module_level(Producer)} == {id(p) for p in m.PRODUCERS}
    assert set(_module_level(Stream)) == set(m.STREAMS)
    assert len(m.BY_KEY) == len(m.DEFINITIONS)


def _facts(ticket: Ticket) -> TicketFacts:
    events: list[Any] = ticket.parsed()  # ticket events only
    return fold(ticket.ticket_id, events)


def _rich_tickets() -> list[TicketFacts]:
    """Between them, every kind of ticket sample: replies, solves, ratings, handling."""
    answered = Ticket("T1").created(0, assignee="a1", team="t1").customer(1).agent(30, "a1")
    answered = answered.customer(40).agent(70, "a1").handled(71, "a1", 300).solve(80)
    rated = answered.rate(90, 5, comment="thanks").rate(91, 3, kind="ces", scale_max=7)
    rated = rated.rate(92, 9, kind="nps", scale_max=10)
    return [_facts(rated), _facts(Ticket("T2").created(0).assign(5, "a2").solve(60))]


def test_each_ticket_producer_emits_every_stream_it_declares_and_no_other() -> None:
    tickets = _rich_tickets()
    for producer in m.TICKET_PRODUCERS:
        emitted = {s.metric for f in tickets for s in producer.produce(f, POLICY)}
        assert emitted == set(producer.streams), producer.streams


def test_the_activity_and_review_producers_emit_their_declared_streams() -> None:
    spans = [(at(0), at(90)), (at(60), at(24 * 60 + 30))]
    activity = activity_samples("a1", spans, day_starts=lambda t: t + ONE_DAY)
    producer = m.producer_of("activity_seconds")
    assert producer is not None and producer.produce is activity_samples
    assert {s.metric for s in activity} == set(producer.streams)
    made = review(scorecard(category("solution")), {"solution": 3})
    samples = review_samples(made, at=at(0), qa_team=None, reviewer_team=None)
    producer = m.producer_of("qa_score")
    assert producer is not None and producer.produce is review_samples
    assert [s.metric for s in samples] == list(producer.streams)


def test_ticket_samples_are_the_registered_producers_samples_in_their_order() -> None:
    f = _rich_tickets()[0]
    expected = [s for p in m.TICKET_PRODUCERS for s in p.produce(f, POLICY)]
    assert m.ticket_samples(f, POLICY) == expected
    assert [s.metric for s in expected][:4] == [
        "tickets_created",
        "first_response_time",
        "sla_first_response",
        "reply_time",
    ]


def test_the_aggregation_hints_come_from_the_definitions() -> None:
    assert m.duration_streams() == ("first_response_time", "reply_time", "resolution_time")
    assert set(m.distinct_ticket_streams()) == {"assignment", "handle_time"}


STEPS = st.lists(
    st.tuples(
        st.sampled_from(["customer", "agent", "assign", "solve", "reopen", "rate", "nps", "ces"]),
        st.integers(0, 600),
    ),
    max_size=12,
)


@given(created=st.booleans(), steps=STEPS)
def test_no_ticket_history_makes_a_producer_emit_an_undeclared_stream(
    created: bool, steps: list[tuple[str, int]]
) -> None:
    t = Ticket("T9")
    if created:
        t.created(0, assignee="a1")
    for step, minute in steps:
        if step == "customer":
            t.customer(minute)
        elif step == "agent":
            t.agent(minute, "a2")
        elif step == "assign":
            t.assign(minute, "a3", team="t2")
        elif step in ("solve", "reopen"):
            t.status(minute, "solved" if step == "solve" else "open")
        else:
            kind = "csat" if step == "rate" else step
            t.rate(minute, 4, kind=kind, scale_max=10 if step == "nps" else 5)
    facts = _facts(t)
    for producer in m.TICKET_PRODUCERS:
        assert {s.metric for s in producer.produce(facts, POLICY)} <= set(producer.streams)
