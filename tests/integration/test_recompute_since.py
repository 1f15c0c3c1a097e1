"""A recompute from a date re-scores every period it drops: each period that ends after
the date, also one that starts before it and has samples only before it."""

from __future__ import annotations

import uuid
from datetime import date

from infra import admin
from infra.bootstrap import Container
from tests.support.derive import apply_and_settle
from tests.support.derived_rows import derived_rows, differences

# 2026-06-02 (a Tuesday) 21:00 in Berlin; the recompute runs from Friday 2026-06-05, so the
# rating's week, month and quarter end after that day but hold nothing dated on/after it.
RATING = {
    "id": "r1",
    "type": "ticket.rated",
    "occurred_at": "2026-06-02T19:00:00Z",
    "ticket_id": "unknown-ticket",
    "kind": "ces",
    "score": 5,
    "scale_max": 7,
}
SINCE = date(2026, 6, 5)


def test_a_recompute_from_a_day_keeps_the_snapshots_of_periods_begun_before_it(
    container: Container,
) -> None:
    slug = f"s-{uuid.uuid4().hex[:10]}"
    tenant = admin.create_tenant(container, slug=slug, name="Since", timezone="Europe/Berlin").id
    apply_and_settle(container, tenant, source="generic", events=[RATING])
    before = derived_rows(container, tenant)
    assert {(key[3], key[4]) for key in before["score_snapshot"]} == {
        ("DAY", date(2026, 6, 2)),
        ("WEEK", date(2026, 6, 1)),
        ("MONTH", date(2026, 6, 1)),
        ("QUARTER", date(2026, 4, 1)),
    }
    admin.recompute(container, tenant, since=SINCE)
    assert differences(before, derived_rows(container, tenant)) == []
