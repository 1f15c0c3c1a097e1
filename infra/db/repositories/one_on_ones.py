"""One-on-ones of the tenant's agents, paged by keyset (latest day first)."""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import func, select, update

from domain.erasure import ErasedRecords
from domain.one_on_ones.meetings import ActionItem, OneOnOne
from domain.one_on_ones.ports import Position
from infra.db.keyset import Key, Keyset
from infra.db.repositories.base import TenantRepository
from infra.db.tables import ONE_ON_ONE

M = ONE_ON_ONE.c
ORDER = Keyset(Key(M.held_on, descending=True), Key(M.id, descending=True))


class SqlOneOnOnes(TenantRepository):
    ERASES: ClassVar[tuple[str, ...]] = (ONE_ON_ONE.name,)

    def add(self, meeting: OneOnOne) -> None:
        self.session.execute(
            ONE_ON_ONE.insert().values(
                tenant_id=self.tenant_id,
                id=meeting.id,
                agent_id=meeting.agent_id,
                manager_id=meeting.manager_id,
                created_at=meeting.created_at,
                **_changeable(meeting),
            )
        )

    def get(self, meeting_id: str) -> OneOnOne | None:
        row = self.session.execute(
            select(ONE_ON_ONE).where(M.tenant_id == self.tenant_id, M.id == meeting_id)
        ).one_or_none()
        return _meeting(row) if row is not None else None

    def save(self, meeting: OneOnOne) -> None:
        self.session.execute(
            update(ONE_ON_ONE)
            .where(M.tenant_id == self.tenant_id, M.id == meeting.id)
            .values(**_changeable(meeting))
        )

    def of_agent(self, agent_id: str, *, first: int, after: Position | None) -> list[OneOnOne]:
        stmt = ORDER.page(self._of(agent_id), limit=first, after=after)
        return [_meeting(row) for row in self.session.execute(stmt)]

    def count(self, agent_id: str) -> int:
        stmt = select(func.count()).select_from(self._of(agent_id).subquery())
        return int(self.session.execute(stmt).scalar_one())

    def erase_agent(self, agent_id: str) -> ErasedRecords:
        """The agent's meetings. Those they held as another agent's manager stay: they are
        that agent's records (they name the erased agent by id only)."""
        return ErasedRecords({"one_on_ones": self.delete_rows(ONE_ON_ONE, agent_id=agent_id)})

    def _of(self, agent_id: str) -> Any:
        return select(ONE_ON_ONE).where(M.tenant_id == self.tenant_id, M.agent_id == agent_id)


def _changeable(meeting: OneOnOne) -> dict[str, Any]:
    items = [
        {"id": i.id, "text": i.text, "done": i.done, "goal_id": i.goal_id}
        for i in meeting.action_items
    ]
    return {
        "held_on": meeting.held_on,
        "agenda": meeting.agenda,
        "notes": meeting.notes,
        "action_items": items,
        "review_ids": list(meeting.review_ids),
        "goal_ids": list(meeting.goal_ids),
        "updated_at": meeting.updated_at,
    }


def _meeting(row: Any) -> OneOnOne:
    return OneOnOne(
        id=row.id,
        agent_id=row.agent_id,
        manager_id=row.manager_id,
        held_on=row.held_on,
        agenda=row.agenda,
        notes=row.notes,
        action_items=tuple(
            ActionItem(i["id"], i["text"], bool(i["done"]), i.get("goal_id"))
            for i in row.action_items
        ),
        review_ids=tuple(row.review_ids),
        goal_ids=tuple(row.goal_ids),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )
