"""Tickets for a drill-down: filtered, keyset-paged, with their metric samples.

A page is one statement (its event counts are a correlated count on the event log's
index), the samples of a whole page one more, the total one more when asked: the number
of statements never depends on the page size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from functools import cached_property
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    func,
    or_,
    select,
    true,
    tuple_,
    union_all,
)

from domain.periods import Period, local_midnight
from domain.views import TicketFilter, TicketPosition, TicketSampleView, TicketView
from infra.db.repositories.base import TenantRepository
from infra.db.repositories.system import SystemRepository
from infra.db.tables import METRIC_SAMPLE, TICKET, TICKET_EVENT

K, E, S = TICKET.c, TICKET_EVENT.c, METRIC_SAMPLE.c


class SqlTicketReads(TenantRepository):
    def page(
        self, wanted: TicketFilter, *, first: int, after: TicketPosition | None
    ) -> Sequence[TicketView]:
        events = (
            select(func.count())
            .where(E.tenant_id == K.tenant_id, E.source == K.source, E.stream == K.external_id)
            .scalar_subquery()
        )
        matching = select(TICKET, events.label("event_count")).where(*self._conditions(wanted))
        parts = [
            matching.where(part).order_by(*_page_order(K)).limit(first) for part in _past(after)
        ]
        if len(parts) == 1:
            return [_view(row) for row in self.session.execute(parts[0])]
        # Each part is a page of its own (an index range); the page is their first rows.
        both = union_all(*(select(part.subquery()) for part in parts))
        stmt = both.order_by(*_page_order(both.selected_columns)).limit(first)
        return [_view(row) for row in self.session.execute(stmt)]

    def count(self, wanted: TicketFilter) -> int:
        stmt = select(func.count()).select_from(TICKET).where(*self._conditions(wanted))
        return int(self.session.execute(stmt).scalar_one())

    def samples(
        self, keys: Collection[tuple[str, str]]
    ) -> dict[tuple[str, str], list[TicketSampleView]]:
        out: dict[tuple[str, str], list[TicketSampleView]] = defaultdict(list)
        if not keys:
            return out
        stmt = (
            select(
                S.source,
                S.origin,
                S.metric,
                S.at,
                S.agent_id,
                S.value,
                S.value_business,
                S.channel,
                S.priority,
            )
            .where(S.tenant_id == self.tenant_id, tuple_(S.source, S.origin).in_(sorted(keys)))
            .order_by(S.source, S.origin, S.metric, S.at, S.seq)
        )
        for r in self.session.execute(stmt):
            view = TicketSampleView(
                r.metric, r.at, r.agent_id, r.value, r.value_business, r.channel, r.priority
            )
            out[(r.source, r.origin)].append(view)
        return out

    def _conditions(self, wanted: TicketFilter) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = [K.tenant_id == self.tenant_id]
        if wanted.team_id is not None:
            found.append(K.team_id == wanted.team_id)
        if wanted.agent_id is not None:
            found.append(K.assignee_id == wanted.agent_id)
        if wanted.statuses:
            found.append(K.status.in_(sorted(wanted.statuses)))
        if wanted.channel is not None:
            found.append(K.channel == wanted.channel)
        if wanted.created is not None:
            found.append(self._within(K.created_at, wanted.created))
        if wanted.solved is not None:
            found.append(self._within(K.first_solved_at, wanted.solved))
        return found

    def _within(self, column: Any, period: Period) -> ColumnElement[bool]:
        """The instants of a tenant-local period, [its first midnight, the next one)."""
        start = local_midnight(period.start, self._timezone)
        end = local_midnight(period.end, self._timezone)
        return and_(column >= start, column < end)

    @cached_property
    def _timezone(self) -> str:
        return SystemRepository(self.session).tenant(self.tenant_id).timezone


def _page_order(c: Any) -> tuple[Any, ...]:
    """The page order of the columns `c`: newest created first, not yet created last, then
    by source and id (ix_ticket_page_order)."""
    return (c.created_at.desc().nulls_last(), c.source, c.external_id)


def _past(at: TicketPosition | None) -> list[ColumnElement[bool]]:
    """The tickets past `at` in the page order (created_at DESC NULLS LAST, source, id), as
    parts of a UNION ALL: past a created ticket, the created ones from its time on (an
    index range of ix_ticket_page_order, not a filter of every newer ticket) and then those
    not yet created."""
    if at is None:
        return [true()]
    later_key = or_(
        K.source > at.source, and_(K.source == at.source, K.external_id > at.external_id)
    )
    if at.created_at is None:
        return [and_(K.created_at.is_(None), K.source >= at.source, later_key)]
    older = or_(K.created_at < at.created_at, and_(K.created_at == at.created_at, later_key))
    return [and_(K.created_at <= at.created_at, older), K.created_at.is_(None)]


def _view(r: Any) -> TicketView:
    return TicketView(
        r.source,
        r.external_id,
        r.channel,
        r.requester_id,
        r.status,
        r.team_id,
        r.assignee_id,
        r.created_at,
        r.first_reply_at,
        r.first_solved_at,
        r.reopen_count,
        r.public_agent_reply_count,
        int(r.event_count),
    )
