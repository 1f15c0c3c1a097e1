"""The array-bound multi-row upsert (infra.db.unnest) behaves like INSERT … ON CONFLICT."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from domain.ports import TenantProfile
from infra.bootstrap import Container
from infra.db.tables import TICKET_EVENT
from infra.db.unnest import insert_unnest

KEY = ("tenant_id", "source", "event_id")
AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def _row(tenant: str, event_id: str, payload: dict[str, object]) -> dict[str, object]:
    return {
        "tenant_id": tenant,
        "source": "generic",
        "event_id": event_id,
        "type": "ticket.created",
        "occurred_at": AT,
        "stream": "T-1",
        "payload": payload,
        "received_at": AT,
    }


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_new_rows_are_returned_and_a_conflict_keeps_the_stored_row(
    container: Container, tenant: TenantProfile
) -> None:
    with container.uow(tenant.id) as uow:
        first = (
            insert_unnest(
                uow.session,
                TICKET_EVENT,
                [_row(tenant.id, "e1", {"n": 1})],
                conflict=KEY,
                returning="event_id",
            )
            .scalars()
            .all()
        )
        again = (
            insert_unnest(
                uow.session,
                TICKET_EVENT,
                [_row(tenant.id, "e1", {"n": 2}), _row(tenant.id, "e2", {"n": [1.5, None]})],
                conflict=KEY,
                returning="event_id",
            )
            .scalars()
            .all()
        )
        stored = dict(
            uow.session.execute(
                select(TICKET_EVENT.c.event_id, TICKET_EVENT.c.payload).where(
                    TICKET_EVENT.c.tenant_id == tenant.id
                )
            ).all()
        )
    assert (first, again) == (["e1"], ["e2"])
    assert stored == {"e1": {"n": 1}, "e2": {"n": [1.5, None]}}


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_update_overwrites_every_column_but_the_key(
    container: Container, tenant: TenantProfile
) -> None:
    with container.uow(tenant.id) as uow:
        insert_unnest(uow.session, TICKET_EVENT, [_row(tenant.id, "e1", {"n": 1})], conflict=KEY)
        changed = {**_row(tenant.id, "e1", {"n": 2}), "stream": "T-2"}
        insert_unnest(uow.session, TICKET_EVENT, [changed], conflict=KEY, update=True)
        row = uow.session.execute(
            select(TICKET_EVENT.c.stream, TICKET_EVENT.c.payload).where(
                TICKET_EVENT.c.tenant_id == tenant.id
            )
        ).one()
    assert tuple(row) == ("T-2", {"n": 2})


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_a_value_too_long_for_its_column_is_refused_not_cut(
    container: Container, tenant: TenantProfile
) -> None:
    with container.uow(tenant.id) as uow, pytest.raises(DBAPIError, match="too long"):
        insert_unnest(uow.session, TICKET_EVENT, [_row(tenant.id, "e" * 201, {})], conflict=KEY)


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_a_naive_time_is_refused_like_the_column_type_does(
    container: Container, tenant: TenantProfile
) -> None:
    naive = {**_row(tenant.id, "e1", {}), "occurred_at": AT.replace(tzinfo=None)}
    with container.uow(tenant.id) as uow, pytest.raises(ValueError, match="naive"):
        insert_unnest(uow.session, TICKET_EVENT, [naive], conflict=KEY)


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_text_and_json_with_an_array_literals_specials_arrive_unchanged(
    container: Container, tenant: TenantProfile
) -> None:
    """Text and JSON columns go as binary arrays (nothing escaped): quotes, backslashes,
    braces, commas, NULL-looking text and non-ASCII arrive as sent."""
    tricky = 'a "quoted", {braced} \\ back\tslash NULL é'
    rows = [
        {**_row(tenant.id, "e1", {"s": tricky, "n": [1.5, None]}), "stream": tricky},
        {**_row(tenant.id, "e2", {}), "stream": "NULL"},
        {**_row(tenant.id, "e3", {"k": "}{", "z": None}), "stream": "}{"},
    ]
    with container.uow(tenant.id) as uow:
        insert_unnest(uow.session, TICKET_EVENT, rows, conflict=KEY)
        stored = {
            r.event_id: (r.stream, r.payload)
            for r in uow.session.execute(
                select(
                    TICKET_EVENT.c.event_id, TICKET_EVENT.c.stream, TICKET_EVENT.c.payload
                ).where(TICKET_EVENT.c.tenant_id == tenant.id)
            )
        }
        uow.rollback()
    assert stored == {
        "e1": (tricky, {"s": tricky, "n": [1.5, None]}),
        "e2": ("NULL", {}),
        "e3": ("}{", {"k": "}{", "z": None}),
    }
