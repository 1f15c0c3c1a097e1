"""Stored samples carry their ticket's channel and priority at their time (SPEC §8), and a
`ticket.updated` delivered late re-folds the ticket: the observations from its time on
change stratum, the earlier ones keep theirs (SQLite and PostgreSQL)."""

from __future__ import annotations

from domain.ports import TenantProfile
from infra.bootstrap import Container
from tests.factories import Ticket
from tests.support.derive import apply_and_settle
from tests.support.derived_rows import derived_rows, outbox_left


def strata(c: Container, tenant: TenantProfile) -> dict[str, tuple[str | None, str | None]]:
    """metric → (channel, priority) of ticket T1's stored samples, read back as the API does."""
    with c.uow(tenant.id) as uow:
        samples = uow.reads.tickets.samples([("generic", "T1")])[("generic", "T1")]
    return {s.metric: (s.channel, s.priority) for s in samples if s.metric != "assignment"}


def test_a_late_update_changes_the_stratum_of_later_observations_only(
    container: Container, tenant: TenantProfile
) -> None:
    t = Ticket("T1").created(0, channel="email", priority="low", assignee="a1").customer(1)
    t.agent(10, "a1").customer(20).agent(40, "a1").solve(60).rate(90, 5)
    apply_and_settle(container, tenant.id, source="generic", events=t.events)
    assert set(strata(container, tenant).values()) == {("email", "low")}

    late = Ticket("T1").updated(30, channel="phone", priority="urgent")  # delivered last
    apply_and_settle(container, tenant.id, source="generic", events=late.events)

    assert strata(container, tenant) == {
        "tickets_created": ("email", "low"),
        "first_response_time": ("email", "low"),  # minute 10
        "reply_time": ("phone", "urgent"),  # minute 40
        "tickets_solved": ("phone", "urgent"),
        "resolution_time": ("phone", "urgent"),
        "one_touch_rate": ("phone", "urgent"),
        "reopen_rate": ("phone", "urgent"),
        "replies_per_ticket": ("phone", "urgent"),
        "abandoned_rate": ("phone", "urgent"),
        "csat": ("phone", "urgent"),
        "csat_comment_rate": ("phone", "urgent"),
    }
    ticket = derived_rows(container, tenant.id)["ticket"][(tenant.id, "generic", "T1")]
    assert (ticket["channel"], ticket["priority"]) == ("phone", "urgent")
    assert outbox_left(container, tenant.id) == {"dirty_period": 0, "derivation_request": 0}


def test_an_update_delivered_twice_or_before_its_ticket_changes_nothing_more(
    container: Container, tenant: TenantProfile
) -> None:
    t = Ticket("T1").created(0, channel="chat").customer(1).agent(10, "a1")
    t.updated(5, priority="high").solve(20)
    update = t.events[3]
    apply_and_settle(container, tenant.id, source="generic", events=[update])
    apply_and_settle(container, tenant.id, source="generic", events=t.events)
    once = derived_rows(container, tenant.id)["metric_sample"]
    apply_and_settle(container, tenant.id, source="generic", events=[update, update])
    assert derived_rows(container, tenant.id)["metric_sample"] == once
    assert strata(container, tenant)["first_response_time"] == ("chat", "high")
    assert strata(container, tenant)["tickets_created"] == ("chat", None)
