"""A bulk fold process leaves the streams naming an agent or team the directory does not
know yet (events stored without being applied, as an import may leave them) to the
ordinary path, which creates them: the rows equal those of the incremental rebuild."""

from __future__ import annotations

from typing import Any

from domain.events import parse_event
from domain.ports import TenantProfile
from domain.services.recompute import rebuild
from infra import admin
from infra.bootstrap import Container
from infra.bulk.rebuild import bulk_rebuild
from tests.support.derived_rows import clear_rebuilt, derived_rows, differences

KNOWN: dict[str, Any] = {
    "type": "agent.upserted",
    "id": "p1",
    "occurred_at": "2026-03-01T00:00:00Z",
    "agent_id": "ag1",
    "name": "Ann",
    "team_id": "t1",
}
STORED: list[dict[str, Any]] = [
    *(
        {
            "type": "agent.activity",
            "id": f"s{i}",
            "occurred_at": end,
            "agent_id": agent,
            "started_at": start,
            "ended_at": end,
        }
        for i, (agent, start, end) in enumerate(
            [
                ("ghost", "2026-03-02T20:00:00Z", "2026-03-03T02:00:00Z"),  # over midnight
                ("ghost", "2026-03-03T01:00:00Z", "2026-03-03T03:00:00Z"),  # overlaps
                ("ag1", "2026-03-02T08:00:00Z", "2026-03-02T12:00:00Z"),
            ]
        )
    ),
    *(
        {
            "type": "ticket.created",
            "id": f"{ticket}-c",
            "occurred_at": "2026-03-02T09:00:00Z",
            "ticket_id": ticket,
            "channel": "email",
            "requester_id": "c1",
            "team_id": team,
            "assignee_id": agent,
        }
        for ticket, agent, team in [("T1", "ghost2", "t-new"), ("T2", "ag1", "t1")]
    ),
    {
        "type": "ticket.message",
        "id": "T1-r",
        "occurred_at": "2026-03-02T09:30:00Z",
        "ticket_id": "T1",
        "message_id": "m1",
        "author_type": "agent",
        "author_id": "ghost2",
        "public": True,
    },
]


def test_streams_naming_unknown_agents_are_folded_on_the_ordinary_path(
    container: Container, tenant: TenantProfile
) -> None:
    admin.apply_canonical(container, tenant.id, source="generic", events=[KNOWN])
    with container.uow(tenant.id) as uow:
        uow.events.add("generic", [parse_event(e) for e in STORED])
        uow.commit()

    result = bulk_rebuild(container, tenant.id, workers=2)
    bulk = derived_rows(container, tenant.id)
    if not container.settings.is_sqlite:  # SQLite tenants rebuild incrementally
        assert sorted(result.deferred) == [("generic", "T1"), ("generic", "activity:ghost")]
    activity = [r for r in bulk["metric_sample"].values() if r["metric"] == "activity_seconds"]
    assert sorted(r["value"] for r in activity) == [3 * 3600.0, 4 * 3600.0, 4 * 3600.0]
    assert {r["external_id"] for r in bulk["ticket"].values()} == {"T1", "T2"}

    clear_rebuilt(container, tenant.id)
    rebuild(lambda: container.uow(tenant.id))
    assert differences(derived_rows(container, tenant.id), bulk, float_tolerance=1e-9) == []
